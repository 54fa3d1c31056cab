/**
 * Http2SessionPool keeps one HTTP/2 client session per Endpoint: h2 over mTLS to a peer sidecar, or
 * h2c to the local app. Streams multiplex on it; a session that goes away is replaced on next use.
 * @module
 */
import { type ClientHttp2Session, connect as h2connect } from 'node:http2';
import type { Clock } from '../clock.js';
import type { PoolMetrics } from '../http1/upstream_pool.js';
import { ALPN_H2 } from '../tls/identity.js';
import { type ConnectDeps, connectUpstream } from '../upstream/connector.js';
import type { ConnectionPool, Endpoint } from '../upstream/endpoint.js';

/** Sessions without open streams close after this long. */
export const H2_IDLE_MS = 60_000;

type Waiter = (err: Error | undefined, session: ClientHttp2Session | undefined) => void;

export class Http2SessionPool implements ConnectionPool {
  private session: ClientHttp2Session | undefined;
  private waiters: Waiter[] | undefined;
  private retired = false;
  /** streams open on the current session. */
  streams = 0;
  private idleSince = 0;

  constructor(
    private readonly endpoint: Endpoint,
    private readonly deps: ConnectDeps & { clock: Clock },
    private readonly metrics: PoolMetrics,
  ) {}

  /** get calls back with a connected session, dialling one when needed. */
  get(mtls: boolean, connectTimeoutMs: number, cb: Waiter): void {
    const s = this.session;
    if (s && !s.closed && !s.destroyed) {
      cb(undefined, s);
      return;
    }
    if (this.waiters) {
      this.waiters.push(cb);
      return;
    }
    this.waiters = [cb];
    const ep = this.endpoint;
    connectUpstream(
      { endpoint: ep, mtls, alpn: ALPN_H2, timeoutMs: connectTimeoutMs },
      this.deps,
      (err, socket) => {
        const waiters = this.waiters ?? [];
        this.waiters = undefined;
        if (err || !socket) {
          this.metrics.connectFailures.inc();
          for (const w of waiters) w(err, undefined);
          return;
        }
        const scheme = mtls ? 'https' : 'http';
        const session = h2connect(`${scheme}://${ep.address}:${ep.port}`, { createConnection: () => socket });
        this.metrics.opened.inc();
        this.metrics.active.add(1);
        session.on('error', () => {});
        session.on('goaway', () => {
          if (this.session === session) this.session = undefined;
        });
        session.on('close', () => {
          this.metrics.active.add(-1);
          if (this.session === session) this.session = undefined;
        });
        if (this.retired) session.close();
        else this.session = session;
        this.idleSince = this.deps.clock.now();
        for (const w of waiters) w(undefined, session);
      },
    );
  }

  /** streamOpened / streamClosed keep the count that decides when the session is idle. */
  streamOpened(): void {
    this.streams++;
  }

  streamClosed(): void {
    if (--this.streams === 0) this.idleSince = this.deps.clock.now();
  }

  sweep(now: number): void {
    const s = this.session;
    if (s && this.streams === 0 && now - this.idleSince > H2_IDLE_MS) {
      this.session = undefined;
      s.close();
    }
  }

  retire(): void {
    this.retired = true;
    const s = this.session;
    this.session = undefined;
    s?.close();
  }
}
