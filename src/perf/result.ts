/**
 * RunResult: everything a load run measured, whichever generator produced it. Latency histograms
 * hold integer microseconds; sizes hold bytes. Reports (text, fortio JSON, .hgrm) are views of it.
 * @module
 */
import type { Histogram } from '../stats/index.js';
import type { GeneratorName, LoadModel, ResolvedRunOptions } from './options.js';

/**
 * ErrorKind classifies failed requests. A non-2xx response is not an error: it is a status code.
 * - refused: the connection was refused (nothing listens)
 * - reset: the peer reset the connection (ECONNRESET, EPIPE)
 * - closed: the peer closed the connection before a complete response
 * - timeout: no complete response within the timeout (from the actual send)
 * - parse: the response was not valid HTTP/1.1
 * - tls: the TLS handshake or certificate check failed
 * - dns: the host name did not resolve
 * - other: any other socket error (the first message is kept in `errors.samples`)
 */
export type ErrorKind = 'refused' | 'reset' | 'closed' | 'timeout' | 'parse' | 'tls' | 'dns' | 'other';

export const ERROR_KINDS: readonly ErrorKind[] = [
  'refused',
  'reset',
  'closed',
  'timeout',
  'parse',
  'tls',
  'dns',
  'other',
];

/** RunHistograms are the distributions a run recorded (measured requests only). */
export interface RunHistograms {
  /**
   * The headline latency, µs. In an open loop it is corrected for coordinated omission: measured
   * from each request's scheduled send time. Otherwise it is measured from the actual send.
   */
  latency: Histogram;
  /** Latency from the actual send, µs (the number closed-loop tools report). */
  uncorrected: Histogram;
  /** Scheduled → actual send, µs; null when there was no schedule (closed loop at full speed). */
  sendLag: Histogram | null;
  /** Time to failure of failed requests, µs. */
  errors: Histogram;
  /** Whole response size (head + body), bytes. */
  responseSize: Histogram;
  /** Response head size, bytes. */
  headerSize: Histogram;
  /** Connection establishment including any TLS handshake, µs. */
  connect: Histogram;
}

/** Diagnostics tell whether the numbers can be trusted: was the generator itself the limit? */
export interface Diagnostics {
  /** Requested rate in requests/s; null when running as fast as possible. */
  requestedRate: number | null;
  /** Measured requests completed per second. */
  achievedRate: number;
  /** achievedRate / requestedRate; null without a requested rate. */
  achievedRatio: number | null;
  /** Generator CPU over the measured window, in percent of one core; null when not measured. */
  cpu: { userPercent: number; systemPercent: number; totalPercent: number } | null;
  /** Event-loop delay of the generator over the measured window, µs; null when not measured. */
  eventLoopDelay: { p50Us: number; p99Us: number; maxUs: number } | null;
  /** 99th percentile of the send lag, µs; null without a schedule. */
  sendLagP99Us: number | null;
  /** Requests due but not yet sent: the largest backlog seen and those never sent by the end. */
  backlog: { max: number; unsent: number } | null;
  /** True when the generator, not the target, probably limited the rate or inflated latency. */
  generatorBound: boolean;
  /** Human-readable findings, worst first. */
  warnings: string[];
}

/** RunResult is the outcome of one load run. A failed run is still a result, with `error` set. */
export interface RunResult {
  generator: GeneratorName;
  options: ResolvedRunOptions;
  loadModel: LoadModel;
  /** What `histograms.latency` is measured from. */
  latencyFrom: 'scheduled' | 'sent';
  /** Wall-clock start of the measured window (after the warm-up), ISO 8601. */
  startTime: string;
  /** The warm-up that ran before the measured window; excluded from every other figure. */
  warmup: { durationMs: number; requests: number };
  /** Length of the measured window, ms (until the last measured request finished). */
  durationMs: number;
  /** Measured requests that finished: responses plus errors. */
  requests: number;
  /** Measured responses of any status. */
  responses: number;
  /** Responses per status code. */
  statusCodes: Record<string, number>;
  errors: { total: number; byKind: Record<ErrorKind, number>; samples: Partial<Record<ErrorKind, string>> };
  /** Bytes of measured requests sent and responses received (null when the generator does not report it). */
  bytes: { sent: number; received: number | null };
  /** Sockets opened per connection over the whole run (reconnects included). */
  sockets: number[];
  histograms: RunHistograms;
  diagnostics: Diagnostics;
  /** The run was stopped early (Ctrl-C, abort signal): figures cover the part that ran. */
  interrupted: boolean;
  /** Set when the run could not measure at all (e.g. the host did not resolve). */
  error: string | null;
  /** What this generator cannot measure; empty for meshplane's own engine. */
  limitations: string[];
}

/** emptyErrorCounts returns a zero count for every error kind. */
export function emptyErrorCounts(): Record<ErrorKind, number> {
  return { refused: 0, reset: 0, closed: 0, timeout: 0, parse: 0, tls: 0, dns: 0, other: 0 };
}
