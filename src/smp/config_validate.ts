/**
 * Semantic checks on a `PerformanceTestConfig` beyond its schema: what a test needs in order to
 * run. Each rejection names the field path as the user wrote it.
 * @module
 */
import { InvalidInputError } from '../errors/index.js';
import { parseGoDuration } from './duration.js';
import { joinPath, writtenKey } from './reader.js';
import type { PerformanceTestClient, PerformanceTestConfig, Protocol } from './types.js';

/** KNOWN_PROTOCOLS are the protocols a client may name (everything but PROTOCOL_INVALID). */
export const KNOWN_PROTOCOLS: readonly Protocol[] = [
  'PROTOCOL_HTTP',
  'PROTOCOL_TCP',
  'PROTOCOL_UDP',
  'PROTOCOL_GRPC',
];

/** HTTP field-name token (RFC 9110 §5.6.2). */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** ValidateOptions says where the config sits, for error messages. */
export interface ValidateOptions {
  source?: string;
  /** Path of the config inside its document: '' for a bare config, `test` in a test file. */
  path?: string;
}

/**
 * validatePerformanceTestConfig checks that a config can run and returns its duration in
 * nanoseconds: a name, at least one client, each with a known protocol, at least one connection,
 * a rate ≥ 0, valid header and cookie names, and at least one endpoint URL, each a URL with a host
 * (http:// or https:// for PROTOCOL_HTTP); duration in Go syntax, greater than zero.
 * @throws InvalidInputError naming the field
 */
export function validatePerformanceTestConfig(
  config: PerformanceTestConfig,
  options: ValidateOptions = {},
): number {
  const { source } = options;
  const base = options.path ?? '';
  const key = (obj: object, camel: string, snake: string, parent: string) =>
    joinPath(parent, writtenKey(obj, camel, snake));

  if (config.name.trim() === '') {
    throw new InvalidInputError(
      key(config, 'name', 'name', base),
      config.name || undefined,
      'a test name',
      source,
    );
  }
  const clientsPath = key(config, 'clients', 'clients', base);
  if (config.clients.length === 0) {
    throw new InvalidInputError(clientsPath, config.clients, 'at least one client', source);
  }
  config.clients.forEach((client, i) => validateClient(client, `${clientsPath}[${i}]`, source));

  const durationPath = key(config, 'duration', 'duration', base);
  if (config.duration === '') {
    throw new InvalidInputError(durationPath, undefined, 'a Go duration such as "30s" or "1m"', source);
  }
  const nanos = parseGoDuration(config.duration, durationPath, source);
  if (nanos <= 0)
    throw new InvalidInputError(durationPath, config.duration, 'a duration greater than 0', source);
  return nanos;
}

function validateClient(client: PerformanceTestClient, path: string, source?: string): void {
  const key = (camel: string, snake: string) => joinPath(path, writtenKey(client, camel, snake));
  if (client.protocol === 'PROTOCOL_INVALID') {
    const choices = KNOWN_PROTOCOLS.map((p, i) => `${p} (${i + 1})`).join(', ');
    throw new InvalidInputError(key('protocol', 'protocol'), undefined, `one of ${choices}`, source);
  }
  if (client.connections < 1) {
    throw new InvalidInputError(
      key('connections', 'connections'),
      client.connections,
      'an integer ≥ 1',
      source,
    );
  }
  if (client.rps < 0) {
    throw new InvalidInputError(
      key('rps', 'rps'),
      client.rps,
      'an integer ≥ 0 (0 = as fast as possible)',
      source,
    );
  }
  for (const [name, value] of Object.entries(client.headers)) {
    const at = `${key('headers', 'headers')}.${name}`;
    if (!TOKEN.test(name))
      throw new InvalidInputError(at, name, 'an HTTP header name (letters, digits, -)', source);
    if (/[\r\n\0]/.test(value))
      throw new InvalidInputError(at, value, 'a header value without CR, LF or NUL', source);
  }
  for (const [name, value] of Object.entries(client.cookies)) {
    const at = `${key('cookies', 'cookies')}.${name}`;
    if (!TOKEN.test(name)) throw new InvalidInputError(at, name, 'a cookie name (an HTTP token)', source);
    if (/[\r\n\0;]/.test(value))
      throw new InvalidInputError(at, value, 'a cookie value without ;, CR, LF or NUL', source);
  }
  const urlsPath = key('endpointUrls', 'endpoint_urls');
  if (client.endpointUrls.length === 0) {
    throw new InvalidInputError(urlsPath, client.endpointUrls, 'at least one endpoint URL', source);
  }
  client.endpointUrls.forEach((url, i) => validateUrl(url, client.protocol, `${urlsPath}[${i}]`, source));
}

function validateUrl(url: string, protocol: Protocol, path: string, source?: string): void {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new InvalidInputError(path, url, 'an absolute URL such as http://127.0.0.1:8080/', source);
  }
  if (parsed.host === '') throw new InvalidInputError(path, url, 'a URL with a host', source);
  if (protocol === 'PROTOCOL_HTTP' && parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new InvalidInputError(
      path,
      url,
      'an http:// or https:// URL (the client protocol is PROTOCOL_HTTP)',
      source,
    );
  }
}
