/**
 * HeyRunner drives an installed hey and converts its per-request CSV (`-o csv`) into a RunResult:
 * every sample goes into the histogram, at hey's 0.1 ms resolution.
 * @module
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Histogram } from '../../stats/index.js';
import { assess } from '../diagnostics.js';
import { formatGoDuration } from '../duration.js';
import { generatorNotFound, generatorUnsupported } from '../errors.js';
import type { RunContext } from '../events.js';
import type { FieldNames, ResolvedRunOptions } from '../options.js';
import { buildRequest } from '../request.js';
import { emptyErrorCounts, type RunResult } from '../result.js';
import { findExecutable, progressTicks, runTool } from './tool.js';

/** What hey cannot give, stated in every result it produces. */
export const HEY_LIMITATIONS = [
  'hey has no open loop: its -q paces each worker separately and waits for responses, so there is no coordinated-omission correction',
  'hey reports latency with 0.1 ms resolution',
  'hey leaves failed requests out of its CSV: with -n they are counted (as "other"), with a duration they are not counted at all',
  'hey does not verify server certificates and cannot send client certificates',
  'hey sends Content-Type: text/html unless a content type is given',
  'generator CPU, event-loop delay and response sizes are not measured for external generators',
  'the warm-up is a separate hey run before the measured one (connections are not kept between them)',
];

interface HeySamples {
  histogram: Histogram;
  statusCodes: Record<string, number>;
  responses: number;
  /** From the first request's start to the last response, ms. */
  spanMs: number;
}

/** parseHeyCsv reads `hey -o csv` output: response-time,DNS+dialup,DNS,Request-write,Response-delay,Response-read,status-code,offset. */
export function parseHeyCsv(stdout: string): HeySamples | null {
  const lines = stdout.split('\n');
  const header = lines.findIndex((l) => l.startsWith('response-time,'));
  if (header < 0) return null;
  const histogram = new Histogram();
  const statusCodes: Record<string, number> = {};
  let responses = 0;
  let span = 0;
  for (let i = header + 1; i < lines.length; i++) {
    const cols = lines[i]!.split(',');
    if (cols.length < 8) continue;
    const seconds = Number(cols[0]);
    const status = cols[6]!.trim();
    const offset = Number(cols[7]);
    if (!Number.isFinite(seconds) || !/^\d{3}$/.test(status)) continue;
    histogram.record(Math.round(seconds * 1e6));
    statusCodes[status] = (statusCodes[status] ?? 0) + 1;
    responses++;
    if (Number.isFinite(offset) && offset + seconds > span) span = offset + seconds;
  }
  return { histogram, statusCodes, responses, spanMs: span * 1000 };
}

export class HeyRunner {
  readonly name = 'hey' as const;

  check(o: ResolvedRunOptions, names: FieldNames = {}): void {
    const n = (f: keyof FieldNames): string => names[f] ?? f;
    if (o.loadModel === 'open') {
      throw generatorUnsupported(
        n('loadModel'),
        'open',
        'hey',
        'a closed loop (hey paces each worker; add --closed-loop)',
      );
    }
    if (o.requests !== null) {
      if (o.requests < o.connections || o.requests % o.connections !== 0) {
        throw generatorUnsupported(
          n('requests'),
          o.requests,
          'hey',
          `a multiple of the ${o.connections} connections (hey splits requests evenly)`,
        );
      }
    }
    if (o.pipeline > 1) throw generatorUnsupported(n('pipeline'), o.pipeline, 'hey', 'pipeline 1');
    if (o.sequencer === 'spin')
      throw generatorUnsupported(n('sequencer'), 'spin', 'hey', 'the timer sequencer (hey paces itself)');
    if (o.tls.ca || o.tls.cert) {
      throw generatorUnsupported(
        n(o.tls.ca ? 'tls.ca' : 'tls.cert'),
        '<PEM>',
        'hey',
        'no CA or client certificate',
      );
    }
    if (o.target.scheme === 'https' && !o.tls.insecure) {
      throw generatorUnsupported(
        n('tls'),
        'verify',
        'hey',
        'insecure TLS (hey does not verify certificates; pass --insecure to accept that)',
      );
    }
  }

  async run(o: ResolvedRunOptions, ctx: RunContext): Promise<RunResult> {
    const hey = findExecutable('hey');
    if (!hey) throw generatorNotFound('hey');
    const dir = mkdtempSync(join(tmpdir(), 'meshplane-hey-'));
    try {
      const args = [
        '-c',
        String(o.connections),
        '-m',
        o.method,
        '-t',
        String(Math.max(1, Math.ceil(o.timeoutMs / 1000))),
      ];
      if (o.qps > 0) args.push('-q', String(o.qps / o.connections));
      for (const [name, value] of o.headers) args.push('-H', `${name}: ${value}`);
      if (o.cookies.length > 0)
        args.push('-H', `Cookie: ${o.cookies.map(([k, v]) => `${k}=${v}`).join('; ')}`);
      if (o.contentType) args.push('-T', o.contentType);
      if (o.body) {
        const file = join(dir, 'body');
        writeFileSync(file, o.body);
        args.push('-D', file);
      }
      let warmupRequests = 0;
      if (o.warmupMs > 0 && !ctx.signal?.aborted) {
        const stop = progressTicks(ctx, 'warmup', o.warmupMs, 0, o.durationMs);
        const warm = await runTool(
          hey,
          [...args, '-z', formatGoDuration(o.warmupMs), '-o', 'csv', o.target.url],
          {
            signal: ctx.signal,
            deadlineMs: o.warmupMs + o.timeoutMs,
          },
        );
        stop();
        warmupRequests = parseHeyCsv(warm.stdout)?.responses ?? 0;
      }
      const startTime = new Date().toISOString();
      const measure =
        o.requests !== null ? ['-n', String(o.requests)] : ['-z', formatGoDuration(o.durationMs!)];
      const stop = progressTicks(ctx, 'measure', o.durationMs, o.warmupMs, o.durationMs);
      const outcome = ctx.signal?.aborted
        ? { code: null, stdout: '', stderr: '', interrupted: true, wallMs: 0 }
        : await runTool(hey, [...args, ...measure, '-o', 'csv', o.target.url], {
            signal: ctx.signal,
            deadlineMs: (o.durationMs ?? 600_000) + o.timeoutMs,
          });
      stop();
      const samples = parseHeyCsv(outcome.stdout);
      if (!samples || (outcome.code !== 0 && !outcome.interrupted)) {
        const message =
          (outcome.stderr || outcome.stdout).trim().split('\n').pop() ||
          `hey exited with code ${outcome.code}`;
        return toResult(o, emptySamples(), startTime, warmupRequests, outcome.interrupted, `hey: ${message}`);
      }
      return toResult(o, samples, startTime, warmupRequests, outcome.interrupted, null);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
}

function emptySamples(): HeySamples {
  return { histogram: new Histogram(), statusCodes: {}, responses: 0, spanMs: 0 };
}

function toResult(
  o: ResolvedRunOptions,
  s: HeySamples,
  startTime: string,
  warmupRequests: number,
  interrupted: boolean,
  error: string | null,
): RunResult {
  const byKind = emptyErrorCounts();
  if (o.requests !== null && !interrupted && error === null)
    byKind.other = Math.max(0, o.requests - s.responses);
  const failures = byKind.other;
  const requests = s.responses + failures;
  const durationMs = s.spanMs;
  const achievedRate = durationMs > 0 ? (requests / durationMs) * 1000 : 0;
  const diagnostics = assess({
    loadModel: 'closed',
    requestedRate: o.qps > 0 ? o.qps : null,
    achievedRate,
    cpu: null,
    eventLoopDelay: null,
    sendLagP99Us: null,
    backlog: null,
    requests,
    responses: s.responses,
    errorsByKind: byKind,
    warmupMs: o.warmupMs,
    interrupted,
    measuredMs: durationMs,
    plannedMs: o.durationMs,
  });
  if (error) diagnostics.warnings.unshift(error);
  return {
    generator: 'hey',
    options: o,
    loadModel: 'closed',
    latencyFrom: 'sent',
    startTime,
    warmup: { durationMs: o.warmupMs, requests: warmupRequests },
    durationMs,
    requests,
    responses: s.responses,
    statusCodes: s.statusCodes,
    errors: {
      total: failures,
      byKind,
      samples: failures > 0 ? { other: 'failed requests reported by hey (kind unknown)' } : {},
    },
    bytes: { sent: requests * buildRequest(o).length, received: null },
    sockets: [],
    histograms: {
      latency: s.histogram,
      uncorrected: s.histogram,
      sendLag: null,
      errors: new Histogram(),
      responseSize: new Histogram(),
      headerSize: new Histogram(),
      connect: new Histogram(),
    },
    diagnostics,
    interrupted,
    error,
    limitations: [...HEY_LIMITATIONS],
  };
}
