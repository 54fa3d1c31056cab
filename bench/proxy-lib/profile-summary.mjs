// Summarises a V8 .cpuprofile: self time by function and by area (meshplane code, Node internals,
// GC, idle). Usage: node bench/proxy-lib/profile-summary.mjs FILE.cpuprofile [top=25]
import { readFileSync } from 'node:fs';

export function summarize(file, top = 25) {
  const p = JSON.parse(readFileSync(file, 'utf8'));
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const self = new Map();
  const total = p.samples.length;
  const counts = new Map();
  for (const id of p.samples) counts.set(id, (counts.get(id) ?? 0) + 1);
  const areas = new Map();
  for (const [id, c] of counts) {
    const n = byId.get(id);
    const f = n.callFrame;
    const url = f.url.replace(/^file:\/\/.*\/dist\//, 'dist/');
    const key = `${f.functionName || '(anonymous)'} ${url ? `${url}:${f.lineNumber + 1}` : ''}`.trim();
    self.set(key, (self.get(key) ?? 0) + c);
    const area =
      f.functionName === '(idle)'
        ? 'idle'
        : f.functionName === '(garbage collector)'
          ? 'gc'
          : f.functionName === '(program)'
            ? 'native/program'
            : url.startsWith('dist/proxy')
              ? 'meshplane proxy'
              : url.startsWith('node:')
                ? url
                    .split('/')[0]
                    .replace(/^node:internal.*/, 'node internals')
                    .replace(/^node:.*/, 'node lib')
                : url === ''
                  ? 'native/builtins'
                  : 'other';
    areas.set(area, (areas.get(area) ?? 0) + c);
  }
  const busy = total - (areas.get('idle') ?? 0);
  const lines = [];
  lines.push(`samples ${total}, busy ${busy} (${((busy / total) * 100).toFixed(1)}%)`);
  lines.push('by area (share of busy time):');
  for (const [a, c] of [...areas].filter(([a]) => a !== 'idle').sort((x, y) => y[1] - x[1]))
    lines.push(`  ${((c / busy) * 100).toFixed(1).padStart(5)}%  ${a}`);
  lines.push(`top ${top} functions by self time (share of busy time):`);
  for (const [k, c] of [...self]
    .filter(([k]) => !k.startsWith('(idle)'))
    .sort((x, y) => y[1] - x[1])
    .slice(0, top))
    lines.push(`  ${((c / busy) * 100).toFixed(1).padStart(5)}%  ${k}`);
  return lines.join('\n');
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop())) {
  console.log(summarize(process.argv[2], Number(process.argv[3] ?? 25)));
}
