/**
 * ResponseParser: a minimal incremental HTTP/1.1 response parser for the load generator's hot path
 * (one long function by design: no allocation per response, no per-header strings). It reads the
 * status line and only the headers that frame the body (Content-Length, Transfer-Encoding,
 * Connection), then skips the body: fixed length, chunked (with trailers), or until close.
 * 1xx responses are skipped; HEAD, 204 and 304 responses have no body.
 * @module
 */

/** ResponseSink receives each complete response. */
export interface ResponseSink {
  onResponse(status: number, headerBytes: number, totalBytes: number, keepAlive: boolean): void;
}

const S_HEAD = 0;
const S_BODY = 1;
const S_CHUNK_SIZE = 2;
const S_CHUNK_EXT = 3;
const S_CHUNK_DATA = 4;
const S_CHUNK_END = 5;
const S_TRAILER = 6;
const S_UNTIL_CLOSE = 7;

const LF = 10;
const CR = 13;
const MAX_HEAD_BYTES = 64 * 1024;

const CONTENT_LENGTH = Buffer.from('content-length:');
const CONNECTION = Buffer.from('connection:');
const TRANSFER_ENCODING = Buffer.from('transfer-encoding:');
const CLOSE = Buffer.from('close');
const KEEP_ALIVE = Buffer.from('keep-alive');
const CHUNKED = Buffer.from('chunked');

/** startsWithLower tells whether buf[at..] begins with `name` compared ASCII case-insensitively. */
function startsWithLower(buf: Uint8Array, at: number, end: number, name: Uint8Array): boolean {
  const n = name.length;
  if (end - at < n) return false;
  for (let i = 0; i < n; i++) if ((buf[at + i]! | 0x20) !== name[i]) return false;
  return true;
}

/** containsLower tells whether buf[from..to) contains `word` case-insensitively. */
function containsLower(buf: Uint8Array, from: number, to: number, word: Uint8Array): boolean {
  const last = to - word.length;
  outer: for (let i = from; i <= last; i++) {
    for (let j = 0; j < word.length; j++) if ((buf[i + j]! | 0x20) !== word[j]) continue outer;
    return true;
  }
  return false;
}

export class ResponseParser {
  /** Why parsing failed (set when execute returns false). */
  error = '';
  /** Requests of this connection are HEAD: responses carry no body. */
  noBody = false;
  /** Set by the sink to stop processing the rest of the current chunk. */
  halted = false;

  private state = S_HEAD;
  private pending: Buffer | null = null;
  private remaining = 0;
  private chunkSize = 0;
  private chunkDigits = 0;
  private lineLength = 0;
  private status = 0;
  private headerBytes = 0;
  private totalBytes = 0;
  private keepAlive = true;
  // Fields filled by parseHead.
  private contentLength = -1;
  private chunked = false;
  private headEnd = 0;

  constructor(private readonly sink: ResponseSink) {}

  /** idle tells whether no response is partly received. */
  get idle(): boolean {
    return this.state === S_HEAD && this.pending === null;
  }

  /** reset forgets any partial response (after the connection is replaced). */
  reset(): void {
    this.state = S_HEAD;
    this.pending = null;
    this.error = '';
    this.halted = false;
  }

  /** finish is called at end of stream; it completes a read-until-close body and tells whether the stream ended cleanly. */
  finish(): boolean {
    if (this.state === S_UNTIL_CLOSE) {
      this.state = S_HEAD;
      this.sink.onResponse(this.status, this.headerBytes, this.totalBytes, false);
      return true;
    }
    return this.idle;
  }

  /** execute consumes buf[start..end); it returns false on a malformed response (see `error`). */
  execute(input: Buffer, start: number, end: number): boolean {
    let buf = input;
    let p = start;
    let stop = end;
    if (this.pending !== null) {
      // A head split across reads: join it with the new bytes (rare; copies once).
      buf = Buffer.concat([this.pending, input.subarray(start, end)]);
      this.pending = null;
      p = 0;
      stop = buf.length;
    }
    this.halted = false;
    while (p < stop && !this.halted) {
      switch (this.state) {
        case S_HEAD: {
          const r = this.parseHead(buf, p, stop);
          if (r === -1) {
            if (stop - p > MAX_HEAD_BYTES) return this.fail('response head larger than 64 KiB');
            this.pending = Buffer.from(buf.subarray(p, stop)); // copy: the read buffer is reused
            return true;
          }
          if (r === -2) return false;
          const headBytes = this.headEnd - p;
          p = this.headEnd;
          const status = this.status;
          if (status < 200) {
            if (status === 101)
              return this.fail('server switched protocols (101); upgrades are not supported');
            continue; // 1xx informational: the final response follows
          }
          this.headerBytes = headBytes;
          this.totalBytes = headBytes;
          if (this.noBody || status === 204 || status === 304) {
            this.complete();
          } else if (this.chunked) {
            this.state = S_CHUNK_SIZE;
            this.chunkSize = 0;
            this.chunkDigits = 0;
          } else if (this.contentLength >= 0) {
            if (this.contentLength === 0) this.complete();
            else {
              this.remaining = this.contentLength;
              this.state = S_BODY;
            }
          } else {
            this.keepAlive = false;
            this.state = S_UNTIL_CLOSE;
          }
          break;
        }
        case S_BODY: {
          const take = Math.min(this.remaining, stop - p);
          p += take;
          this.totalBytes += take;
          this.remaining -= take;
          if (this.remaining === 0) this.complete();
          break;
        }
        case S_CHUNK_SIZE: {
          const c = buf[p++]!;
          this.totalBytes++;
          let digit = -1;
          if (c >= 48 && c <= 57) digit = c - 48;
          else if ((c | 0x20) >= 97 && (c | 0x20) <= 102) digit = (c | 0x20) - 87;
          if (digit >= 0) {
            this.chunkSize = this.chunkSize * 16 + digit;
            if (++this.chunkDigits > 12) return this.fail('chunk size too large');
          } else if (c === LF) {
            if (this.chunkDigits === 0) return this.fail('chunk size line without digits');
            this.endChunkSize();
          } else if (c === 59 || c === 32 || c === 9) {
            this.state = S_CHUNK_EXT; // ';' extensions or padding up to the line end
          } else if (c !== CR) {
            return this.fail(`invalid byte 0x${c.toString(16)} in chunk size`);
          }
          break;
        }
        case S_CHUNK_EXT: {
          const lf = buf.indexOf(LF, p);
          if (lf === -1 || lf >= stop) {
            this.totalBytes += stop - p;
            p = stop;
          } else {
            this.totalBytes += lf + 1 - p;
            p = lf + 1;
            if (this.chunkDigits === 0) return this.fail('chunk size line without digits');
            this.endChunkSize();
          }
          break;
        }
        case S_CHUNK_DATA: {
          const take = Math.min(this.remaining, stop - p);
          p += take;
          this.totalBytes += take;
          this.remaining -= take;
          if (this.remaining === 0) this.state = S_CHUNK_END;
          break;
        }
        case S_CHUNK_END: {
          const c = buf[p++]!;
          this.totalBytes++;
          if (c === LF) {
            this.state = S_CHUNK_SIZE;
            this.chunkSize = 0;
            this.chunkDigits = 0;
          } else if (c !== CR) {
            return this.fail('chunk data not followed by CRLF');
          }
          break;
        }
        case S_TRAILER: {
          const c = buf[p++]!;
          this.totalBytes++;
          if (c === LF) {
            if (this.lineLength === 0) this.complete();
            else this.lineLength = 0;
          } else if (c !== CR) {
            this.lineLength++;
          }
          break;
        }
        case S_UNTIL_CLOSE: {
          this.totalBytes += stop - p;
          p = stop;
          break;
        }
      }
    }
    return true;
  }

  private endChunkSize(): void {
    if (this.chunkSize === 0) {
      this.state = S_TRAILER;
      this.lineLength = 0;
    } else {
      this.remaining = this.chunkSize;
      this.state = S_CHUNK_DATA;
    }
  }

  private complete(): void {
    this.state = S_HEAD;
    this.sink.onResponse(this.status, this.headerBytes, this.totalBytes, this.keepAlive);
  }

  private fail(reason: string): false {
    this.error = reason;
    return false;
  }

  /**
   * parseHead reads a status line and headers starting at `start`. Returns the index after the
   * blank line (also in headEnd), −1 when the head is incomplete, −2 on a malformed head.
   */
  private parseHead(buf: Buffer, start: number, end: number): number {
    if (end - start < 12) {
      // Too short to judge; but reject early if what is there cannot start a status line.
      const prefix = 'HTTP/1.';
      for (let i = 0; i < end - start && i < 7; i++) {
        if (buf[start + i] !== prefix.charCodeAt(i)) return this.headError();
      }
      return -1;
    }
    if (
      buf[start] !== 72 || // H
      buf[start + 1] !== 84 || // T
      buf[start + 2] !== 84 || // T
      buf[start + 3] !== 80 || // P
      buf[start + 4] !== 47 || // /
      buf[start + 5] !== 49 || // 1
      buf[start + 6] !== 46 || // .
      buf[start + 8] !== 32 // space
    ) {
      return this.headError();
    }
    const minor = buf[start + 7]! - 48;
    const d0 = buf[start + 9]! - 48;
    const d1 = buf[start + 10]! - 48;
    const d2 = buf[start + 11]! - 48;
    if (minor < 0 || minor > 1 || d0 < 1 || d0 > 5 || d1 < 0 || d1 > 9 || d2 < 0 || d2 > 9)
      return this.headError();
    this.status = d0 * 100 + d1 * 10 + d2;
    this.contentLength = -1;
    this.chunked = false;
    let close = false;
    let keepAliveToken = false;

    // Find the end of the status line, then walk header lines.
    let p = start + 12;
    while (p < end && buf[p] !== LF) p++;
    if (p >= end) return -1;
    p++;
    for (;;) {
      // p is at the start of a header line (or the blank line).
      let q = p;
      while (q < end && buf[q] !== LF) q++;
      if (q >= end) return -1;
      const lineEnd = q > p && buf[q - 1] === CR ? q - 1 : q;
      if (lineEnd === p) {
        this.headEnd = q + 1;
        break;
      }
      const first = buf[p]! | 0x20;
      if (first === 99 /* c */) {
        if (startsWithLower(buf, p, lineEnd, CONTENT_LENGTH)) {
          let v = p + CONTENT_LENGTH.length;
          while (v < lineEnd && (buf[v] === 32 || buf[v] === 9)) v++;
          let n = 0;
          let digits = 0;
          while (v < lineEnd && buf[v]! >= 48 && buf[v]! <= 57) {
            n = n * 10 + (buf[v]! - 48);
            v++;
            digits++;
          }
          while (v < lineEnd && (buf[v] === 32 || buf[v] === 9)) v++;
          if (digits === 0 || digits > 15 || v !== lineEnd) return this.headError('invalid Content-Length');
          if (this.contentLength >= 0 && this.contentLength !== n)
            return this.headError('conflicting Content-Length');
          this.contentLength = n;
        } else if (startsWithLower(buf, p, lineEnd, CONNECTION)) {
          if (containsLower(buf, p + CONNECTION.length, lineEnd, CLOSE)) close = true;
          if (containsLower(buf, p + CONNECTION.length, lineEnd, KEEP_ALIVE)) keepAliveToken = true;
        }
      } else if (first === 116 /* t */ && startsWithLower(buf, p, lineEnd, TRANSFER_ENCODING)) {
        if (containsLower(buf, p + TRANSFER_ENCODING.length, lineEnd, CHUNKED)) this.chunked = true;
      }
      p = q + 1;
      if (p - start > MAX_HEAD_BYTES) return this.headError('response head larger than 64 KiB');
    }
    this.keepAlive = minor === 1 ? !close : keepAliveToken && !close;
    return this.headEnd;
  }

  private headError(reason = 'malformed status line'): -2 {
    this.error = reason;
    return -2;
  }
}
