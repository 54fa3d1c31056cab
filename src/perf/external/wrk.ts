/**
 * WrkRunner drives an installed wrk (4.x) and converts its output into a RunResult. A generated Lua
 * script sets the method, headers and body, and its `done` hook prints wrk's whole latency
 * distribution (every distinct µs value with its count), so the histogram is exact rather than the
 * handful of percentiles `--latency` prints.
 * @module
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Histogram } from '../../stats/index.js';
import { assess } from '../diagnostics.js';
import { generatorNotFound, generatorUnsupported } from '../errors.js';
import type { RunContext } from '../events.js';
import type { FieldNames, ResolvedRunOptions } from '../options.js';
import { buildRequest } from '../request.js';
import { emptyErrorCounts, type RunResult } from '../result.js';
import { findExecutable, progressTicks, runTool } from './tool.js';

/** What wrk cannot give, stated in every result it produces. */
export const WRK_LIMITATIONS = [
  'wrk 4.1 runs a closed loop only: no request rate, no open loop, no coordinated-omission correction',
  'wrk reports how many responses had a status of 400 or more, not the status codes themselves',
  'wrk counts connect, read, write and timeout errors; they are shown as refused, reset and timeout',
  'wrk does not verify server certificates and cannot send client certificates',
  'generator CPU and event-loop delay are not measured for external generators; response sizes come from the byte total',
  'the warm-up is a separate wrk run before the measured one (connections are not kept between them)',
];

/** luaString quotes bytes as a Lua string literal (decimal escapes for anything unusual). */
export function luaString(value: string | Uint8Array): string {
  const bytes = typeof value === 'string' ? Buffer.from(value, 'utf8') : value;
  let out = '"';
  for (const b of bytes) {
    const safe =
      (b >= 48 && b <= 57) ||
      (b >= 65 && b <= 90) ||
      (b >= 97 && b <= 122) ||
      ' -_./:,=;*+'.includes(String.fromCharCode(b));
    out += safe ? String.fromCharCode(b) : `\\${b.toString().padStart(3, '0')}`;
  }
  return `${out}"`;
}

/** wrkScript returns the Lua script that shapes the request and dumps the results. */
export function wrkScript(o: ResolvedRunOptions): string {
  const lines = [`wrk.method = ${luaString(o.method)}`];
  if (o.body) lines.push(`wrk.body = ${luaString(o.body)}`);
  for (const [name, value] of o.headers) lines.push(`wrk.headers[${luaString(name)}] = ${luaString(value)}`);
  if (o.cookies.length > 0) {
    lines.push(`wrk.headers["Cookie"] = ${luaString(o.cookies.map(([n, v]) => `${n}=${v}`).join('; '))}`);
  }
  if (o.contentType) lines.push(`wrk.headers["Content-Type"] = ${luaString(o.contentType)}`);
  lines.push(
    'done = function(summary, latency, requests)',
    '  local e = summary.errors',
    '  io.write("MESHPLANE-SUMMARY ", summary.duration, " ", summary.requests, " ", summary.bytes, " ",',
    '    e.connect, " ", e.read, " ", e.write, " ", e.status, " ", e.timeout, "\\n")',
    '  local n = #latency',
    // latency(i) scans min..max, so the exact dump costs n × range; past a budget use a percentile grid.
    '  if n > 0 and n * (latency.max - latency.min + 1) <= 400000000 then',
    '    for i = 1, n do local v, c = latency(i); io.write("MESHPLANE-L ", v, " ", c, "\\n") end',
    '  elseif n > 0 then',
    '    local p = 0',
    '    while p < 100 do',
    '      io.write("MESHPLANE-P ", p, " ", latency:percentile(p), "\\n")',
    '      if p < 90 then p = p + 1 elseif p < 99 then p = p + 0.1 elseif p < 99.9 then p = p + 0.01 else p = p + 0.001 end',
    '    end',
    '    io.write("MESHPLANE-P 100 ", latency.max, "\\n")',
    '  end',
    'end',
  );
  return `${lines.join('\n')}\n`;
}

interface WrkOutput {
  durationUs: number;
  requests: number;
  bytes: number;
  errors: { connect: number; read: number; write: number; status: number; timeout: number };
  histogram: Histogram;
  /** The distribution was dumped value by value (not rebuilt from percentiles). */
  exact: boolean;
  /** wrk's synthetic samples could not be removed: the histogram is wrk's corrected one. */
  corrected: boolean;
}

/**
 * uncorrectWrk undoes wrk 4's built-in latency correction. Before `done`, wrk adds synthetic
 * samples (stats_correct): every value n ≥ 2e also counts at n−e, n−2e, … while above e, where
 * e = runtime_us / (requests / connections) (integer divisions). Walking values from the top with
 * a running sum per residue mod e recovers the measured counts. Returns null if they do not add up.
 */
export function uncorrectWrk(
  values: Array<[number, number]>,
  durationUs: number,
  requests: number,
  connections: number,
): Array<[number, number]> | null {
  const perConnection = Math.floor(requests / connections);
  if (perConnection === 0) return values;
  const e = Math.floor(durationUs / perConnection);
  if (e <= 0) return values;
  const sorted = [...values].sort((a, b) => b[0] - a[0]);
  const sums = new Map<number, number>();
  const out: Array<[number, number]> = [];
  for (const [v, c] of sorted) {
    let original = c;
    if (v > e) {
      const r = v % e;
      const synthetic = sums.get(r) ?? 0;
      original = c - synthetic;
      if (original < 0) return null;
      sums.set(r, synthetic + original);
    }
    if (original > 0) out.push([v, original]);
  }
  const total = out.reduce((a, [, c]) => a + c, 0);
  return total <= requests ? out.reverse() : null;
}

/** parseWrkOutput reads the lines the script's done hook printed (see wrkScript). */
export function parseWrkOutput(stdout: string, connections = 1): WrkOutput | null {
  const histogram = new Histogram();
  let summary: number[] | null = null;
  let exact = true;
  const grid: Array<[number, number]> = [];
  const values: Array<[number, number]> = [];
  for (const line of stdout.split('\n')) {
    const parts = line.trim().split(/\s+/);
    if (parts[0] === 'MESHPLANE-SUMMARY') summary = parts.slice(1).map(Number);
    else if (parts[0] === 'MESHPLANE-L') values.push([Number(parts[1]), Number(parts[2])]);
    else if (parts[0] === 'MESHPLANE-P') {
      exact = false;
      grid.push([Number(parts[1]), Number(parts[2])]);
    }
  }
  if (!summary || summary.length < 8 || summary.some((n) => !Number.isFinite(n))) return null;
  const [durationUs, requests, bytes, connect, read, write, status, timeout] = summary as [
    number,
    number,
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  let corrected = false;
  if (exact) {
    const measured = uncorrectWrk(values, durationUs, requests, connections);
    corrected = measured === null;
    for (const [v, c] of measured ?? values) histogram.recordCount(v, c);
  } else {
    // Rebuild the distribution from the percentile grid: each step's share sits at its value.
    let previous = 0;
    for (const [p, v] of grid) {
      const share = Math.round((p / 100) * requests) - Math.round((previous / 100) * requests);
      if (share > 0) histogram.recordCount(v, share);
      previous = p;
    }
  }
  return {
    durationUs,
    requests,
    bytes,
    errors: { connect, read, write, status, timeout },
    histogram,
    exact,
    corrected,
  };
}

export class WrkRunner {
  readonly name = 'wrk' as const;

  check(o: ResolvedRunOptions, names: FieldNames = {}): void {
    const n = (f: keyof FieldNames): string => names[f] ?? f;
    if (o.qps > 0 || o.loadModel === 'open') {
      throw generatorUnsupported(
        n('qps'),
        o.qps,
        'wrk',
        'qps 0 (wrk 4.1 runs a closed loop at full speed only)',
      );
    }
    if (o.requests !== null)
      throw generatorUnsupported(
        n('requests'),
        o.requests,
        'wrk',
        'a duration instead (wrk runs for a time only)',
      );
    if (o.durationMs! % 1000 !== 0)
      throw generatorUnsupported(n('duration'), `${o.durationMs}ms`, 'wrk', 'whole seconds');
    if (o.pipeline > 1) throw generatorUnsupported(n('pipeline'), o.pipeline, 'wrk', 'pipeline 1');
    if (o.tls.ca || o.tls.cert) {
      throw generatorUnsupported(
        n(o.tls.ca ? 'tls.ca' : 'tls.cert'),
        '<PEM>',
        'wrk',
        'no CA or client certificate',
      );
    }
    if (o.target.scheme === 'https' && !o.tls.insecure) {
      throw generatorUnsupported(
        n('tls'),
        'verify',
        'wrk',
        'insecure TLS (wrk does not verify certificates; pass --insecure to accept that)',
      );
    }
    const seen = new Set<string>();
    for (const [name] of o.headers) {
      if (seen.has(name.toLowerCase()))
        throw generatorUnsupported(n('headers'), name, 'wrk', 'each header name once');
      seen.add(name.toLowerCase());
    }
  }

  async run(o: ResolvedRunOptions, ctx: RunContext): Promise<RunResult> {
    const wrk = findExecutable('wrk');
    if (!wrk) throw generatorNotFound('wrk');
    const dir = mkdtempSync(join(tmpdir(), 'meshplane-wrk-'));
    try {
      const script = join(dir, 'run.lua');
      writeFileSync(script, wrkScript(o));
      const timeoutS = Math.max(1, Math.ceil(o.timeoutMs / 1000));
      const base = ['-t1', `-c${o.connections}`, `--timeout`, `${timeoutS}s`, '-s', script];
      let warmupRequests = 0;
      if (o.warmupMs > 0 && !ctx.signal?.aborted) {
        const seconds = Math.ceil(o.warmupMs / 1000);
        const stop = progressTicks(ctx, 'warmup', seconds * 1000, 0, o.durationMs);
        const warm = await runTool(wrk, [...base, `-d${seconds}s`, o.target.url], {
          signal: ctx.signal,
          deadlineMs: seconds * 1000,
        });
        stop();
        warmupRequests = parseWrkOutput(warm.stdout, o.connections)?.requests ?? 0;
      }
      const startTime = new Date().toISOString();
      const stop = progressTicks(ctx, 'measure', o.durationMs, o.warmupMs, o.durationMs);
      const outcome = ctx.signal?.aborted
        ? { code: null, stdout: '', stderr: '', interrupted: true, wallMs: 0 }
        : await runTool(wrk, [...base, `-d${o.durationMs! / 1000}s`, o.target.url], {
            signal: ctx.signal,
            deadlineMs: o.durationMs! + o.timeoutMs,
          });
      stop();
      const parsed = parseWrkOutput(outcome.stdout, o.connections);
      if (!parsed) {
        const message =
          (outcome.stderr || outcome.stdout).trim().split('\n').pop() ||
          `wrk exited with code ${outcome.code}`;
        return failed(o, `wrk: ${message}`, outcome.interrupted);
      }
      return toResult(o, parsed, startTime, warmupRequests, outcome.interrupted);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
}

function failed(o: ResolvedRunOptions, error: string, interrupted: boolean): RunResult {
  const parsed: WrkOutput = {
    durationUs: 0,
    requests: 0,
    bytes: 0,
    errors: { connect: 0, read: 0, write: 0, status: 0, timeout: 0 },
    histogram: new Histogram(),
    exact: true,
    corrected: false,
  };
  const result = toResult(o, parsed, new Date().toISOString(), 0, interrupted);
  result.error = error;
  result.diagnostics.warnings.unshift(error);
  return result;
}

function toResult(
  o: ResolvedRunOptions,
  w: WrkOutput,
  startTime: string,
  warmupRequests: number,
  interrupted: boolean,
): RunResult {
  const byKind = emptyErrorCounts();
  byKind.refused = w.errors.connect;
  byKind.reset = w.errors.read + w.errors.write;
  byKind.timeout = w.errors.timeout;
  const failures = byKind.refused + byKind.reset + byKind.timeout;
  const requests = w.requests + failures;
  const durationMs = w.durationUs / 1000;
  const achievedRate = durationMs > 0 ? (requests / durationMs) * 1000 : 0;
  const statusCodes: Record<string, number> = {};
  if (w.requests - w.errors.status > 0) statusCodes['2xx-3xx'] = w.requests - w.errors.status;
  if (w.errors.status > 0) statusCodes['4xx-5xx'] = w.errors.status;
  const diagnostics = assess({
    loadModel: 'closed',
    requestedRate: null,
    achievedRate,
    cpu: null,
    eventLoopDelay: null,
    sendLagP99Us: null,
    backlog: null,
    requests,
    responses: w.requests,
    errorsByKind: byKind,
    warmupMs: o.warmupMs,
    interrupted,
    measuredMs: durationMs,
    plannedMs: o.durationMs,
  });
  const limitations = [...WRK_LIMITATIONS];
  // wrk pads its latency distribution with synthetic samples derived from the mean interval per
  // connection before handing it over; say whether they could be removed.
  if (!w.exact) {
    limitations.push(
      'latency rebuilt from a percentile grid (the distribution was too wide to dump value by value); it includes the synthetic samples wrk adds from the mean interval per connection',
    );
  } else if (w.corrected) {
    limitations.push(
      'latency includes the synthetic samples wrk adds from the mean interval per connection (they could not be removed)',
    );
  } else {
    limitations.push(
      'wrk pads its latency distribution with synthetic samples; meshplane removed them, so the histogram holds the measured responses',
    );
  }
  const responseSize = new Histogram();
  if (w.requests > 0) responseSize.recordCount(Math.round(w.bytes / w.requests), w.requests);
  return {
    generator: 'wrk',
    options: o,
    loadModel: 'closed',
    latencyFrom: 'sent',
    startTime,
    warmup: {
      durationMs: o.warmupMs > 0 ? Math.ceil(o.warmupMs / 1000) * 1000 : 0,
      requests: warmupRequests,
    },
    durationMs,
    requests,
    responses: w.requests,
    statusCodes,
    errors: { total: failures, byKind, samples: {} },
    bytes: { sent: requests * buildRequest(o).length, received: w.bytes },
    sockets: [],
    histograms: {
      latency: w.histogram,
      uncorrected: w.histogram,
      sendLag: null,
      errors: new Histogram(),
      responseSize,
      headerSize: new Histogram(),
      connect: new Histogram(),
    },
    diagnostics,
    interrupted,
    error: null,
    limitations,
  };
}
