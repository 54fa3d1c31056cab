/**
 * Http2Gateway serves HTTP/2 downstream connections (h2c with prior knowledge from the app on the
 * outbound listener, h2 over mTLS from peer sidecars on the inbound one) and forwards each stream
 * over an HTTP/2 session to the chosen endpoint, trailers included, so gRPC passes through.
 * Connect failures are retried on another endpoint; local replies carry the reason header and, for
 * gRPC requests, grpc-status.
 * @module
 */
import {
  type ClientHttp2Stream,
  type Http2Stream,
  type Http2Server,
  type IncomingHttpHeaders,
  type OutgoingHttpHeaders,
  type ServerHttp2Session,
  type ServerHttp2Stream,
  constants,
  createServer,
} from 'node:http2';
import type { Socket } from 'node:net';
import { ProxyError, ProxyErrorCode, REASON_HEADER, rescue } from '../errors.js';
import type { ChainError } from '../filters/chain.js';
import { type Decision, type RequestInfo, decideInbound, decideOutbound } from '../filters/chain.js';
import { XFCC_HEADER } from '../http1/dispatchers.js';
import type { ListenerContext } from '../listeners/context.js';
import type { Endpoint } from '../upstream/endpoint.js';

/** Headers that never cross an HTTP/2 hop (connection-specific, RFC 9113 §8.2.2). */
const HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'host']);

/** gRPC status for each local-reply HTTP status (gRPC's HTTP-to-status mapping). */
function grpcStatus(status: number): number {
  if (status === 403) return 7; // PERMISSION_DENIED
  if (status === 404) return 12; // UNIMPLEMENTED
  if (status === 504) return 4; // DEADLINE_EXCEEDED
  if (status === 400) return 13; // INTERNAL
  return 14; // UNAVAILABLE
}

function copyHeaders(h: IncomingHttpHeaders, skip: ReadonlySet<string>): OutgoingHttpHeaders {
  const out: OutgoingHttpHeaders = {};
  for (const k of Object.keys(h)) {
    if (k.charCodeAt(0) === 58 || HOP.has(k) || skip.has(k)) continue;
    out[k] = h[k];
  }
  return out;
}

/**
 * copyRawHeaders copies request header fields as received (name, value, …), a field sent several
 * times staying several fields: the parsed object joins them into one value, which would change
 * what header matches see at the next hop.
 */
function copyRawHeaders(raw: readonly string[], skip: ReadonlySet<string>): OutgoingHttpHeaders {
  const out: OutgoingHttpHeaders = {};
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const k = raw[i]!;
    if (k.charCodeAt(0) === 58 || HOP.has(k) || skip.has(k)) continue;
    const v = raw[i + 1]!;
    const prev = out[k];
    out[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [String(prev), v];
  }
  return out;
}

const NONE = new Set<string>();
const INBOUND_SKIP = new Set([XFCC_HEADER]);

class StreamView implements RequestInfo {
  readonly path: string;
  constructor(
    /** name, value, name, value…: each header field as received (the parsed object joins repeats). */
    private readonly rawHeaders: readonly string[],
    readonly method: string,
    readonly authority: string,
    readonly target: string,
    readonly peer: string,
    readonly peerInstance: string,
  ) {
    const q = target.indexOf('?');
    this.path = q < 0 ? target : target.slice(0, q);
  }
  headerValues(name: string): readonly string[] {
    const out: string[] = [];
    const raw = this.rawHeaders;
    for (let i = 0; i + 1 < raw.length; i += 2) if (raw[i] === name) out.push(raw[i + 1]!);
    return out;
  }
}

export class Http2Gateway {
  private readonly server: Http2Server;
  private readonly peers = new WeakMap<ServerHttp2Session, { peer: string; instance: string }>();
  private pendingPeer = { peer: '', instance: '' };
  private readonly sessions = new Set<ServerHttp2Session>();

  constructor(
    private readonly ctx: ListenerContext,
    private readonly direction: 'inbound' | 'outbound',
  ) {
    this.server = createServer({ maxSessionMemory: 64 });
    this.server.on('session', (s: ServerHttp2Session) => {
      this.peers.set(s, this.pendingPeer);
      this.sessions.add(s);
      s.on('close', () => this.sessions.delete(s));
      s.on('error', () => {});
    });
    this.server.on(
      'stream',
      (stream: ServerHttp2Stream, headers: IncomingHttpHeaders, flags: number, rawHeaders: string[]) =>
        this.onStream(stream, headers, (flags & constants.NGHTTP2_FLAG_END_STREAM) !== 0, rawHeaders),
    );
  }

  /** accept takes over a socket whose first bytes (`initial`, already read) are the HTTP/2 preface. */
  accept(socket: Socket, peer: string, initial?: Buffer, peerInstance = ''): void {
    // Paused, so nothing more is read into JS before the HTTP/2 session takes the socket over.
    socket.pause();
    if (initial && initial.length > 0) socket.unshift(initial);
    this.pendingPeer = { peer, instance: peerInstance };
    this.server.emit('connection', socket);
    this.pendingPeer = { peer: '', instance: '' };
  }

  /** close ends every session gracefully (open streams finish). */
  close(): void {
    for (const s of this.sessions) s.close();
  }

  private onStream(
    stream: ServerHttp2Stream,
    headers: IncomingHttpHeaders,
    noBody: boolean,
    rawHeaders: readonly string[],
  ): void {
    const ctx = this.ctx;
    const start = ctx.clock.now();
    const method = String(headers[':method'] ?? 'GET');
    const path = String(headers[':path'] ?? '/');
    const authority = String(headers[':authority'] ?? headers.host ?? '');
    const { peer, instance: peerInstance } = this.peers.get(stream.session as ServerHttp2Session) ?? {
      peer: '',
      instance: '',
    };
    const isGrpc = String(headers['content-type'] ?? '').startsWith('application/grpc');
    stream.on('error', () => {});
    let decision: Decision;
    const view = new StreamView(rawHeaders, method, authority, path, peer, peerInstance);
    try {
      decision =
        this.direction === 'outbound'
          ? decideOutbound(ctx.snapshot(), ctx.config(), view, ctx.metrics)
          : decideInbound(ctx.snapshot(), ctx.config(), view, ctx.metrics);
    } catch (e) {
      const ce = e as ChainError;
      this.localReply(stream, ce.error ?? e, isGrpc, view);
      const r = rescue(ce.error ?? e);
      (ce.stats ?? ctx.metrics.forRequests(this.direction, '', '')).done(r.status, r.reason, 0);
      return;
    }
    const out = copyRawHeaders(rawHeaders, this.direction === 'inbound' ? INBOUND_SKIP : NONE);
    out[':method'] = method;
    out[':path'] = path;
    out[':authority'] = authority;
    out[':scheme'] = 'http';
    if (this.direction === 'inbound') out[XFCC_HEADER] = `By=${ctx.identity.spiffeId};URI=${peer}`;
    new StreamForward(ctx, stream, out, decision, isGrpc, noBody, view, start, (s, e, g, v) =>
      this.localReply(s, e, g, v),
    ).attempt();
  }

  private localReply(stream: ServerHttp2Stream, err: unknown, isGrpc: boolean, view: StreamView): void {
    const reply = rescue(err);
    this.ctx.localReply({
      listener: this.ctx.name,
      method: view.method,
      authority: view.authority,
      path: view.path,
      status: reply.status,
      reason: reply.reason,
      message: reply.message,
    });
    if (stream.destroyed || stream.headersSent) {
      stream.close(constants.NGHTTP2_INTERNAL_ERROR);
      return;
    }
    const h: OutgoingHttpHeaders = {
      ':status': reply.status,
      'content-type': 'text/plain; charset=utf-8',
      [REASON_HEADER]: reply.reason,
    };
    if (isGrpc) {
      h['grpc-status'] = String(grpcStatus(reply.status));
      h['grpc-message'] = encodeURIComponent(reply.message);
      stream.respond(h, { endStream: true });
      return;
    }
    stream.respond(h);
    stream.end(`${reply.message}\n`);
  }
}

/**
 * relay copies one HTTP/2 stream's body into another with backpressure, ending the target when the
 * source ends (lighter than pipe(), which a stream proxy pays for twice per request).
 */
function relay(from: Http2Stream, to: Http2Stream): void {
  from.on('data', (chunk: Buffer) => {
    if (!to.write(chunk)) {
      from.pause();
      to.once('drain', () => from.resume());
    }
  });
  from.on('end', () => to.end());
}

/** StreamForward is one downstream stream being forwarded, with its attempts. */
class StreamForward {
  private tries = 0;
  private last: Endpoint | undefined;
  private status = 0;
  private reason = '';
  private done = false;
  private upstream: ClientHttp2Stream | undefined;

  constructor(
    private readonly ctx: ListenerContext,
    private readonly stream: ServerHttp2Stream,
    private readonly headers: OutgoingHttpHeaders,
    private readonly d: Decision,
    private readonly isGrpc: boolean,
    private readonly noBody: boolean,
    private readonly view: StreamView,
    private readonly start: number,
    private readonly reply: (s: ServerHttp2Stream, e: unknown, grpc: boolean, v: StreamView) => void,
  ) {
    stream.pause();
    stream.on('close', () => {
      if (this.upstream && !this.upstream.closed) this.upstream.close(constants.NGHTTP2_CANCEL);
      this.finish(this.status || 0, this.status ? this.reason : 'downstream_disconnect');
    });
    if (d.timeoutMs > 0) {
      const t = ctx.clock.setTimer(() => {
        if (this.done || stream.headersSent) {
          if (!this.done && !stream.closed) stream.close(constants.NGHTTP2_CANCEL);
          return;
        }
        this.upstream?.close(constants.NGHTTP2_CANCEL);
        this.fail(new ProxyError(ProxyErrorCode.UpstreamTimeout, `no response within ${d.timeoutMs} ms`));
      }, d.timeoutMs);
      stream.on('close', () => t.cancel());
    }
  }

  private finish(status: number, reason: string): void {
    if (this.done) return;
    this.done = true;
    const us = Math.round((this.ctx.clock.now() - this.start) * 1000);
    const ep = this.last;
    this.d.stats.done(status, reason, us, ep?.instance);
    this.ctx.accessLog?.({
      listener: this.ctx.name,
      protocol: 'HTTP/2',
      method: this.view.method,
      authority: this.view.authority,
      path: this.view.path,
      status,
      reason,
      durationUs: us,
      cluster: this.d.cluster.name,
      upstream: ep ? `${ep.address}:${ep.port}` : '',
      peer: this.view.peer,
      tries: this.tries,
    });
  }

  private fail(err: Error): void {
    const r = rescue(err);
    this.status = r.status;
    this.reason = r.reason;
    this.reply(this.stream, err, this.isGrpc, this.view);
  }

  attempt(): void {
    const cluster = this.d.cluster;
    const ep = cluster.pick(this.last);
    if (!ep) {
      this.fail(
        new ProxyError(ProxyErrorCode.NoHealthyUpstream, `cluster ${cluster.name} has no healthy endpoint`),
      );
      return;
    }
    this.last = ep;
    this.tries++;
    const pool = this.ctx.http2Pool(cluster, ep);
    pool.get(cluster.mtls, cluster.connectTimeoutMs, (err, session) => {
      if (this.stream.closed || this.status) return;
      if (err || !session) {
        cluster.reportFailure(ep);
        if (this.tries <= this.d.retry.max_retries && this.d.budget?.tryRetry() !== false) {
          this.ctx.metrics.retries.get(cluster.name, 'connect_failure').inc();
          this.attempt();
        } else this.fail(err ?? new Error('no session'));
        return;
      }
      this.forward(session.request(this.headers, { endStream: this.noBody }), ep, pool);
    });
  }

  private forward(
    up: ClientHttp2Stream,
    ep: Endpoint,
    pool: { streamOpened(): void; streamClosed(): void },
  ): void {
    const down = this.stream;
    const cluster = this.d.cluster;
    this.upstream = up;
    ep.active++;
    pool.streamOpened();
    let trailers: OutgoingHttpHeaders | undefined;
    up.on('error', () => {});
    if (!this.noBody) relay(down, up);
    down.resume();
    up.on('response', (h, flags) => {
      const status = Number(h[':status'] ?? 502);
      this.status = status;
      if (status >= 500) cluster.reportFailure(ep);
      else cluster.reportSuccess(ep);
      const out = copyHeaders(h, NONE);
      out[':status'] = status;
      const endStream = (flags & constants.NGHTTP2_FLAG_END_STREAM) !== 0;
      if (down.closed) return;
      down.respond(out, { endStream, waitForTrailers: !endStream });
      if (!endStream) relay(up, down);
    });
    up.on('trailers', (t) => (trailers = copyHeaders(t, NONE)));
    down.on('wantTrailers', () => down.sendTrailers(trailers ?? {}));
    up.on('close', () => {
      ep.active--;
      pool.streamClosed();
      if (!this.status && !down.closed) {
        // Reset before any response: nothing reached the app's client yet.
        cluster.reportFailure(ep);
        this.fail(
          new ProxyError(
            ProxyErrorCode.UpstreamReset,
            `stream reset by ${ep.address}:${ep.port} (code ${up.rstCode})`,
          ),
        );
      } else if (up.rstCode && up.rstCode !== constants.NGHTTP2_NO_ERROR && !down.closed) {
        down.close(up.rstCode);
      }
    });
  }
}
