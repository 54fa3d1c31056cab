/**
 * The HTTP/1.1 dispatchers of the outbound and inbound listeners: they read the authority (absolute
 * form, Host header or CONNECT target), run the filter chain and write the upstream request head
 * (origin-form, hop-by-hop headers dropped, x-forwarded-client-cert set on inbound).
 * @module
 */
import { ProxyError, ProxyErrorCode } from '../errors.js';
import {
  ChainError,
  type Decision,
  type RequestInfo,
  decideInbound,
  decideOutbound,
} from '../filters/chain.js';
import type { ListenerContext } from '../listeners/context.js';
import type { RequestStats } from '../metrics/proxy_metrics.js';
import { openTunnel } from '../tcp/tunnel.js';
import type { ExchangeDeps, Http1Target } from './exchange.js';
import { type RequestHead, findHeaderValues } from './parser.js';
import { type Dispatch, type Http1Dispatcher, Http1ServerConnection } from './server_connection.js';
import { sniffTunnel } from '../tcp/sniff.js';
import type { Socket } from 'node:net';

/** XFCC_HEADER carries the caller's identity to the app (Envoy's x-forwarded-client-cert format). */
export const XFCC_HEADER = 'x-forwarded-client-cert';

class HeadView implements RequestInfo {
  readonly path: string;
  constructor(
    private readonly head: RequestHead,
    readonly authority: string,
    readonly target: string,
    readonly peer: string,
    readonly peerInstance = '',
  ) {
    const q = target.indexOf('?');
    this.path = q < 0 ? target : target.slice(0, q);
  }
  get method(): string {
    return this.head.method;
  }
  headerValues(name: string): string[] {
    return findHeaderValues(this.head.block, name);
  }
}

function exchangeDeps(ctx: ListenerContext): ExchangeDeps {
  const m = ctx.metrics;
  const log = ctx.accessLog;
  return {
    onAccess: log
      ? (head, status, reason, us, cluster, upstream, tries, peer) =>
          log({
            listener: ctx.name,
            protocol: 'HTTP/1.1',
            method: head.method,
            authority: head.host ?? '',
            path: head.target,
            status,
            reason,
            durationUs: us,
            cluster,
            upstream,
            peer,
            tries,
          })
      : undefined,
    clock: ctx.clock,
    pool: (cluster, ep) => ctx.http1Pool(cluster, ep),
    retries: (cluster, reason) => m.retries.get(cluster, reason),
    budgetExhausted: (cluster) => m.retryBudgetExhausted.get(cluster),
    onLocalReply: (head, status, reason, message) =>
      ctx.localReply({
        listener: ctx.name,
        method: head.method,
        authority: head.host ?? '',
        path: head.target,
        status,
        reason,
        message,
      }),
  };
}

function target(d: Decision, upstreamHead: string | Buffer): Http1Target {
  return {
    cluster: d.cluster,
    upstreamHead,
    timeoutMs: d.timeoutMs,
    retry: d.retry,
    budget: d.budget,
    stats: d.stats,
  };
}

abstract class BaseDispatcher implements Http1Dispatcher {
  readonly deps: ExchangeDeps;
  abstract readonly dropXfcc: boolean;

  constructor(protected readonly ctx: ListenerContext) {
    this.deps = exchangeDeps(ctx);
  }

  abstract dispatch(head: RequestHead, conn: Http1ServerConnection): Dispatch;

  refusedStats(): RequestStats {
    return this.ctx.metrics.forRequests(this.direction, '', '');
  }

  protected abstract readonly direction: 'inbound' | 'outbound';

  protected reply(_head: RequestHead, e: unknown, stats: RequestStats): Dispatch {
    const error = e instanceof ChainError ? e.error : (e as ProxyError);
    const s = e instanceof ChainError ? e.stats : stats;
    return { kind: 'reply', error, stats: s };
  }

  /** upgradeRefusal: h2c upgrade offers are ignored (answered as HTTP/1.1); other upgrades are refused. */
  protected upgradeRefusal(head: RequestHead): ProxyError | undefined {
    if (head.upgrade === undefined || head.upgrade.toLowerCase() === 'h2c') return undefined;
    return new ProxyError(ProxyErrorCode.UpgradeUnsupported, `upgrade to ${head.upgrade} is not supported`);
  }
}

export class OutboundHttp1Dispatcher extends BaseDispatcher {
  readonly dropXfcc = false;
  protected readonly direction = 'outbound' as const;

  /** @param acceptH2 hands a socket that turned out to carry HTTP/2 to the listener's gateway */
  constructor(
    ctx: ListenerContext,
    private readonly acceptH2: (socket: Socket, initial: Buffer) => void,
  ) {
    super(ctx);
  }

  dispatch(head: RequestHead): Dispatch {
    const snapshot = this.ctx.snapshot();
    const listener = this.ctx.config();
    let authority: string;
    let path: string;
    let absolute = false;
    const t = head.target;
    if (head.method === 'CONNECT') {
      authority = t;
      path = '/';
    } else if (t.charCodeAt(0) === 47 || t === '*') {
      authority = head.host ?? '';
      path = t;
    } else if (t.startsWith('http://')) {
      const slash = t.indexOf('/', 7);
      authority = slash < 0 ? t.slice(7) : t.slice(7, slash);
      path = slash < 0 ? '/' : t.slice(slash);
      absolute = true;
    } else {
      const e = new ProxyError(
        ProxyErrorCode.BadRequest,
        `unsupported request target ${JSON.stringify(t.slice(0, 100))}; use http:// URLs or CONNECT`,
      );
      return this.reply(head, e, this.refusedStats());
    }
    if (authority === '')
      return this.reply(
        head,
        new ProxyError(ProxyErrorCode.BadRequest, 'request has no Host'),
        this.refusedStats(),
      );
    const refusal = this.upgradeRefusal(head);
    if (refusal) return this.reply(head, refusal, this.refusedStats());
    let d: Decision;
    try {
      d = decideOutbound(snapshot, listener, new HeadView(head, authority, path, ''), this.ctx.metrics);
    } catch (e) {
      return this.reply(head, e, this.refusedStats());
    }
    if (head.method === 'CONNECT') {
      const ctx = this.ctx;
      return {
        kind: 'tunnel',
        start: (socket, rest) => {
          // Answer at once: the client sends nothing until it has the 200. What follows decides
          // whether the tunnel is HTTP (handled per request) or opaque TCP to the cluster.
          socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
          sniffTunnel(socket, rest, ctx.clock, {
            http1: (initial) => new Http1ServerConnection(socket, this, initial),
            h2: (initial) => this.acceptH2(socket, initial),
            tcp: (initial) =>
              openTunnel(socket, initial, d.cluster, ctx, {
                direction: 'outbound',
                connect: false,
                retries: d.retry.max_retries,
                listener: ctx.name,
              }),
          });
        },
      };
    }
    const upstreamHead = absolute
      ? `${head.method} ${path} HTTP/1.${head.minor}\r\nhost: ${authority}\r\n${head.forwarded}\r\n`
      : head.unchanged
        ? head.raw
        : `${head.method} ${t} HTTP/1.${head.minor}\r\n${head.forwarded}\r\n`;
    return { kind: 'forward', target: target(d, upstreamHead) };
  }
}

export class InboundHttp1Dispatcher extends BaseDispatcher {
  readonly dropXfcc = true;
  protected readonly direction = 'inbound' as const;

  dispatch(head: RequestHead, conn: Http1ServerConnection): Dispatch {
    const snapshot = this.ctx.snapshot();
    const listener = this.ctx.config();
    const stats = this.ctx.metrics.forRequests('inbound', listener.local_cluster, conn.peer, {
      peerInstance: conn.peerInstance,
    });
    if (head.method === 'CONNECT') {
      const e = new ProxyError(
        ProxyErrorCode.ConnectNotAllowed,
        'CONNECT is not accepted between sidecars; use ALPN meshplane-tcp',
      );
      return this.reply(head, e, stats);
    }
    const refusal = this.upgradeRefusal(head);
    if (refusal) return this.reply(head, refusal, stats);
    let path = head.target;
    let authority = head.host ?? '';
    let hostLine = '';
    if (path.startsWith('http://')) {
      const slash = path.indexOf('/', 7);
      authority = slash < 0 ? path.slice(7) : path.slice(7, slash);
      path = slash < 0 ? '/' : path.slice(slash);
      hostLine = `host: ${authority}\r\n`;
    }
    let d: Decision;
    try {
      d = decideInbound(
        snapshot,
        listener,
        new HeadView(head, authority, path, conn.peer, conn.peerInstance),
        this.ctx.metrics,
      );
    } catch (e) {
      return this.reply(head, e, stats);
    }
    const xfcc = `${XFCC_HEADER}: By=${this.ctx.identity.spiffeId};URI=${conn.peer}\r\n`;
    const upstreamHead = `${head.method} ${path} HTTP/1.${head.minor}\r\n${hostLine}${head.forwarded}${xfcc}\r\n`;
    return { kind: 'forward', target: target(d, upstreamHead) };
  }
}
