#!/usr/bin/env node
// Record-cost micro-benchmark: ns per recorded sample for meshplane's Histogram and for
// hdr-histogram-js (JS and WebAssembly), on the same log-spread µs values (1 µs .. 1 h).
// Prints one JSON object. Run after `npm run build`: node bench/record-cost.mjs [samples]
import { performance } from 'node:perf_hooks';
import * as hdr from 'hdr-histogram-js';
import { Histogram } from '../dist/stats/index.js';

const n = Number(process.argv[2] ?? 2_000_000);
const values = new Float64Array(n);
let x = 12345;
for (let i = 0; i < n; i++) {
  x = (x * 1103515245 + 12345) % 2147483648;
  values[i] = Math.max(1, Math.floor(Math.exp((x / 2147483648) * Math.log(3.6e9))));
}

// Each implementation gets its own loop (a shared call site would turn megamorphic and time the
// dispatch, not the recorder). The median of 5 rounds is kept; round 1 includes JIT warm-up.
function median(runs) {
  runs.sort((a, b) => a - b);
  return runs[Math.floor(runs.length / 2)];
}

const ours = new Histogram();
const oursRuns = [];
for (let r = 0; r < 5; r++) {
  const start = performance.now();
  for (let i = 0; i < n; i++) ours.record(values[i]);
  oursRuns.push(((performance.now() - start) * 1e6) / n);
}
const meshplaneNs = median(oursRuns);

const js = hdr.build({
  lowestDiscernibleValue: 1,
  highestTrackableValue: 3.6e9,
  numberOfSignificantValueDigits: 3,
  bitBucketSize: 32,
});
const jsRuns = [];
for (let r = 0; r < 5; r++) {
  const start = performance.now();
  for (let i = 0; i < n; i++) js.recordValue(values[i]);
  jsRuns.push(((performance.now() - start) * 1e6) / n);
}
const jsNs = median(jsRuns);

await hdr.initWebAssembly();
const wasm = hdr.build({
  lowestDiscernibleValue: 1,
  highestTrackableValue: 3.6e9,
  numberOfSignificantValueDigits: 3,
  bitBucketSize: 64,
  useWebAssembly: true,
});
const wasmRuns = [];
for (let r = 0; r < 5; r++) {
  const start = performance.now();
  for (let i = 0; i < n; i++) wasm.recordValue(values[i]);
  wasmRuns.push(((performance.now() - start) * 1e6) / n);
}
const wasmNs = median(wasmRuns);
wasm.destroy();

console.log(
  JSON.stringify({
    samples: n,
    nsPerRecord: { meshplane: meshplaneNs, 'hdr-histogram-js': jsNs, 'hdr-histogram-js-wasm': wasmNs },
    sanity: { count: ours.totalCount, p50: ours.percentile(50) },
  }),
);
