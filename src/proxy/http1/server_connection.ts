/**
 * Http1ServerConnection reads HTTP/1.1 requests from one downstream socket (plain or TLS), asks the
 * listener's dispatcher where each goes, and runs one Exchange at a time, so pipelined requests are
 * answered in order. Malformed heads and dispatcher errors become local replies through rescue().
 * @module
 */
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import { ProxyError, ProxyErrorCode, REASON_HEADER, rescue } from '../errors.js';
import type { RequestStats } from '../metrics/proxy_metrics.js';
import { type Downstream, Exchange, type ExchangeDeps, type Http1Target } from './exchange.js';
import type { ParseError } from './parser.js';
import { MAX_HEAD_BYTES, type RequestHead, parseRequestHead } from './parser.js';

/** Dispatch is the filter chain's verdict for one request. */
export type Dispatch =
  | { kind: 'forward'; target: Http1Target }
  | { kind: 'reply'; error: Error; stats: RequestStats }
  /** CONNECT: the socket leaves HTTP; `start` owns it from here with the bytes already read. */
  | { kind: 'tunnel'; start: (socket: Socket, rest: Buffer) => void };

export interface Http1Dispatcher {
  dispatch(head: RequestHead, conn: Http1ServerConnection): Dispatch;
  /** stats for requests refused before a cluster is known (malformed heads). */
  refusedStats(): RequestStats;
  readonly deps: ExchangeDeps;
  /** inbound listeners drop any x-forwarded-client-cert the caller sent. */
  readonly dropXfcc: boolean;
}

/** Pipelined bytes beyond this pause reading until the current exchange finishes. */
const PIPELINE_PAUSE_BYTES = 64 * 1024;

/** localReplyText renders a complete local reply (without the body for HEAD requests). */
export function localReplyText(
  status: number,
  reason: string,
  message: string,
  close: boolean,
  head = false,
): string {
  const body = `${message}\n`;
  return (
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Unknown'}\r\n` +
    `content-type: text/plain; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(body)}\r\n` +
    `${REASON_HEADER}: ${reason}\r\n${close ? 'connection: close\r\n' : ''}\r\n${head ? '' : body}`
  );
}

export class Http1ServerConnection implements Downstream {
  private pending: Buffer | null = null;
  private exchange: Exchange | null = null;
  private paused = false;
  private closing = false;
  private processing = false;
  private inputEnded = false;
  private readonly onData = (chunk: Buffer): void => this.data(chunk);
  private readonly onDrain = (): void => this.exchange?.onDownstreamDrain();
  private readonly onEnd = (): void => {
    // The client finished sending; answer what is in flight and pipelined, then close.
    this.inputEnded = true;
    if (!this.exchange) this.process();
  };
  private readonly onClose = (): void => {
    this.closing = true;
    this.exchange?.abort();
    this.exchange = null;
  };
  private readonly onError = (): void => {};

  constructor(
    readonly socket: Socket,
    private readonly dispatcher: Http1Dispatcher,
    initial?: Buffer,
    /** SPIFFE ID of the peer on inbound mTLS connections; empty on outbound. */
    readonly peer = '',
    /** the peer's instance (node id) from its certificate on inbound; empty on outbound. */
    readonly peerInstance = '',
  ) {
    socket.on('data', this.onData);
    socket.on('drain', this.onDrain);
    socket.on('end', this.onEnd);
    socket.on('close', this.onClose);
    socket.on('error', this.onError);
    if (initial && initial.length > 0) this.data(initial);
  }

  private append(b: Buffer): void {
    this.pending = this.pending ? Buffer.concat([this.pending, b]) : b;
  }

  private data(chunk: Buffer): void {
    if (this.closing) return;
    const ex = this.exchange;
    if (ex && ex.wantsBody) {
      const end = ex.onRequestBody(chunk, 0);
      if (end < chunk.length) this.append(end === 0 ? chunk : chunk.subarray(end));
    } else {
      this.append(chunk);
    }
    if (!this.exchange) this.process();
    else if (this.pending && this.pending.length > PIPELINE_PAUSE_BYTES) this.pauseReading();
  }

  private process(): void {
    if (this.processing) return;
    this.processing = true;
    try {
      while (!this.exchange && this.pending && !this.closing) {
        const buf = this.pending;
        let head: RequestHead | undefined;
        try {
          head = parseRequestHead(buf, this.dispatcher.dropXfcc);
        } catch (e) {
          const tooLarge = /too large/.test((e as Error).message);
          const code = tooLarge ? ProxyErrorCode.HeadersTooLarge : ProxyErrorCode.BadRequest;
          const err = new ProxyError(code, (e as ParseError).message, { cause: e });
          this.refuse(err, this.dispatcher.refusedStats(), true, undefined);
          return;
        }
        if (!head) {
          if (buf.length > MAX_HEAD_BYTES) this.pauseReading();
          break;
        }
        const d = this.dispatcher.dispatch(head, this);
        if (d.kind === 'reply') {
          const hasBody = head.chunked || head.contentLength > 0;
          this.refuse(d.error, d.stats, hasBody || !head.keepAlive, head);
          this.pending = buf.length > head.headLength ? buf.subarray(head.headLength) : null;
          continue;
        }
        if (d.kind === 'tunnel') {
          this.detach();
          this.pending = null;
          d.start(this.socket, buf.subarray(head.headLength));
          return;
        }
        const ex = new Exchange(this, head, d.target, this.dispatcher.deps);
        this.exchange = ex;
        this.pending = null;
        const end = ex.start(buf, head.headLength);
        if (end < buf.length) {
          const rest = buf.subarray(end);
          this.pending = this.pending ? Buffer.concat([rest, this.pending]) : rest;
        }
      }
    } finally {
      this.processing = false;
    }
    if (this.inputEnded && !this.exchange && !this.closing) this.shutdown();
  }

  /** refuse answers a request with a local reply without contacting any upstream. */
  private refuse(error: Error, stats: RequestStats, close: boolean, head: RequestHead | undefined): void {
    const reply = rescue(error);
    if (head) {
      this.dispatcher.deps.onLocalReply?.(head, reply.status, reply.reason, reply.message);
      this.dispatcher.deps.onAccess?.(head, reply.status, reply.reason, 0, '', '', 0, this.peer);
    }
    stats.done(reply.status, reply.reason, 0);
    this.writeReply(reply.status, reply.reason, reply.message, close, head?.method === 'HEAD');
    if (close) this.shutdown();
  }

  private shutdown(): void {
    this.closing = true;
    this.pending = null;
    this.socket.end();
  }

  private detach(): void {
    this.socket.removeListener('data', this.onData);
    this.socket.removeListener('drain', this.onDrain);
    this.socket.removeListener('end', this.onEnd);
    this.socket.removeListener('close', this.onClose);
    this.socket.removeListener('error', this.onError);
  }

  writeReply(status: number, reason: string, message: string, close: boolean, head = false): void {
    if (!this.socket.writable) return;
    this.socket.write(localReplyText(status, reason, message, close, head), 'utf8');
  }

  pauseReading(): void {
    if (!this.paused) {
      this.paused = true;
      this.socket.pause();
    }
  }

  resumeReading(): void {
    if (this.paused) {
      this.paused = false;
      this.socket.resume();
    }
  }

  exchangeDone(ex: Exchange, close: boolean): void {
    if (this.exchange !== ex) return;
    this.exchange = null;
    if (close || this.closing) {
      this.shutdown();
      return;
    }
    this.resumeReading();
    this.process();
  }
}
