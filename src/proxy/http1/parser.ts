/**
 * Incremental HTTP/1.1 head parsers and body framing for the proxy's data path. Hot-path file: it
 * works on latin1 strings and byte offsets, allocates one object per head and copies header lines
 * through untouched, dropping only hop-by-hop ones. Bodies are never decoded: BodyFramer only finds
 * where a body ends (Content-Length, chunked framing or connection close).
 * @module
 */

/** MAX_HEAD_BYTES bounds a request or response head; longer heads are refused (431 / 502). */
export const MAX_HEAD_BYTES = 64 * 1024;

const HEAD_END = Buffer.from('\r\n\r\n', 'latin1');

/** ParseError is a malformed head; `reason` becomes the snake_case reason of the reply. */
export class ParseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ParseError';
  }
}

export interface RequestHead {
  method: string;
  target: string;
  /** HTTP/1.x minor version. */
  minor: number;
  /** bytes from the start of the buffer to the end of the head (after the blank line). */
  headLength: number;
  /** raw header lines (each ending in CRLF), without the request line. */
  block: string;
  /** header lines to forward: `block` without hop-by-hop headers (and Host when dropHost). */
  forwarded: string;
  /** the head's bytes as received (a view, not a copy). */
  raw: Buffer;
  /** true when nothing was dropped, so an origin-form head can be forwarded as `raw`. */
  unchanged: boolean;
  host: string | undefined;
  /** -1 when there is no Content-Length. */
  contentLength: number;
  chunked: boolean;
  keepAlive: boolean;
  expectContinue: boolean;
  /** value of an Upgrade header (the header itself is never forwarded). */
  upgrade: string | undefined;
}

export interface ResponseHead {
  status: number;
  minor: number;
  headLength: number;
  /** the status line including its CRLF. */
  statusLine: string;
  /** header lines to forward (hop-by-hop removed). */
  forwarded: string;
  /** true when forwarded === the original block, so the raw bytes can be sent unchanged. */
  unchanged: boolean;
  /**
   * true when the only header dropped was `Connection: keep-alive`: the raw head may still be sent to
   * a downstream that stays open, where that header says the same thing.
   */
  onlyKeepAlive: boolean;
  contentLength: number;
  chunked: boolean;
  /** the upstream connection may be reused after this response. */
  keepAlive: boolean;
  /** Keep-Alive: timeout=N hint in ms, or 0. */
  keepAliveTimeoutMs: number;
}

// Header names the parsers act on, grouped by length so most names are skipped without lower-casing.
const enum H {
  Other,
  Host,
  ContentLength,
  TransferEncoding,
  Connection,
  KeepAlive,
  ProxyConnection,
  Te,
  Upgrade,
  Expect,
  ProxyAuthorization,
  Xfcc,
}

/** is compares s[start..] with a lower-case name, ignoring ASCII case, without allocating. */
function is(s: string, start: number, name: string): boolean {
  for (let i = 0; i < name.length; i++)
    if ((s.charCodeAt(start + i) | 0x20) !== name.charCodeAt(i)) return false;
  return true;
}

function classify(s: string, start: number, end: number): H {
  // Length first, then the first letter, then the whole name: most headers fail the first two tests.
  const c = s.charCodeAt(start) | 0x20;
  switch (end - start) {
    case 2:
      return c === 116 && is(s, start, 'te') ? H.Te : H.Other;
    case 4:
      return c === 104 && is(s, start, 'host') ? H.Host : H.Other;
    case 6:
      return c === 101 && is(s, start, 'expect') ? H.Expect : H.Other;
    case 7:
      return c === 117 && is(s, start, 'upgrade') ? H.Upgrade : H.Other;
    case 10:
      if (c === 99) return is(s, start, 'connection') ? H.Connection : H.Other;
      return c === 107 && is(s, start, 'keep-alive') ? H.KeepAlive : H.Other;
    case 14:
      return c === 99 && is(s, start, 'content-length') ? H.ContentLength : H.Other;
    case 16:
      return c === 112 && is(s, start, 'proxy-connection') ? H.ProxyConnection : H.Other;
    case 17:
      return c === 116 && is(s, start, 'transfer-encoding') ? H.TransferEncoding : H.Other;
    case 19:
      return c === 112 && is(s, start, 'proxy-authorization') ? H.ProxyAuthorization : H.Other;
    case 23:
      return c === 120 && is(s, start, 'x-forwarded-client-cert') ? H.Xfcc : H.Other;
    default:
      return H.Other;
  }
}

function isOws(c: number): boolean {
  return c === 32 || c === 9;
}

function value(s: string, colon: number, end: number): string {
  let a = colon + 1;
  let b = end;
  while (a < b && isOws(s.charCodeAt(a))) a++;
  while (b > a && isOws(s.charCodeAt(b - 1))) b--;
  return s.slice(a, b);
}

function parseLength(v: string, previous: number): number {
  let n = 0;
  if (v.length === 0 || v.length > 15) throw new ParseError(`invalid Content-Length ${JSON.stringify(v)}`);
  for (let i = 0; i < v.length; i++) {
    const d = v.charCodeAt(i) - 48;
    if (d < 0 || d > 9) throw new ParseError(`invalid Content-Length ${JSON.stringify(v)}`);
    n = n * 10 + d;
  }
  if (previous >= 0 && previous !== n) throw new ParseError('conflicting Content-Length headers');
  return n;
}

/** Connection-header facts collected while walking the header lines. */
interface Walk {
  forwarded: string;
  dropped: boolean;
  /** lines dropped other than a plain `Connection: keep-alive`. */
  droppedOther: boolean;
  host: string | undefined;
  contentLength: number;
  chunked: boolean;
  teSeen: boolean;
  close: boolean;
  keepAliveToken: boolean;
  expectContinue: boolean;
  upgrade: string | undefined;
  keepAliveTimeoutMs: number;
  /** extra hop-by-hop header names listed in Connection. */
  tokens: string[] | undefined;
}

/**
 * walkHeaders visits the header lines of `s` between `pos` and `end` (the index of the blank line's
 * CRLF), collecting framing facts and the lines to forward as runs of the original text.
 */
function walkHeaders(s: string, pos: number, end: number, dropHost: boolean, dropXfcc: boolean): Walk {
  const w: Walk = {
    forwarded: '',
    dropped: false,
    droppedOther: false,
    host: undefined,
    contentLength: -1,
    chunked: false,
    teSeen: false,
    close: false,
    keepAliveToken: false,
    expectContinue: false,
    upgrade: undefined,
    keepAliveTimeoutMs: 0,
    tokens: undefined,
  };
  let runStart = pos;
  while (pos < end) {
    const eol = s.indexOf('\r\n', pos);
    const colon = s.indexOf(':', pos);
    if (colon < 0 || colon > eol || colon === pos) throw new ParseError('malformed header line');
    const first = s.charCodeAt(pos);
    if (isOws(first) || isOws(s.charCodeAt(colon - 1))) throw new ParseError('whitespace in header name');
    let drop = false;
    let keepAliveOnly = false;
    switch (classify(s, pos, colon)) {
      case H.Other:
        break;
      case H.Host:
        if (w.host !== undefined) throw new ParseError('duplicate Host header');
        w.host = value(s, colon, eol);
        drop = dropHost;
        break;
      case H.ContentLength:
        w.contentLength = parseLength(value(s, colon, eol), w.contentLength);
        break;
      case H.TransferEncoding: {
        const v = value(s, colon, eol).toLowerCase();
        w.teSeen = true;
        const last = v.slice(v.lastIndexOf(',') + 1).trim();
        w.chunked = last === 'chunked';
        break;
      }
      case H.Connection: {
        const v = value(s, colon, eol).toLowerCase();
        keepAliveOnly = v === 'keep-alive';
        // The two values nearly every peer sends need no tokenizing.
        if (keepAliveOnly) w.keepAliveToken = true;
        else if (v === 'close') w.close = true;
        else
          for (const raw of v.split(',')) {
            const t = raw.trim();
            if (t === 'close') w.close = true;
            else if (t === 'keep-alive') w.keepAliveToken = true;
            else if (t !== '' && t !== 'upgrade') (w.tokens ??= []).push(t);
          }
        drop = true;
        break;
      }
      case H.KeepAlive: {
        const m = /timeout=(\d+)/i.exec(value(s, colon, eol));
        if (m) w.keepAliveTimeoutMs = Number(m[1]) * 1000;
        drop = true;
        break;
      }
      case H.Upgrade:
        w.upgrade = value(s, colon, eol);
        drop = true;
        break;
      case H.Expect:
        if (value(s, colon, eol).toLowerCase() === '100-continue') w.expectContinue = true;
        break;
      case H.ProxyConnection:
      case H.Te:
      case H.ProxyAuthorization:
        drop = true;
        break;
      case H.Xfcc:
        drop = dropXfcc;
        break;
    }
    if (drop) {
      w.forwarded += s.slice(runStart, pos);
      runStart = eol + 2;
      w.dropped = true;
      if (!keepAliveOnly) w.droppedOther = true;
    }
    pos = eol + 2;
  }
  w.forwarded += s.slice(runStart, end);
  if (w.tokens) {
    const names = new Set(w.tokens);
    w.forwarded = w.forwarded
      .split('\r\n')
      .filter((line) => line !== '' && !names.has(line.slice(0, line.indexOf(':')).trim().toLowerCase()))
      .map((line) => `${line}\r\n`)
      .join('');
    w.dropped = true;
    w.droppedOther = true;
  }
  return w;
}

/**
 * parseRequestHead parses the head at the start of `buf`. It returns undefined while the head is
 * incomplete and throws ParseError on a malformed or oversized head.
 */
export function parseRequestHead(buf: Buffer, dropXfcc: boolean): RequestHead | undefined {
  const end = buf.indexOf(HEAD_END);
  if (end < 0) {
    if (buf.length > MAX_HEAD_BYTES) throw new ParseError('request head too large');
    return undefined;
  }
  if (end > MAX_HEAD_BYTES) throw new ParseError('request head too large');
  const s = buf.toString('latin1', 0, end + 2);
  const lineEnd = s.indexOf('\r\n');
  const sp1 = s.indexOf(' ');
  const sp2 = s.lastIndexOf(' ', lineEnd);
  if (sp1 <= 0 || sp2 <= sp1 + 1 || lineEnd - sp2 !== 9 || !s.startsWith('HTTP/1.', sp2 + 1))
    throw new ParseError('malformed request line');
  const minor = s.charCodeAt(lineEnd - 1) - 48;
  if (minor < 0 || minor > 9) throw new ParseError('malformed HTTP version');
  const method = s.slice(0, sp1);
  const target = s.slice(sp1 + 1, sp2);
  // Absolute-form carries the authority in the target; the Host header is replaced.
  const absolute = target.charCodeAt(0) !== 47 && method !== 'CONNECT' && target !== '*';
  const w = walkHeaders(s, lineEnd + 2, end + 2, absolute, dropXfcc);
  if (w.teSeen && !w.chunked) throw new ParseError('Transfer-Encoding without final chunked');
  if (w.teSeen && w.contentLength >= 0) throw new ParseError('both Transfer-Encoding and Content-Length');
  return {
    method,
    target,
    minor,
    headLength: end + 4,
    block: s.slice(lineEnd + 2),
    forwarded: w.forwarded,
    raw: buf.subarray(0, end + 4),
    unchanged: !w.dropped,
    host: w.host,
    contentLength: w.contentLength,
    chunked: w.chunked,
    keepAlive: minor >= 1 ? !w.close : w.keepAliveToken && !w.close,
    expectContinue: w.expectContinue,
    upgrade: w.upgrade,
  };
}

/** parseResponseHead is parseRequestHead for a status line; undefined while incomplete. */
export function parseResponseHead(buf: Buffer): ResponseHead | undefined {
  const end = buf.indexOf(HEAD_END);
  if (end < 0) {
    if (buf.length > MAX_HEAD_BYTES) throw new ParseError('response head too large');
    return undefined;
  }
  const s = buf.toString('latin1', 0, end + 2);
  const lineEnd = s.indexOf('\r\n');
  if (!s.startsWith('HTTP/1.') || s.charCodeAt(8) !== 32) throw new ParseError('malformed status line');
  const status = Number(s.slice(9, 12));
  if (!(status >= 100 && status <= 999) || (lineEnd > 12 && s.charCodeAt(12) !== 32))
    throw new ParseError('malformed status code');
  const minor = s.charCodeAt(7) - 48;
  const w = walkHeaders(s, lineEnd + 2, end + 2, false, false);
  if (w.teSeen && w.contentLength >= 0) w.contentLength = -1;
  return {
    status,
    minor,
    headLength: end + 4,
    statusLine: s.slice(0, lineEnd + 2),
    forwarded: w.forwarded,
    unchanged: !w.dropped,
    onlyKeepAlive: w.dropped && !w.droppedOther,
    contentLength: w.contentLength,
    chunked: w.chunked,
    keepAlive: minor >= 1 ? !w.close : w.keepAliveToken && !w.close,
    keepAliveTimeoutMs: w.keepAliveTimeoutMs,
  };
}

/** findHeader returns a header's value from a raw block (repeated headers joined by ", "). */
export function findHeader(block: string, name: string): string | undefined {
  const values = findHeaderValues(block, name);
  return values.length === 0 ? undefined : values.join(', ');
}

/** findHeaderValues returns the value of every field line of a header in a raw block, in order. */
export function findHeaderValues(block: string, name: string): string[] {
  const found: string[] = [];
  let pos = 0;
  const lower = block.toLowerCase();
  for (;;) {
    const at = lower.indexOf(name, pos);
    if (at < 0) return found;
    const eol = block.indexOf('\r\n', at);
    if ((at === 0 || block.charCodeAt(at - 1) === 10) && block.charCodeAt(at + name.length) === 58) {
      found.push(value(block, at + name.length, eol));
    }
    pos = eol < 0 ? lower.length : eol;
  }
}

const enum C {
  Size,
  Ext,
  SizeLf,
  Data,
  DataCr,
  DataLf,
  TrailerStart,
  TrailerLine,
  TrailerLf,
  EndLf,
  Done,
}

function hex(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  const l = c | 0x20;
  if (l >= 97 && l <= 102) return l - 87;
  return -1;
}

/**
 * BodyFramer finds the end of a message body without changing it. `feed` returns the offset in
 * `buf` just past the body's last byte, or -1 when the body continues past `end`.
 */
export class BodyFramer {
  private state = C.Size;
  private size = 0;
  private digits = 0;
  /** bytes left for Content-Length bodies and in the current chunk. */
  remaining: number;
  done: boolean;

  /**
   * @param kind 'length' (remaining = Content-Length), 'chunked', 'close' (ends with the connection)
   *   or 'none' (no body)
   */
  constructor(
    readonly kind: 'none' | 'length' | 'chunked' | 'close',
    length = 0,
  ) {
    this.remaining = length;
    this.done = kind === 'none' || (kind === 'length' && length === 0);
  }

  feed(buf: Buffer, start: number, end: number): number {
    if (this.done) return start;
    if (this.kind === 'length') {
      const n = end - start;
      if (n < this.remaining) {
        this.remaining -= n;
        return -1;
      }
      const at = start + this.remaining;
      this.remaining = 0;
      this.done = true;
      return at;
    }
    if (this.kind === 'close') return -1;
    return this.chunked(buf, start, end);
  }

  private chunked(buf: Buffer, i: number, end: number): number {
    while (i < end) {
      switch (this.state) {
        case C.Data: {
          const n = Math.min(this.remaining, end - i);
          this.remaining -= n;
          i += n;
          if (this.remaining === 0) this.state = C.DataCr;
          continue;
        }
        case C.Size: {
          const c = buf[i]!;
          const h = hex(c);
          if (h >= 0) {
            if (++this.digits > 12) throw new ParseError('chunk size too large');
            this.size = this.size * 16 + h;
          } else if (this.digits > 0 && (c === 59 || c === 32 || c === 9)) this.state = C.Ext;
          else if (this.digits > 0 && c === 13) this.state = C.SizeLf;
          else throw new ParseError('malformed chunk size');
          break;
        }
        case C.Ext:
          if (buf[i] === 13) this.state = C.SizeLf;
          break;
        case C.SizeLf:
          if (buf[i] !== 10) throw new ParseError('malformed chunk size line');
          if (this.size === 0) this.state = C.TrailerStart;
          else {
            this.remaining = this.size;
            this.state = C.Data;
          }
          this.size = 0;
          this.digits = 0;
          break;
        case C.DataCr:
          if (buf[i] !== 13) throw new ParseError('missing CRLF after chunk data');
          this.state = C.DataLf;
          break;
        case C.DataLf:
          if (buf[i] !== 10) throw new ParseError('missing CRLF after chunk data');
          this.state = C.Size;
          break;
        case C.TrailerStart:
          this.state = buf[i] === 13 ? C.EndLf : C.TrailerLine;
          break;
        case C.TrailerLine:
          if (buf[i] === 13) this.state = C.TrailerLf;
          break;
        case C.TrailerLf:
          if (buf[i] !== 10) throw new ParseError('malformed trailer');
          this.state = C.TrailerStart;
          break;
        case C.EndLf:
          if (buf[i] !== 10) throw new ParseError('malformed last chunk');
          this.state = C.Done;
          this.done = true;
          return i + 1;
      }
      i++;
    }
    return -1;
  }
}
