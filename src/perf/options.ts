/**
 * RunOptions: what a load run is asked to do, and validateRunOptions, the door every run goes
 * through. Everything is checked here, before any socket opens; a bad field raises an
 * InvalidInputError that names it, its value and what was expected.
 * @module
 */
import { createSecureContext } from 'node:tls';
import { isIP } from 'node:net';
import { InvalidInputError } from '../errors/index.js';
import { parseGoDuration } from './duration.js';
import { unsupportedScheme } from './errors.js';
import { toCookies, toHeaders, tokenPattern } from './headers.js';

/** LoadModel: `closed` waits for each response before the next request on a connection; `open` follows a fixed schedule. */
export type LoadModel = 'open' | 'closed';

/**
 * Sequencer: how an open loop waits for its next scheduled send. `timer` wakes on 1 ms timer ticks
 * (little CPU; sends up to ~1 ms late, like wrk2); `spin` sleeps until just before the next send and
 * then polls the event loop, so sends leave within microseconds of their slot, at the cost of a core.
 */
export type Sequencer = 'timer' | 'spin';

/** GeneratorName picks the engine: meshplane's own client, or wrk / hey driven as child processes. */
export type GeneratorName = 'meshplane' | 'wrk' | 'hey';

/** TLS settings for https:// targets. Certificates and keys are PEM text (not paths). */
export interface TlsOptions {
  /** Accept any server certificate (no chain or name check). */
  insecure?: boolean;
  /** PEM of the CA(s) that sign the server's certificate; the system roots when unset. */
  ca?: string | Uint8Array;
  /** PEM client certificate for mutual TLS (needs `key`). */
  cert?: string | Uint8Array;
  /** PEM private key of `cert`. */
  key?: string | Uint8Array;
  /** Server name for SNI and the certificate check; the URL's host name by default. */
  servername?: string;
}

/**
 * RunOptions describes one load run against one URL. Durations are milliseconds, or strings in Go
 * syntax ("30s", "1m", "250ms"). Defaults are in RUN_DEFAULTS.
 */
export interface RunOptions {
  /** Target URL: http:// or https:// (HTTP/1.1). */
  url: string;
  /** HTTP method; GET, or POST when a body is given. */
  method?: string;
  /** Extra request headers: a map, [name, value] pairs, or "Name: value" lines. */
  headers?: Record<string, string | string[]> | Array<string | [string, string]>;
  /** Cookies: a map, [name, value] pairs, or "name=value" strings (one string may hold several, `a=1; b=2`). */
  cookies?: Record<string, string> | Array<string | [string, string]>;
  /** Request body. */
  body?: string | Uint8Array;
  /** Content-Type header for the body. */
  contentType?: string;
  /** Concurrent connections. */
  connections?: number;
  /** Total requests per second; 0 = as fast as possible (closed loop). */
  qps?: number;
  /** Load model; `open` when qps > 0, `closed` otherwise. */
  loadModel?: LoadModel;
  /** Measured duration (after warm-up). Ignored when `requests` is set. */
  duration?: number | string;
  /** Exact number of measured requests (after warm-up). */
  requests?: number;
  /** Warm-up run before measuring and excluded from every figure; 0 disables it. */
  warmup?: number | string;
  /** Requests in flight per connection (HTTP/1.1 pipelining). */
  pipeline?: number;
  /** How a scheduled run (qps > 0) waits for its next send; `timer` by default. */
  sequencer?: Sequencer;
  /** Per-request timeout, from the actual send. */
  timeout?: number | string;
  tls?: TlsOptions;
  generator?: GeneratorName;
  /** Free text carried into reports (fortio `Labels`). */
  labels?: string;
}

/** RUN_DEFAULTS are the values used for options left unset (docs/perf.md and `--help` list the same). */
export const RUN_DEFAULTS = {
  connections: 10,
  qps: 0,
  durationMs: 10_000,
  warmupMs: 2_000,
  pipeline: 1,
  sequencer: 'timer' as Sequencer,
  timeoutMs: 5_000,
  generator: 'meshplane' as GeneratorName,
} as const;

/** Target is the parsed URL, ready for the client. */
export interface Target {
  url: string;
  scheme: 'http' | 'https';
  /** Host name or IP literal without brackets. */
  hostname: string;
  port: number;
  /** Path and query as sent on the request line. */
  path: string;
  /** Host header value. */
  hostHeader: string;
}

/** ResolvedRunOptions is a validated RunOptions with every default applied. */
export interface ResolvedRunOptions {
  target: Target;
  method: string;
  headers: Array<[string, string]>;
  cookies: Array<[string, string]>;
  body: Buffer | null;
  contentType: string | null;
  connections: number;
  qps: number;
  loadModel: LoadModel;
  /** Measured duration in ms; null when `requests` is set. */
  durationMs: number | null;
  /** Exact measured requests; null when running for a duration. */
  requests: number | null;
  warmupMs: number;
  pipeline: number;
  sequencer: Sequencer;
  timeoutMs: number;
  tls: { insecure: boolean; ca?: string; cert?: string; key?: string; servername?: string };
  generator: GeneratorName;
  labels: string;
}

/**
 * FieldNames lets a caller report errors in its own vocabulary: the CLI names flags
 * (`--connections`), an SMP wiring names document paths (`clients[0].connections`).
 */
export type FieldNames = Partial<
  Record<keyof RunOptions | 'tls.ca' | 'tls.cert' | 'tls.key' | 'tls.servername', string>
>;

const MAX_BODY_BYTES = 64 * 1024 * 1024;

/** validateRunOptions checks every field and applies defaults; it throws InvalidInputError on the first bad field. */
export function validateRunOptions(
  options: RunOptions,
  names: FieldNames = {},
  source?: string,
): ResolvedRunOptions {
  const name = (field: keyof FieldNames): string => names[field] ?? field;
  const bad = (field: keyof FieldNames, value: unknown, expected: string): InvalidInputError =>
    new InvalidInputError(name(field), value, expected, source);

  if (options === null || typeof options !== 'object')
    throw bad('url', options, 'an options object with a url');
  const target = parseTarget(options.url, name('url'), source);

  const connections = integerIn(options.connections ?? RUN_DEFAULTS.connections, 1, 10_000, () =>
    bad('connections', options.connections, 'an integer from 1 to 10000'),
  );
  const qps = numberIn(options.qps ?? RUN_DEFAULTS.qps, 0, 10_000_000, () =>
    bad('qps', options.qps, 'a number of requests per second from 0 (as fast as possible) to 10000000'),
  );
  const loadModel = options.loadModel ?? (qps > 0 ? 'open' : 'closed');
  if (loadModel !== 'open' && loadModel !== 'closed')
    throw bad('loadModel', options.loadModel, '"open" or "closed"');
  if (loadModel === 'open' && qps === 0) {
    throw bad('loadModel', 'open', 'a closed loop when qps is 0 (an open loop needs a rate: set qps > 0)');
  }

  let requests: number | null = null;
  let durationMs: number | null = null;
  if (options.requests !== undefined) {
    requests = integerIn(options.requests, 1, 1e12, () =>
      bad('requests', options.requests, 'an integer from 1 to 1e12'),
    );
  } else {
    durationMs = durationIn(options.duration ?? RUN_DEFAULTS.durationMs, 1, 86_400_000, () =>
      bad('duration', options.duration, 'a duration from 1ms to 24h, such as 30s or 5m'),
    );
  }
  const warmupMs = durationIn(options.warmup ?? RUN_DEFAULTS.warmupMs, 0, 3_600_000, () =>
    bad('warmup', options.warmup, 'a duration from 0 to 1h, such as 2s (0 disables the warm-up)'),
  );
  const timeoutMs = durationIn(options.timeout ?? RUN_DEFAULTS.timeoutMs, 1, 3_600_000, () =>
    bad('timeout', options.timeout, 'a duration from 1ms to 1h, such as 5s'),
  );
  const pipeline = integerIn(options.pipeline ?? RUN_DEFAULTS.pipeline, 1, 256, () =>
    bad('pipeline', options.pipeline, 'an integer from 1 to 256'),
  );

  const sequencer = options.sequencer ?? RUN_DEFAULTS.sequencer;
  if (sequencer !== 'timer' && sequencer !== 'spin')
    throw bad('sequencer', options.sequencer, '"timer" or "spin"');
  if (sequencer === 'spin' && qps === 0)
    throw bad('sequencer', 'spin', 'timer when qps is 0 (only a scheduled run, qps > 0, has sends to pace)');

  const body = toBody(options.body, () =>
    bad('body', options.body, `a string or bytes of at most ${MAX_BODY_BYTES} bytes`),
  );
  const method = (options.method ?? (body ? 'POST' : 'GET')).toUpperCase();
  if (!tokenPattern.test(method) || method === 'CONNECT') {
    throw bad(
      'method',
      options.method,
      'an HTTP method token such as GET, POST, PUT, DELETE or HEAD (CONNECT is not supported)',
    );
  }
  let contentType: string | null = null;
  if (options.contentType !== undefined && options.contentType !== '') {
    if (typeof options.contentType !== 'string' || /[\r\n\0]/.test(options.contentType)) {
      throw bad(
        'contentType',
        options.contentType,
        'a media type without line breaks, such as application/json',
      );
    }
    contentType = options.contentType;
  }

  const headers = toHeaders(options.headers, name('headers'), source);
  if (contentType && headers.some(([n]) => n.toLowerCase() === 'content-type')) {
    throw bad('contentType', contentType, 'either contentType or a Content-Type header, not both');
  }
  const cookies = toCookies(options.cookies, name('cookies'), source);

  const tls = toTls(options.tls ?? {}, target, bad);
  const generator = options.generator ?? RUN_DEFAULTS.generator;
  if (generator !== 'meshplane' && generator !== 'wrk' && generator !== 'hey') {
    throw bad('generator', options.generator, 'one of meshplane, wrk, hey');
  }
  if (options.labels !== undefined && typeof options.labels !== 'string')
    throw bad('labels', options.labels, 'a string');

  return {
    target,
    method,
    headers,
    cookies,
    body,
    contentType,
    connections,
    qps,
    loadModel,
    durationMs,
    requests,
    warmupMs,
    pipeline,
    sequencer,
    timeoutMs,
    tls,
    generator,
    labels: options.labels ?? '',
  };
}

/** parseTarget accepts http:// and https:// URLs and rejects every other scheme with a clear error. */
export function parseTarget(value: unknown, field = 'url', source?: string): Target {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new InvalidInputError(field, value, 'an http:// or https:// URL', source);
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new InvalidInputError(
      field,
      value,
      'an absolute http:// or https:// URL, such as http://127.0.0.1:8080/',
      source,
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw unsupportedScheme(field, value, source);
  if (url.username || url.password) {
    throw new InvalidInputError(
      field,
      value,
      'a URL without user:password (send an Authorization header instead)',
      source,
    );
  }
  const scheme = url.protocol === 'https:' ? 'https' : 'http';
  const hostname = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  if (!hostname) throw new InvalidInputError(field, value, 'a URL with a host', source);
  const port = url.port ? Number(url.port) : scheme === 'https' ? 443 : 80;
  return {
    url: url.href,
    scheme,
    hostname,
    port,
    path: `${url.pathname || '/'}${url.search}`,
    hostHeader: url.host,
  };
}

function integerIn(value: unknown, min: number, max: number, fail: () => Error): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) throw fail();
  return value;
}

function numberIn(value: unknown, min: number, max: number, fail: () => Error): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) throw fail();
  return value;
}

function durationIn(value: unknown, min: number, max: number, fail: () => Error): number {
  const ms =
    typeof value === 'number' ? value : typeof value === 'string' ? parseGoDuration(value) : undefined;
  if (ms === undefined || !Number.isFinite(ms) || ms < min || ms > max) throw fail();
  return ms;
}

function toBody(value: unknown, fail: () => Error): Buffer | null {
  if (value === undefined || value === null) return null;
  let body: Buffer;
  if (typeof value === 'string') body = Buffer.from(value, 'utf8');
  else if (value instanceof Uint8Array) body = Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  else throw fail();
  if (body.length > MAX_BODY_BYTES) throw fail();
  return body.length === 0 ? null : body;
}

function pem(value: unknown): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value === 'string') return value;
  if (value instanceof Uint8Array) return Buffer.from(value).toString('utf8');
  return undefined;
}

function toTls(
  options: TlsOptions,
  target: Target,
  bad: (field: keyof FieldNames, value: unknown, expected: string) => InvalidInputError,
): ResolvedRunOptions['tls'] {
  if (typeof options !== 'object') throw bad('tls', options, 'an object with insecure, ca, cert, key');
  const ca = pem(options.ca);
  const cert = pem(options.cert);
  const key = pem(options.key);
  if (options.ca !== undefined && options.ca !== '' && ca === undefined)
    throw bad('tls.ca', options.ca, 'PEM text');
  if ((cert === undefined) !== (key === undefined)) {
    throw bad(
      cert === undefined ? 'tls.cert' : 'tls.key',
      undefined,
      'both a client certificate and its key for mutual TLS',
    );
  }
  const usesTls = ca !== undefined || cert !== undefined || options.insecure === true;
  if (usesTls && target.scheme !== 'https') {
    throw bad(
      ca !== undefined ? 'tls.ca' : cert !== undefined ? 'tls.cert' : 'tls',
      'set',
      'TLS options only with an https:// URL',
    );
  }
  // Building a secure context parses the PEM now, so a bad file fails here and not per connection.
  if (ca !== undefined) {
    try {
      createSecureContext({ ca });
    } catch (error) {
      throw bad('tls.ca', '<PEM>', `a PEM CA certificate (${(error as Error).message})`);
    }
    if (!/-----BEGIN CERTIFICATE-----/.test(ca)) throw bad('tls.ca', '<PEM>', 'a PEM CA certificate');
  }
  if (cert !== undefined && key !== undefined) {
    try {
      createSecureContext({ cert, key });
    } catch (error) {
      throw bad('tls.cert', '<PEM>', `a PEM certificate matching the PEM key (${(error as Error).message})`);
    }
  }
  const servername = options.servername;
  if (servername !== undefined && (typeof servername !== 'string' || !/^[A-Za-z0-9.-]+$/.test(servername))) {
    throw bad('tls.servername', servername, 'a DNS name');
  }
  const resolved: ResolvedRunOptions['tls'] = { insecure: options.insecure === true };
  if (ca !== undefined) resolved.ca = ca;
  if (cert !== undefined) resolved.cert = cert;
  if (key !== undefined) resolved.key = key;
  const sni = servername ?? (isIP(target.hostname) ? undefined : target.hostname);
  if (sni !== undefined) resolved.servername = sni;
  return resolved;
}
