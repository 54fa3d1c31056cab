/**
 * `ANY /echo`: the received request written back in HTTP/1.1 wire format, following the rules of
 * Go's `Request.Write` (the original sample app calls `req.Write(w)`): request line with the
 * origin-form target, Host, User-Agent, the transfer headers Go would send, the other headers with
 * canonical names sorted by name, a blank line, then the body (re-chunked when it came chunked).
 * @module
 */
import type { IncomingMessage } from 'node:http';

/** Headers Go's Request.Write writes itself (or drops) instead of copying them from the map. */
const EXCLUDED = new Set(['Host', 'User-Agent', 'Content-Length', 'Transfer-Encoding', 'Trailer']);

/** canonicalHeaderKey is Go's textproto.CanonicalMIMEHeaderKey: `content-type` → `Content-Type`. */
export function canonicalHeaderKey(key: string): string {
  if (!/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(key)) return key;
  return key.toLowerCase().replace(/(^|-)([a-z])/g, (_m, sep: string, c: string) => sep + c.toUpperCase());
}

/** requestTarget is the origin-form target of a request line, also when it arrived in absolute form. */
function requestTarget(url: string): string {
  const absolute = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i.exec(url);
  const target = absolute ? url.slice(absolute[0].length) : url;
  if (target === '' || target.startsWith('?')) return `/${target}`;
  return target;
}

function hostOf(req: IncomingMessage): string {
  const absolute = /^[a-z][a-z0-9+.-]*:\/\/([^/?#]*)/i.exec(req.url ?? '');
  if (absolute?.[1]) return absolute[1];
  return req.headers.host ?? '';
}

function cleanValue(value: string): string {
  return value.replace(/[\r\n]/g, ' ').trim();
}

/** wireFormat renders `req` (already read, with its `body`) as Go's Request.Write would. */
export function wireFormat(req: IncomingMessage, body: Buffer): Buffer {
  const grouped = new Map<string, string[]>();
  for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) {
    const key = canonicalHeaderKey(req.rawHeaders[i]!);
    const values = grouped.get(key) ?? [];
    values.push(req.rawHeaders[i + 1]!);
    grouped.set(key, values);
  }
  const method = req.method || 'GET';
  const lines = [`${method} ${requestTarget(req.url ?? '/')} HTTP/1.1`, `Host: ${hostOf(req)}`];
  const userAgent = grouped.get('User-Agent')?.[0];
  if (userAgent !== undefined && cleanValue(userAgent) !== '')
    lines.push(`User-Agent: ${cleanValue(userAgent)}`);

  // Transfer headers, in the order Go's transferWriter writes them.
  const connection = (grouped.get('Connection') ?? []).join(',').toLowerCase();
  const closes =
    /(^|[\s,])close($|[\s,])/.test(connection) ||
    (req.httpVersion === '1.0' && !/(^|[\s,])keep-alive($|[\s,])/.test(connection));
  if (closes && !/(^|[\s,])close($|[\s,])/.test(connection)) lines.push('Connection: close');
  const chunked = /(^|,)\s*chunked\s*$/i.test(req.headers['transfer-encoding'] ?? '');
  if (chunked) lines.push('Transfer-Encoding: chunked');
  else if (body.length > 0) lines.push(`Content-Length: ${body.length}`);
  else if (method !== 'GET' && method !== 'HEAD') lines.push('Content-Length: 0');

  for (const key of [...grouped.keys()].filter((k) => !EXCLUDED.has(k)).sort(byteOrder)) {
    for (const value of grouped.get(key)!) lines.push(`${key}: ${cleanValue(value)}`);
  }
  const head = Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1');
  if (!chunked) return Buffer.concat([head, body]);
  const chunks =
    body.length > 0 ? [Buffer.from(`${body.length.toString(16)}\r\n`), body, Buffer.from('\r\n')] : [];
  return Buffer.concat([head, ...chunks, Buffer.from('0\r\n\r\n')]);
}

function byteOrder(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
