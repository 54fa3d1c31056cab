// Checks the plane boundaries of DESIGN.md: other planes are reached only through their index.ts,
// and dependencies point one way (control and proxy share only config; stats is a pure leaf).
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { test } from 'node:test';

const srcRoot = new URL('../src/', import.meta.url).pathname;

/** Which planes each plane may import. A plane missing here fails the test until it is placed. */
const allowed: Record<string, string[]> = {
  errors: [],
  stats: [],
  manifest: ['errors'],
  smp: ['errors'],
  smi: ['errors', 'manifest'],
  config: ['errors'],
  perf: ['errors', 'stats', 'smp'],
  control: ['errors', 'stats', 'config', 'smi', 'manifest'],
  proxy: ['errors', 'stats', 'config'],
  platform: ['errors', 'config', 'manifest'],
  conformance: ['errors', 'stats', 'smi', 'platform', 'perf', 'manifest'],
  federation: ['errors', 'config'],
  server: ['errors', 'stats', 'smp', 'perf', 'control', 'platform', 'conformance', 'smi', 'manifest'],
  cli: [
    'errors',
    'stats',
    'manifest',
    'smp',
    'smi',
    'perf',
    'config',
    'control',
    'proxy',
    'platform',
    'conformance',
    'server',
    'federation',
  ],
};

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (name === 'node_modules' || name === 'ui' || name === 'dist') return [];
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.tsx?$/.test(name) && !name.endsWith('.d.ts') ? [path] : [];
  });
}

const importPattern =
  /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s+['"](\.[^'"]+)['"]|import\(\s*['"](\.[^'"]+)['"]\s*\)/g;

test('planes import each other only through index.ts, in the allowed direction', () => {
  const problems: string[] = [];
  for (const file of sourceFiles(srcRoot)) {
    const rel = relative(srcRoot, file);
    if (!rel.includes(sep)) continue; // top-level files such as this test
    const plane = rel.split(sep)[0]!;
    const isTest = /\.test\.tsx?$/.test(file) || rel.split(sep).includes('testing');
    if (!(plane in allowed)) problems.push(`${rel}: plane "${plane}" has no entry in architecture.test.ts`);
    const text = readFileSync(file, 'utf8');
    for (const match of text.matchAll(importPattern)) {
      const spec = (match[1] ?? match[2])!;
      const target = relative(srcRoot, resolve(dirname(file), spec));
      const targetPlane = target.split(sep)[0]!;
      if (targetPlane === plane || target.startsWith('..')) continue;
      const viaIndex = target === join(targetPlane, 'index.js');
      const viaTesting = isTest && target.split(sep)[1] === 'testing';
      if (!viaIndex && !viaTesting) problems.push(`${rel}: imports ${spec}; use ${targetPlane}/index.ts`);
      if (!isTest && !(allowed[plane] ?? []).includes(targetPlane)) {
        problems.push(`${rel}: ${plane} must not depend on ${targetPlane}`);
      }
    }
  }
  assert.deepEqual(problems, []);
});
