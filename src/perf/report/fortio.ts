/**
 * fortio JSON: a RunResult as fortio's `HTTPRunnerResults` (field names and units exactly as fortio
 * writes them, so fortio's and Meshery's readers parse it), plus one extension object, `meshplane`,
 * for what fortio has no field for (lossless HISTFAAA histograms, diagnostics, warm-up).
 *
 * Units: histogram values in float seconds (sizes in bytes), `ActualDuration` and `HTTPReqTimeOut`
 * in integer nanoseconds, `RequestedQPS` a string ("max" or the number). `DurationHistogram` is the
 * headline latency: corrected for coordinated omission in an open loop.
 * @module
 */
import { encodeHistogram, Histogram } from '../../stats/index.js';
import { formatGoDuration } from '../duration.js';
import type { Diagnostics, ErrorKind, RunResult } from '../result.js';
import { VERSION } from '../version.js';

export interface FortioBucket {
  Start: number;
  End: number;
  /** Cumulative percent of samples up to End. */
  Percent: number;
  Count: number;
}

export interface FortioPercentile {
  Percentile: number;
  Value: number;
}

export interface FortioHistogram {
  Count: number;
  Min: number;
  Max: number;
  Sum: number;
  Avg: number;
  StdDev: number;
  Data: FortioBucket[] | null;
  Percentiles: FortioPercentile[] | null;
}

/** The extension block; fortio ignores it, meshplane reads it back. */
export interface MeshplaneExtension {
  version: string;
  generator: RunResult['generator'];
  loadModel: RunResult['loadModel'];
  /** What DurationHistogram is measured from: the scheduled send (corrected) or the actual send. */
  latencyFrom: RunResult['latencyFrom'];
  warmup: { seconds: number; requests: number; excluded: true };
  /** HdrHistogram V2 compressed base64, values in microseconds; null where not measured. */
  histograms: { latency: string; uncorrected: string; sendLag: string | null; errors: string };
  histogramUnit: 'us';
  percentilesUs: Record<'latency' | 'uncorrected' | 'sendLag', Record<string, number> | null>;
  requests: {
    total: number;
    responses: number;
    errors: number;
    errorsByKind: Record<ErrorKind, number>;
    errorSamples: Partial<Record<ErrorKind, string>>;
  };
  bytes: { sent: number; received: number | null };
  diagnostics: Diagnostics;
  interrupted: boolean;
  error: string | null;
  limitations: string[];
}

/** FortioResult is the document `toFortioJson` returns; JSON.stringify it to write it out. */
export interface FortioResult {
  RunType: 'HTTP';
  Labels: string;
  StartTime: string;
  RequestedQPS: string;
  RequestedDuration: string;
  ActualQPS: number;
  ActualDuration: number;
  NumThreads: number;
  Version: string;
  DurationHistogram: FortioHistogram;
  ErrorsDurationHistogram: FortioHistogram;
  Exactly: number;
  Jitter: boolean;
  Uniform: boolean;
  NoCatchUp: boolean;
  RunID: number;
  AccessLoggerInfo: string;
  ID: string;
  RetCodes: Record<string, number>;
  IPCountMap: Record<string, number>;
  Sizes: FortioHistogram;
  HeaderSizes: FortioHistogram;
  URL: string;
  NumConnections: number;
  Compression: boolean;
  DisableFastClient: boolean;
  HTTP10: boolean;
  H2: boolean;
  DisableKeepAlive: boolean;
  AllowHalfClose: boolean;
  FollowRedirects: boolean;
  Resolve: string;
  HTTPReqTimeOut: number;
  UserCredentials: string;
  ContentType: string;
  Payload: string | null;
  MethodOverride: string;
  LogErrors: boolean;
  SequentialWarmup: boolean;
  ConnReuseRange: [number, number];
  NoResolveEachConn: boolean;
  Offset: number;
  Resolution: number;
  Insecure: boolean;
  MTLS: boolean;
  CACert: string;
  Cert: string;
  Key: string;
  UnixDomainSocket: string;
  Sockets: number[];
  SocketCount: number;
  ConnectionStats: FortioHistogram;
  AbortOn: number;
  meshplane: MeshplaneExtension;
}

/** The percentiles fortio prints by default, plus 99.99. */
export const FORTIO_PERCENTILES = [50, 75, 90, 99, 99.9, 99.99];

/**
 * fortioHistogram converts a histogram to fortio's shape, dividing values by `divider` (1e6 turns
 * µs into seconds). Data buckets merge HDR buckets at 2 significant digits (~1% wide), Start of the
 * first bucket is Min and End of the last is Max, as fortio writes them.
 */
export function fortioHistogram(
  h: Histogram,
  divider: number,
  percentiles = FORTIO_PERCENTILES,
): FortioHistogram {
  const count = h.totalCount;
  if (count === 0)
    return { Count: 0, Min: 0, Max: 0, Sum: 0, Avg: 0, StdDev: 0, Data: null, Percentiles: null };
  const coarse = new Histogram({
    lowest: h.lowestDiscernibleValue,
    highest: h.highestTrackableValue,
    digits: 2,
  });
  const groups: Array<{ key: number; lo: number; hi: number; count: number }> = [];
  h.forEachRecorded((lo, hi, c) => {
    const key = coarse.indexOf(Math.min(lo, coarse.highestTrackableValue));
    const last = groups[groups.length - 1];
    if (last && last.key === key) {
      last.hi = hi;
      last.count += c;
    } else {
      groups.push({ key, lo, hi: hi, count: c });
    }
  });
  let cumulative = 0;
  const data = groups.map((g, i) => {
    cumulative += g.count;
    const start = i === 0 ? h.min : g.lo;
    const end = i === groups.length - 1 ? h.max : g.hi + 1;
    return {
      Start: start / divider,
      End: end / divider,
      Percent: (100 * cumulative) / count,
      Count: g.count,
    };
  });
  const mean = h.mean;
  return {
    Count: count,
    Min: h.min / divider,
    Max: h.max / divider,
    Sum: (mean * count) / divider,
    Avg: mean / divider,
    StdDev: h.stdDeviation / divider,
    Data: data,
    Percentiles: percentiles.map((p) => ({ Percentile: p, Value: h.percentile(p) / divider })),
  };
}

function percentilesUs(h: Histogram | null): Record<string, number> | null {
  if (!h || h.totalCount === 0) return null;
  const out: Record<string, number> = {};
  for (const p of FORTIO_PERCENTILES) out[`p${p}`] = h.percentile(p);
  out.max = h.max;
  out.mean = Math.round(h.mean);
  return out;
}

/** fortioId formats a start time the way fortio names its result files (YYYY-MM-DD-HHMMSS). */
function fortioId(iso: string): string {
  const d = new Date(iso);
  const two = (n: number): string => String(n).padStart(2, '0');
  return `${d.getUTCFullYear()}-${two(d.getUTCMonth() + 1)}-${two(d.getUTCDate())}-${two(d.getUTCHours())}${two(d.getUTCMinutes())}${two(d.getUTCSeconds())}`;
}

/** toFortioJson returns the fortio HTTPRunnerResults document of a run, with the `meshplane` extension. */
export function toFortioJson(result: RunResult): FortioResult {
  const o = result.options;
  const h = result.histograms;
  const retCodes: Record<string, number> = { ...result.statusCodes };
  if (result.errors.total > 0) retCodes['-1'] = result.errors.total;
  const method = o.method;
  const sockets = result.sockets;
  return {
    RunType: 'HTTP',
    Labels: o.labels,
    StartTime: result.startTime,
    RequestedQPS: o.qps > 0 ? String(o.qps) : 'max',
    RequestedDuration: o.requests !== null ? `exactly ${o.requests} calls` : formatGoDuration(o.durationMs!),
    ActualQPS: result.durationMs > 0 ? (result.requests / result.durationMs) * 1000 : 0,
    ActualDuration: Math.round(result.durationMs * 1e6),
    NumThreads: o.connections,
    Version: VERSION,
    DurationHistogram: fortioHistogram(h.latency, 1e6),
    ErrorsDurationHistogram: fortioHistogram(h.errors, 1e6),
    Exactly: o.requests ?? 0,
    Jitter: false,
    Uniform: false,
    NoCatchUp: false,
    RunID: 0,
    AccessLoggerInfo: '',
    ID: fortioId(result.startTime),
    RetCodes: retCodes,
    IPCountMap:
      sockets.length > 0
        ? { [`${o.target.hostname}:${o.target.port}`]: sockets.reduce((a, b) => a + b, 0) }
        : {},
    Sizes: fortioHistogram(h.responseSize, 1),
    HeaderSizes: fortioHistogram(h.headerSize, 1),
    URL: o.target.url,
    NumConnections: o.connections,
    Compression: false,
    DisableFastClient: false,
    HTTP10: false,
    H2: false,
    DisableKeepAlive: false,
    AllowHalfClose: false,
    FollowRedirects: false,
    Resolve: '',
    HTTPReqTimeOut: Math.round(o.timeoutMs * 1e6),
    UserCredentials: '',
    ContentType: o.contentType ?? '',
    Payload: o.body ? o.body.toString('base64') : null,
    MethodOverride: method === 'GET' || (method === 'POST' && o.body) ? '' : method,
    LogErrors: false,
    SequentialWarmup: false,
    ConnReuseRange: [0, 0],
    NoResolveEachConn: false,
    Offset: 0,
    Resolution: 0.000001,
    Insecure: o.tls.insecure,
    MTLS: o.tls.cert !== undefined,
    CACert: '',
    Cert: '',
    Key: '',
    UnixDomainSocket: '',
    Sockets: sockets,
    SocketCount: sockets.reduce((a, b) => a + b, 0),
    ConnectionStats: fortioHistogram(h.connect, 1e6),
    AbortOn: 0,
    meshplane: {
      version: VERSION,
      generator: result.generator,
      loadModel: result.loadModel,
      latencyFrom: result.latencyFrom,
      warmup: { seconds: result.warmup.durationMs / 1000, requests: result.warmup.requests, excluded: true },
      histograms: {
        latency: encodeHistogram(h.latency),
        uncorrected: encodeHistogram(h.uncorrected),
        sendLag: h.sendLag ? encodeHistogram(h.sendLag) : null,
        errors: encodeHistogram(h.errors),
      },
      histogramUnit: 'us',
      percentilesUs: {
        latency: percentilesUs(h.latency),
        uncorrected: percentilesUs(h.uncorrected),
        sendLag: percentilesUs(h.sendLag),
      },
      requests: {
        total: result.requests,
        responses: result.responses,
        errors: result.errors.total,
        errorsByKind: result.errors.byKind,
        errorSamples: result.errors.samples,
      },
      bytes: result.bytes,
      diagnostics: result.diagnostics,
      interrupted: result.interrupted,
      error: result.error,
      limitations: result.limitations,
    },
  };
}
