/**
 * The human summary of a run: rate, status codes, errors by kind, latency percentiles with units
 * that suit each value, the warm-up note and the generator's self-diagnostics.
 * @module
 */
import type { Histogram } from '../../stats/index.js';
import { ERROR_KINDS, type RunResult } from '../result.js';

const integer = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

/** formatMicros prints a µs value with three significant digits and a unit that fits it. */
export function formatMicros(us: number): string {
  if (!Number.isFinite(us)) return '-';
  if (us < 1000) return `${Math.round(us)}µs`;
  if (us < 1_000_000) {
    const ms = us / 1000;
    return `${ms < 10 ? ms.toFixed(2) : ms < 100 ? ms.toFixed(1) : ms.toFixed(0)}ms`;
  }
  const s = us / 1_000_000;
  return `${s < 10 ? s.toFixed(3) : s < 100 ? s.toFixed(2) : s.toFixed(1)}s`;
}

/** formatBytes prints a byte count in B, kB, MB or GB (powers of 1000). */
export function formatBytes(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`;
  const units = ['kB', 'MB', 'GB', 'TB'];
  let v = bytes;
  let u = -1;
  while (v >= 1000 && u < units.length - 1) {
    v /= 1000;
    u++;
  }
  return `${v < 10 ? v.toFixed(2) : v < 100 ? v.toFixed(1) : v.toFixed(0)} ${units[u]}`;
}

function seconds(ms: number): string {
  const s = ms / 1000;
  return Number.isInteger(s) ? `${s} s` : `${s.toFixed(s < 10 ? 2 : 1)} s`;
}

const COLUMNS: Array<[string, number | 'max' | 'mean']> = [
  ['p50', 50],
  ['p75', 75],
  ['p90', 90],
  ['p99', 99],
  ['p99.9', 99.9],
  ['p99.99', 99.99],
  ['max', 'max'],
  ['mean', 'mean'],
];

function latencyRow(label: string, h: Histogram): string {
  const cells = COLUMNS.map(([, p]) =>
    formatMicros(p === 'max' ? h.max : p === 'mean' ? h.mean : h.percentile(p)).padStart(9),
  );
  return `  ${label.padEnd(13)}${cells.join('')}`;
}

/** formatText renders a RunResult as the multi-line summary `perf run -o text` prints. */
export function formatText(result: RunResult): string {
  const o = result.options;
  const lines: string[] = [];
  lines.push(
    `${o.method} ${o.target.url}  (HTTP/1.1${o.target.scheme === 'https' ? ' over TLS' : ''}, generator ${result.generator})`,
  );

  const model =
    result.loadModel === 'open'
      ? `open loop at ${o.qps} req/s`
      : o.qps > 0
        ? `closed loop paced at ${o.qps} req/s`
        : 'closed loop, as fast as possible';
  const size =
    o.requests !== null ? `exactly ${integer.format(o.requests)} requests` : `${seconds(o.durationMs!)}`;
  const pipelining = o.pipeline > 1 ? `, ${o.pipeline} pipelined per connection` : '';
  const spin = o.qps > 0 && o.sequencer === 'spin' ? ', spin sequencer' : '';
  lines.push(`  load         ${model}, ${o.connections} connections${pipelining}, ${size}${spin}`);
  lines.push(
    result.warmup.durationMs > 0
      ? `  warm-up      ${seconds(result.warmup.durationMs)} (${integer.format(result.warmup.requests)} requests) run first and excluded from every figure below`
      : '  warm-up      none (0 s): every request is measured',
  );

  if (result.error) lines.push(`  error        ${result.error}`);
  const rate = result.diagnostics.achievedRate;
  const ofRequested =
    result.diagnostics.achievedRatio !== null
      ? ` (${(result.diagnostics.achievedRatio * 100).toFixed(1)}% of ${o.qps} requested)`
      : '';
  lines.push(
    `  requests     ${integer.format(result.requests)} in ${(result.durationMs / 1000).toFixed(2)} s = ${rate.toFixed(1)} req/s${ofRequested}`,
  );
  const codes = Object.entries(result.statusCodes).sort(([a], [b]) => a.localeCompare(b));
  lines.push(
    `  status       ${codes.length ? codes.map(([c, n]) => `${c}: ${integer.format(n)}`).join('   ') : 'no responses'}`,
  );
  const kinds = ERROR_KINDS.filter((k) => result.errors.byKind[k] > 0);
  lines.push(
    `  errors       ${
      kinds.length
        ? `${integer.format(result.errors.total)} (${kinds.map((k) => `${k}: ${integer.format(result.errors.byKind[k])}`).join(', ')})`
        : 'none'
    }`,
  );
  for (const k of kinds) {
    const sample = result.errors.samples[k];
    if (sample) lines.push(`               ${k}: ${sample}`);
  }
  const received = result.bytes.received === null ? 'not measured' : formatBytes(result.bytes.received);
  lines.push(`  transfer     ${received} received, ${formatBytes(result.bytes.sent)} sent`);

  const h = result.histograms;
  lines.push('');
  lines.push(`  ${'latency'.padEnd(13)}${COLUMNS.map(([name]) => name.padStart(9)).join('')}`);
  if (h.latency.totalCount === 0) {
    lines.push('  (no responses measured)');
  } else if (result.latencyFrom === 'scheduled') {
    lines.push(latencyRow('corrected', h.latency));
    lines.push(latencyRow('uncorrected', h.uncorrected));
    if (h.sendLag) lines.push(latencyRow('send lag', h.sendLag));
    lines.push(
      "  corrected = from each request's scheduled send time (includes queueing when the target falls behind)",
    );
  } else {
    lines.push(latencyRow(o.qps > 0 ? 'from send' : 'latency', h.latency));
    if (h.sendLag && h.sendLag.totalCount > 0) lines.push(latencyRow('send lag', h.sendLag));
  }

  const d = result.diagnostics;
  const parts: string[] = [];
  if (d.cpu) {
    parts.push(
      `CPU ${d.cpu.totalPercent.toFixed(0)}% of one core (user ${d.cpu.userPercent.toFixed(0)}%, system ${d.cpu.systemPercent.toFixed(0)}%)`,
    );
  }
  if (d.eventLoopDelay) parts.push(`event-loop delay p99 ${formatMicros(d.eventLoopDelay.p99Us)}`);
  if (d.sendLagP99Us !== null) parts.push(`send lag p99 ${formatMicros(d.sendLagP99Us)}`);
  if (d.backlog) parts.push(`backlog max ${integer.format(d.backlog.max)}`);
  lines.push('');
  lines.push(
    `  generator    ${parts.length ? parts.join(' · ') : 'not measured'}${d.generatorBound ? '  [GENERATOR-BOUND]' : ''}`,
  );
  for (const w of d.warnings) lines.push(`  warning      ${w}`);
  for (const l of result.limitations) lines.push(`  limitation   ${l}`);
  if (result.interrupted && !d.warnings.some((w) => w.startsWith('interrupted')))
    lines.push('  interrupted  partial result');
  return `${lines.join('\n')}\n`;
}
