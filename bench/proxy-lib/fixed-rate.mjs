// Open-loop load at a fixed rate for the proxy benches: meshplane's own load generator
// (`meshplane perf run --sequencer spin`, sends within µs of one global schedule) pinned to CPU 1.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { root } from './peers.mjs';

/**
 * fixedRate runs `rate` req/s against http://host:port/ (Host header `hostHeader`) for a warm-up and
 * a measured window over `connections` keep-alive connections. Latency (µs) excludes the warm-up;
 * `sent` counts every request, warm-up included, so a proxy's CPU delta over the whole run can be
 * divided by it.
 */
export function fixedRate({ host, port, hostHeader, rate, seconds, warmup, connections = 8 }) {
  const args = [join(root, 'dist/cli/bin.js'), 'perf', 'run', `http://${host}:${port}/`];
  args.push('-H', `Host: ${hostHeader}`, '--qps', String(rate), '--sequencer', 'spin');
  args.push('-c', String(connections), '-t', `${seconds}s`, '--warmup', `${warmup}s`, '-o', 'json');
  const out = execFileSync('taskset', ['-c', '1', process.execPath, ...args], {
    encoding: 'utf8',
    maxBuffer: 64 << 20,
  });
  const m = JSON.parse(out).meshplane;
  const pick = (p) => ({ p50: p.p50, p90: p.p90, p99: p.p99, p999: p['p99.9'], max: p.max });
  return {
    done: m.requests.responses,
    sent: m.requests.total + m.warmup.requests,
    errors: m.requests.errors,
    correctedUs: pick(m.percentilesUs.latency),
    serviceUs: pick(m.percentilesUs.uncorrected),
    sendLagP99Us: m.percentilesUs.sendLag.p99,
    warnings: m.diagnostics.warnings,
  };
}
