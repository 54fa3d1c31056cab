import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { InvalidInputError, MeshplaneError, isCausedBy, suggestName } from './index.js';

const root = new URL('../../', import.meta.url).pathname;

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (name === 'node_modules' || name === 'dist') return [];
    if (statSync(path).isDirectory()) return sources(path);
    return /\.tsx?$/.test(name) && !/\.test\.tsx?$/.test(name) ? [path] : [];
  });
}

test('every error code used in src/ is documented in docs/errors.md', () => {
  const docs = readFileSync(join(root, 'docs/errors.md'), 'utf8');
  const codes = new Set<string>();
  for (const file of sources(join(root, 'src'))) {
    for (const m of readFileSync(file, 'utf8').matchAll(/['"`]((?:[A-Z]+_)?ERR_[A-Z0-9_]+)['"`]/g))
      codes.add(m[1]!);
  }
  assert.ok(codes.has('ERR_INVALID_INPUT'));
  const missing = [...codes].filter((code) => !docs.includes(`\`${code}\``));
  assert.deepEqual(missing, []);
});

test('InvalidInputError names the field, the value and what was expected', () => {
  const e = new InvalidInputError('clients[0].connections', -3, 'a positive integer', 'test.yaml');
  assert.equal(e.message, 'test.yaml: clients[0].connections is -3; expected a positive integer');
  assert.equal(e.status, 400);
  assert.equal(e.code, 'ERR_INVALID_INPUT');
  assert.match(new InvalidInputError('url', undefined, 'an http:// URL').message, /url is missing; expected/);
});

test('isCausedBy finds a code along the cause chain', () => {
  const inner = new MeshplaneError('PERF_ERR_CONNECT', 'refused');
  const outer = new Error('run failed', { cause: inner });
  assert.equal(isCausedBy(outer, 'PERF_ERR_CONNECT'), inner);
  assert.equal(isCausedBy(outer, 'OTHER'), undefined);
});

test('suggestName finds the closest known field, ignoring case and separators, or nothing', () => {
  const known = ['endpoint_urls', 'content_type', 'connections'];
  assert.equal(suggestName('endpoint_url', known), 'endpoint_urls');
  assert.equal(suggestName('endpointURLs', known), 'endpoint_urls');
  assert.equal(suggestName('conections', known), 'connections');
  assert.equal(suggestName('zzz', known), undefined);
});
