/**
 * Connection: one keep-alive HTTP/1.1 connection of a load run (hot path). It owns a plain or TLS
 * socket, a ResponseParser and a ring of the requests in flight (scheduled time, send time,
 * measured flag in typed arrays), writes prepared request bytes, and reports every response and
 * every failed request to its host. Plain sockets read into one shared buffer (`onread`), so
 * reading allocates nothing.
 * @module
 */
import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';
import { performance } from 'node:perf_hooks';
import { ResponseParser, type ResponseSink } from './parser.js';
import type { ErrorKind } from './result.js';

/** Endpoint is where connections dial, resolved once per run. */
export interface Endpoint {
  address: string;
  port: number;
  tls: null | {
    servername?: string;
    ca?: string;
    cert?: string;
    key?: string;
    rejectUnauthorized: boolean;
  };
}

/** ConnectionHost is the run engine a connection reports to. */
export interface ConnectionHost {
  readonly endpoint: Endpoint;
  /** k back-to-back copies of the request. */
  batch(k: number): Buffer;
  onResponse(
    conn: Connection,
    status: number,
    headerBytes: number,
    totalBytes: number,
    scheduled: number,
    sent: number,
    measured: boolean,
    now: number,
  ): void;
  onFailure(
    conn: Connection,
    kind: ErrorKind,
    scheduled: number,
    sent: number,
    measured: boolean,
    now: number,
  ): void;
  onErrorSample(kind: ErrorKind, message: string): void;
  onConnected(conn: Connection, micros: number, now: number): void;
  /** The chunk just read was processed: the connection may take more requests. */
  onDrained(conn: Connection, now: number): void;
  /** The socket is gone (closed by either side); the host decides whether to reopen. */
  onClosed(conn: Connection, now: number): void;
  /** Latest TLS session, reused by reconnects. */
  tlsSession: Buffer | undefined;
}

/** One read buffer shared by every plain connection: reads are processed synchronously, one at a time. */
const sharedReadBuffer = Buffer.allocUnsafe(256 * 1024);

const tlsCodes = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'HOSTNAME_MISMATCH',
]);

/** classifyError maps a socket error to the kind it is counted under. */
export function classifyError(error: (Error & { code?: string }) | null): ErrorKind {
  const code = error?.code ?? '';
  if (!error) return 'closed';
  if (code === 'ECONNREFUSED') return 'refused';
  if (code === 'ECONNRESET' || code === 'EPIPE') return 'reset';
  if (code === 'ETIMEDOUT') return 'timeout';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'dns';
  if (/^ERR_(SSL|TLS)/.test(code) || tlsCodes.has(code) || /ssl|tls|certificate/i.test(error.message))
    return 'tls';
  return 'other';
}

export class Connection implements ResponseSink {
  readonly index: number;
  socket: Socket | TLSSocket | null = null;
  connected = false;
  /** The server announced close: no more requests go on this socket. */
  closing = false;
  /** Requests in flight. */
  count = 0;
  /** In the host's idle queue (open loop). */
  queued = false;
  /** Sockets opened over the run. */
  opened = 0;

  private readonly host: ConnectionHost;
  private readonly depth: number;
  private readonly scheduled: Float64Array;
  private readonly sent: Float64Array;
  private readonly measured: Uint8Array;
  private head = 0;
  private readonly parser: ResponseParser;
  private now = 0;
  private connectStart = 0;
  private lastError: (Error & { code?: string }) | null = null;
  private unsolicited = false;

  constructor(host: ConnectionHost, index: number, depth: number, noBody: boolean) {
    this.host = host;
    this.index = index;
    this.depth = depth;
    this.scheduled = new Float64Array(depth);
    this.sent = new Float64Array(depth);
    this.measured = new Uint8Array(depth);
    this.parser = new ResponseParser(this);
    this.parser.noBody = noBody;
  }

  /** available tells whether the connection can take another request now. */
  get available(): boolean {
    return this.socket !== null && !this.closing && this.count < this.depth;
  }

  /** oldestSent is the send time of the oldest request in flight (NaN when none). */
  get oldestSent(): number {
    return this.count > 0 ? this.sent[this.head]! : NaN;
  }

  /** open dials a new socket; requests written before it connects are buffered by Node. */
  open(): void {
    const { endpoint } = this.host;
    this.connectStart = performance.now();
    this.connected = false;
    this.closing = false;
    this.lastError = null;
    this.unsolicited = false;
    this.parser.reset();
    this.opened++;
    let socket: Socket | TLSSocket;
    if (endpoint.tls === null) {
      socket = netConnect({
        host: endpoint.address,
        port: endpoint.port,
        noDelay: true,
        onread: {
          buffer: sharedReadBuffer,
          callback: (n: number, buf: Uint8Array): boolean => {
            if (socket === this.socket) this.onRead(buf as Buffer, n);
            return true;
          },
        },
      });
      socket.once('connect', () => this.onConnect(socket));
    } else {
      const t = endpoint.tls;
      socket = tlsConnect({
        host: endpoint.address,
        port: endpoint.port,
        servername: t.servername,
        ca: t.ca,
        cert: t.cert,
        key: t.key,
        rejectUnauthorized: t.rejectUnauthorized,
        session: this.host.tlsSession,
        ALPNProtocols: ['http/1.1'],
      });
      socket.setNoDelay(true);
      socket.once('secureConnect', () => this.onConnect(socket));
      socket.on('session', (session: Buffer) => (this.host.tlsSession = session));
      socket.on('data', (chunk: Buffer) => {
        if (socket === this.socket) this.onRead(chunk, chunk.length);
      });
    }
    socket.on('error', (error: Error & { code?: string }) => {
      if (socket === this.socket) this.lastError = error;
    });
    socket.on('close', () => {
      if (socket === this.socket) this.onSocketClose();
    });
    this.socket = socket;
  }

  /** push records a request about to be written; `write` sends the batch. */
  push(scheduled: number, sent: number, measured: boolean): void {
    let i = this.head + this.count;
    if (i >= this.depth) i -= this.depth;
    this.scheduled[i] = scheduled;
    this.sent[i] = sent;
    this.measured[i] = measured ? 1 : 0;
    this.count++;
  }

  /** write sends the last k pushed requests in one write. */
  write(k: number): void {
    this.socket!.write(this.host.batch(k));
  }

  /** expire fails every request in flight as a timeout and replaces the socket. */
  expire(now: number): void {
    this.drop('timeout', now, null);
  }

  /** close ends the socket without counting anything (end of run). */
  close(): void {
    this.parser.halted = true;
    const socket = this.socket;
    this.socket = null;
    this.count = 0;
    if (socket) socket.destroy();
  }

  private onConnect(socket: Socket | TLSSocket): void {
    if (socket !== this.socket) return;
    this.connected = true;
    const now = performance.now();
    this.host.onConnected(this, Math.round((now - this.connectStart) * 1000), now);
  }

  private onRead(buf: Buffer, n: number): void {
    const now = performance.now();
    this.now = now;
    if (!this.parser.execute(buf, 0, n)) {
      this.host.onErrorSample('parse', this.parser.error);
      this.drop('parse', now, null);
      return;
    }
    if (this.unsolicited) {
      this.host.onErrorSample('parse', 'response received without a request');
      this.drop('parse', now, null);
      return;
    }
    if (this.socket !== null) this.host.onDrained(this, now);
  }

  /** onResponse is the parser's callback for each complete response. */
  onResponse(status: number, headerBytes: number, totalBytes: number, keepAlive: boolean): void {
    if (this.count === 0) {
      this.unsolicited = true;
      this.parser.halted = true;
      return;
    }
    const i = this.head;
    this.head = i + 1 === this.depth ? 0 : i + 1;
    this.count--;
    if (!keepAlive) this.closing = true;
    this.host.onResponse(
      this,
      status,
      headerBytes,
      totalBytes,
      this.scheduled[i]!,
      this.sent[i]!,
      this.measured[i] === 1,
      this.now,
    );
  }

  private onSocketClose(): void {
    const now = performance.now();
    this.now = now;
    this.parser.finish(); // completes a body that ends at close
    const kind = classifyError(this.lastError);
    if (this.count > 0 && this.lastError) this.host.onErrorSample(kind, this.lastError.message);
    this.drop(kind, now, this.lastError);
  }

  /** drop fails the requests in flight with `kind`, discards the socket and tells the host. */
  private drop(kind: ErrorKind, now: number, _cause: Error | null): void {
    const socket = this.socket;
    this.socket = null;
    this.connected = false;
    let n = this.count;
    this.count = 0;
    let i = this.head;
    while (n-- > 0) {
      this.host.onFailure(this, kind, this.scheduled[i]!, this.sent[i]!, this.measured[i] === 1, now);
      if (++i === this.depth) i = 0;
    }
    this.head = 0;
    this.parser.reset();
    if (socket && !socket.destroyed) socket.destroy();
    this.host.onClosed(this, now);
  }
}
