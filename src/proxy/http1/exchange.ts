/**
 * Exchange: one HTTP/1.1 request forwarded to a cluster and its response forwarded back, on raw
 * sockets. Hot-path file (over the usual size): attempts with retries (connect failures for any
 * method; resets, 5xx and per-try timeouts for idempotent replayable requests, within the route's
 * budget), whole-request and per-try timeouts, request and response bodies streamed with backpressure
 * (framing passed through unchanged), keep-alive reuse, outlier reporting and stats.
 *
 *   downstream ──head+body──▶ Exchange ──▶ Http1Pool(endpoint) ──▶ upstream
 *   downstream ◀──head+body── Exchange ◀── UpstreamConnection ◀──── upstream
 * @module
 */
import type { Socket } from 'node:net';
import type { RetryPolicy } from '../../config/index.js';
import type { Clock, Timer } from '../clock.js';
import { ProxyError, ProxyErrorCode, rescue } from '../errors.js';
import type { Counter } from '../metrics/registry.js';
import type { RequestStats } from '../metrics/proxy_metrics.js';
import type { Cluster } from '../upstream/cluster.js';
import type { Endpoint } from '../upstream/endpoint.js';
import type { RetryBudget } from '../upstream/retry_budget.js';
import { BodyFramer, ParseError, type RequestHead, type ResponseHead, parseResponseHead } from './parser.js';
import type { Http1Pool, UpstreamConnection, UpstreamUser } from './upstream_pool.js';

/** Request bodies up to this size are kept so the request can be retried after a reset or 5xx. */
export const RETRY_BUFFER_BYTES = 64 * 1024;
/** Downstream reading pauses when this much body waits for an upstream connection. */
const QUEUE_PAUSE_BYTES = 256 * 1024;

const IDEMPOTENT = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE', 'TRACE']);

/** Http1Target is where the listener's filter chain decided the request goes. */
export interface Http1Target {
  cluster: Cluster;
  /** the full upstream request head, ending with the blank line (latin1 text, or the bytes received). */
  upstreamHead: string | Buffer;
  /** whole-request timeout; 0 = none. */
  timeoutMs: number;
  retry: RetryPolicy;
  budget: RetryBudget | undefined;
  stats: RequestStats;
}

/** Downstream is the side of the connection the request came from (see server_connection.ts). */
export interface Downstream {
  readonly socket: Socket;
  /** the caller's SPIFFE ID on inbound connections; empty on outbound. */
  readonly peer: string;
  pauseReading(): void;
  resumeReading(): void;
  /** exchangeDone is called once; `close` asks to close the connection after the response. */
  exchangeDone(exchange: Exchange, close: boolean): void;
  /** writeReply sends a local reply for this exchange (and closes when `close`). */
  writeReply(status: number, reason: string, message: string, close: boolean, head?: boolean): void;
}

export interface ExchangeDeps {
  clock: Clock;
  /** pool returns the HTTP/1.1 pool of an endpoint, creating it on first use. */
  pool(cluster: Cluster, endpoint: Endpoint): Http1Pool;
  retries(cluster: string, reason: string): Counter;
  budgetExhausted(cluster: string): Counter;
  onLocalReply?(head: RequestHead, status: number, reason: string, message: string): void;
  /** onAccess hears about every finished request when access logging is on. */
  onAccess?(
    head: RequestHead,
    status: number,
    reason: string,
    us: number,
    cluster: string,
    upstream: string,
    tries: number,
    peer: string,
  ): void;
}

export class Exchange implements UpstreamUser {
  private finished = false;
  private inAttempt = false;
  private readonly idempotent: boolean;
  private readonly reqFramer: BodyFramer;
  private queue: Buffer[] = [];
  private queuedBytes = 0;
  private retained: Buffer[] | null = [];
  private retainedBytes = 0;
  private sentAny = false;
  private headSent = false;
  private upstream: UpstreamConnection | undefined;
  private endpoint: Endpoint | undefined;
  private tries = 0;
  private resPending: Buffer | null = null;
  private resHead: ResponseHead | undefined;
  private resFramer: BodyFramer | undefined;
  private responseStarted = false;
  private closeDownstream = false;
  private upstreamPaused = false;
  private readonly startMs: number;
  private readonly deadline: number;
  private timer: Timer | undefined;
  private tryTimer: Timer | undefined;

  constructor(
    private readonly down: Downstream,
    readonly head: RequestHead,
    private readonly target: Http1Target,
    private readonly deps: ExchangeDeps,
  ) {
    this.idempotent = IDEMPOTENT.has(head.method);
    this.reqFramer = head.chunked
      ? new BodyFramer('chunked')
      : head.contentLength > 0
        ? new BodyFramer('length', head.contentLength)
        : new BodyFramer('none');
    this.startMs = deps.clock.now();
    this.deadline = target.timeoutMs > 0 ? this.startMs + target.timeoutMs : Infinity;
    if (target.timeoutMs > 0) this.timer = deps.clock.setTimer(() => this.onTimeout(false), target.timeoutMs);
    target.budget?.recordRequest();
  }

  /** abandoned tells the pool that a connection dialled for this exchange is no longer wanted. */
  get abandoned(): boolean {
    return this.finished;
  }

  /** wantsBody is true while request body bytes are still expected from downstream. */
  get wantsBody(): boolean {
    return !this.reqFramer.done;
  }

  /**
   * start consumes the body bytes that arrived with the head (from `offset`), dispatches the first
   * attempt, and returns where the body ended in `buf` (later bytes are a pipelined request).
   */
  start(buf: Buffer, offset: number): number {
    const end = offset < buf.length ? this.onRequestBody(buf, offset) : offset;
    this.attempt();
    return end;
  }

  /** onRequestBody takes body bytes from `buf[offset..]` and returns the offset where the body ended. */
  onRequestBody(buf: Buffer, offset = 0): number {
    if (this.reqFramer.done) return offset;
    let end: number;
    try {
      end = this.reqFramer.feed(buf, offset, buf.length);
    } catch (e) {
      this.fail(new ProxyError(ProxyErrorCode.BadRequest, (e as Error).message, { cause: e }));
      return buf.length;
    }
    const stop = end < 0 ? buf.length : end;
    if (stop > offset) this.sendBody(offset === 0 && stop === buf.length ? buf : buf.subarray(offset, stop));
    return stop;
  }

  private sendBody(chunk: Buffer): void {
    if (this.retained) {
      this.retainedBytes += chunk.length;
      if (this.retainedBytes <= RETRY_BUFFER_BYTES) this.retained.push(chunk);
      else this.retained = null;
    }
    if (this.headSent && this.upstream) {
      this.sentAny = true;
      if (!this.upstream.socket.write(chunk)) this.down.pauseReading();
      return;
    }
    this.queue.push(chunk);
    this.queuedBytes += chunk.length;
    if (this.queuedBytes > QUEUE_PAUSE_BYTES) this.down.pauseReading();
  }

  private attempt(): void {
    if (this.finished) return;
    const cluster = this.target.cluster;
    const ep = cluster.pick(this.endpoint);
    if (!ep) {
      this.fail(
        new ProxyError(ProxyErrorCode.NoHealthyUpstream, `cluster ${cluster.name} has no healthy endpoint`),
      );
      return;
    }
    this.endpoint = ep;
    this.tries++;
    ep.active++;
    this.inAttempt = true;
    const perTry = this.target.retry.per_try_timeout_ms;
    if (perTry > 0) this.tryTimer = this.deps.clock.setTimer(() => this.onTimeout(true), perTry);
    this.deps.pool(cluster, ep).acquire(this, cluster.mtls, 'http/1.1', cluster.connectTimeoutMs);
  }

  /** endAttempt settles the current endpoint's bookkeeping; `failed` feeds outlier detection. */
  private endAttempt(failed: boolean | undefined): void {
    this.tryTimer?.cancel();
    this.tryTimer = undefined;
    const ep = this.endpoint;
    if (!ep || !this.inAttempt) return;
    this.inAttempt = false;
    ep.active--;
    if (failed === true) this.target.cluster.reportFailure(ep);
    else if (failed === false) this.target.cluster.reportSuccess(ep);
  }

  onUpstreamReady(conn: UpstreamConnection): void {
    if (this.finished) {
      conn.release(0);
      return;
    }
    this.upstream = conn;
    const s = conn.socket;
    this.headSent = true;
    const head = this.target.upstreamHead;
    if (this.queue.length === 0) {
      if (typeof head === 'string') s.write(head, 'latin1');
      else s.write(head);
    } else {
      this.sentAny = true;
      s.cork();
      if (typeof head === 'string') s.write(head, 'latin1');
      else s.write(head);
      for (const b of this.queue) s.write(b);
      s.uncork();
      const wasFull = this.queuedBytes > QUEUE_PAUSE_BYTES;
      this.queue = [];
      this.queuedBytes = 0;
      if (wasFull) this.down.resumeReading();
    }
  }

  onUpstreamFailed(err: Error): void {
    if (this.finished) return;
    this.endAttempt(true);
    if (!this.retry('connect_failure')) this.fail(err);
  }

  onUpstreamDrain(): void {
    this.down.resumeReading();
  }

  /** onDownstreamDrain resumes the upstream once the downstream has taken what was written. */
  onDownstreamDrain(): void {
    if (this.upstreamPaused && this.upstream) {
      this.upstreamPaused = false;
      this.upstream.socket.resume();
    }
  }

  private writeDown(chunk: Buffer | string): void {
    const ok =
      typeof chunk === 'string' ? this.down.socket.write(chunk, 'latin1') : this.down.socket.write(chunk);
    if (!ok && this.upstream && !this.upstreamPaused) {
      this.upstreamPaused = true;
      this.upstream.socket.pause();
    }
  }

  onUpstreamData(chunk: Buffer): void {
    if (this.finished) return;
    if (this.resFramer === undefined) {
      this.onResponseHeadData(chunk);
      return;
    }
    let end: number;
    try {
      end = this.resFramer.feed(chunk, 0, chunk.length);
    } catch (e) {
      this.upstreamBroken(e as Error);
      return;
    }
    if (end < 0) {
      this.writeDown(chunk);
      return;
    }
    if (end > 0) this.writeDown(end === chunk.length ? chunk : chunk.subarray(0, end));
    this.complete(end === chunk.length);
  }

  private onResponseHeadData(chunk: Buffer): void {
    const buf = this.resPending ? Buffer.concat([this.resPending, chunk]) : chunk;
    let head: ResponseHead | undefined;
    try {
      head = parseResponseHead(buf);
    } catch (e) {
      this.upstreamBroken(e as Error);
      return;
    }
    if (!head) {
      this.resPending = buf;
      return;
    }
    this.resPending = null;
    if (head.status < 200) {
      if (head.status === 101) {
        this.upstreamBroken(new ParseError('upstream switched protocols without an upgrade request'));
        return;
      }
      this.responseStarted = true;
      this.writeDown(buf.subarray(0, head.headLength));
      if (buf.length > head.headLength) this.onResponseHeadData(buf.subarray(head.headLength));
      return;
    }
    if (head.status >= 500 && !this.responseStarted) {
      // Decide before a byte goes downstream: a retry replaces this response entirely.
      const conn = this.upstream;
      this.upstream = undefined;
      this.endAttempt(true);
      if (this.retry('5xx')) {
        conn?.destroy();
        return;
      }
      this.upstream = conn;
    }
    this.resHead = head;
    const m = this.head.method;
    const noBody = m === 'HEAD' || head.status === 204 || head.status === 304;
    this.resFramer = noBody
      ? new BodyFramer('none')
      : head.chunked
        ? new BodyFramer('chunked')
        : head.contentLength >= 0
          ? new BodyFramer('length', head.contentLength)
          : new BodyFramer('close');
    this.closeDownstream =
      !this.head.keepAlive ||
      this.head.minor === 0 ||
      this.resFramer.kind === 'close' ||
      this.reqFramer.done === false;
    this.responseStarted = true;
    let end: number;
    try {
      end = this.resFramer.feed(buf, head.headLength, buf.length);
    } catch (e) {
      this.upstreamBroken(e as Error);
      return;
    }
    const bodyEnd = end < 0 ? buf.length : end;
    if ((head.unchanged || head.onlyKeepAlive) && !this.closeDownstream) {
      this.writeDown(bodyEnd === buf.length ? buf : buf.subarray(0, bodyEnd));
    } else {
      const extra = this.closeDownstream ? 'connection: close\r\n' : '';
      const rewritten = `${head.statusLine}${head.forwarded}${extra}\r\n`;
      const bodyBytes = bodyEnd - head.headLength;
      // One write (one syscall) for the head and a small first body part.
      if (bodyBytes > 0 && bodyBytes <= 16384)
        this.writeDown(rewritten + buf.toString('latin1', head.headLength, bodyEnd));
      else {
        this.writeDown(rewritten);
        if (bodyBytes > 0) this.writeDown(buf.subarray(head.headLength, bodyEnd));
      }
    }
    if (end >= 0) this.complete(end === buf.length);
  }

  /** complete finishes a fully forwarded response; `clean` is false when extra bytes followed it. */
  private complete(clean: boolean): void {
    const head = this.resHead!;
    const failed = head.status >= 500;
    this.endAttempt(failed);
    const conn = this.upstream;
    this.upstream = undefined;
    if (conn) {
      if (this.upstreamPaused) conn.socket.resume();
      const reusable = clean && head.keepAlive && this.reqFramer.done && this.resFramer!.kind !== 'close';
      if (reusable) conn.release(head.keepAliveTimeoutMs);
      else conn.destroy();
    }
    this.finish(head.status, '');
    this.down.exchangeDone(this, this.closeDownstream);
  }

  onUpstreamClose(err: Error | undefined): void {
    if (this.finished) return;
    this.upstream = undefined;
    if (this.resFramer?.kind === 'close' && this.resHead) {
      this.complete(true);
      return;
    }
    this.upstreamBroken(err ?? new Error('upstream closed the connection'));
  }

  /** upstreamBroken handles a reset or protocol error on the upstream connection. */
  private upstreamBroken(cause: Error): void {
    this.upstream?.destroy();
    this.upstream = undefined;
    this.endAttempt(true);
    if (this.responseStarted) {
      this.finish(this.resHead?.status ?? 502, 'upstream_reset');
      this.down.socket.destroy();
      this.down.exchangeDone(this, true);
      return;
    }
    if (this.retry('reset')) return;
    const code = cause instanceof ParseError ? ProxyErrorCode.UpstreamProtocol : ProxyErrorCode.UpstreamReset;
    this.fail(new ProxyError(code, `upstream ${this.where()}: ${cause.message}`, { cause }));
  }

  private where(): string {
    const ep = this.endpoint;
    return ep ? `${ep.address}:${ep.port}` : this.target.cluster.name;
  }

  private onTimeout(perTry: boolean): void {
    if (this.finished) return;
    const conn = this.upstream;
    this.upstream = undefined;
    this.resPending = null;
    if (!this.responseStarted) {
      conn?.destroy();
      this.endAttempt(true);
      if (perTry && this.retry('per_try_timeout')) return;
      const ms = perTry ? this.target.retry.per_try_timeout_ms : this.target.timeoutMs;
      this.fail(
        new ProxyError(ProxyErrorCode.UpstreamTimeout, `no response from ${this.where()} within ${ms} ms`),
      );
      return;
    }
    conn?.destroy();
    this.endAttempt(true);
    this.finish(this.resHead?.status ?? 504, 'upstream_timeout');
    this.down.socket.destroy();
    this.down.exchangeDone(this, true);
  }

  /** retry starts another attempt when policy, replayability, deadline and budget allow it. */
  private retry(reason: 'connect_failure' | 'reset' | '5xx' | 'per_try_timeout'): boolean {
    if (this.finished || this.responseStarted) return false;
    if (this.tries > this.target.retry.max_retries) return false;
    const replayable = this.retained !== null || !this.sentAny;
    if (!replayable) return false;
    if (reason !== 'connect_failure' && !this.idempotent) return false;
    if (this.deps.clock.now() >= this.deadline) return false;
    const name = this.target.cluster.name;
    if (this.target.budget && !this.target.budget.tryRetry()) {
      this.deps.budgetExhausted(name).inc();
      return false;
    }
    this.deps.retries(name, reason).inc();
    if (this.retained && this.sentAny) {
      this.queue = this.retained.slice();
      this.queuedBytes = this.retainedBytes;
    }
    this.headSent = false;
    this.resFramer = undefined;
    this.resHead = undefined;
    this.attempt();
    return true;
  }

  /** fail answers with the local reply that rescue picks for `err`. */
  private fail(err: Error): void {
    if (this.finished) return;
    const conn = this.upstream;
    this.upstream = undefined;
    conn?.destroy();
    this.endAttempt(undefined);
    const reply = rescue(err);
    this.deps.onLocalReply?.(this.head, reply.status, reply.reason, reply.message);
    this.finish(reply.status, reply.reason);
    if (this.responseStarted) {
      this.down.socket.destroy();
      this.down.exchangeDone(this, true);
      return;
    }
    this.responseStarted = true;
    const close = !this.head.keepAlive || !this.reqFramer.done;
    this.down.writeReply(reply.status, reply.reason, reply.message, close, this.head.method === 'HEAD');
    this.down.exchangeDone(this, close);
  }

  private finish(status: number, reason: string): void {
    this.finished = true;
    this.timer?.cancel();
    this.tryTimer?.cancel();
    const us = Math.round((this.deps.clock.now() - this.startMs) * 1000);
    const ep = this.endpoint;
    this.target.stats.done(status, reason, us, ep?.instance);
    this.deps.onAccess?.(
      this.head,
      status,
      reason,
      us,
      this.target.cluster.name,
      ep ? `${ep.address}:${ep.port}` : '',
      this.tries,
      this.down.peer,
    );
  }

  /** abort drops the exchange because the downstream went away. */
  abort(): void {
    if (this.finished) return;
    const conn = this.upstream;
    this.upstream = undefined;
    conn?.destroy();
    this.endAttempt(undefined);
    this.finish(0, 'downstream_disconnect');
  }
}
