/**
 * Http1Pool keeps HTTP/1.1 keep-alive connections to one Endpoint (LIFO, so a few stay warm), and
 * UpstreamConnection routes one socket's events to whichever exchange is using it. Listeners are
 * attached once per socket, never per request.
 * @module
 */
import type { Socket } from 'node:net';
import type { Clock } from '../clock.js';
import { ProxyError, ProxyErrorCode } from '../errors.js';
import type { Counter, Gauge } from '../metrics/registry.js';
import { type ConnectDeps, connectUpstream } from '../upstream/connector.js';
import type { ConnectionPool, Endpoint } from '../upstream/endpoint.js';

/**
 * Idle upstream connections close after this long unless the server's Keep-Alive hint is shorter:
 * under the 5 s keep-alive timeout of common app servers (Node's http among them), so the proxy
 * does not reuse a connection the app is closing.
 */
export const DEFAULT_IDLE_MS = 4_000;
/**
 * mTLS connections to a peer sidecar stay idle for longer: the peer never closes an idle downstream
 * connection, and each new one costs a TLS handshake on both sides.
 */
export const PEER_IDLE_MS = 60_000;

/** PoolLimits caps one endpoint's pool: open connections, and requests waiting for one. */
export interface PoolLimits {
  connections: number;
  waiting: number;
}

/** Envoy's default circuit-breaker sizes. */
export const DEFAULT_POOL_LIMITS: PoolLimits = { connections: 1024, waiting: 1024 };

interface Waiter {
  user: UpstreamUser;
  mtls: boolean;
  alpn: string;
  connectTimeoutMs: number;
}

/** UpstreamUser is the exchange currently holding a connection. */
export interface UpstreamUser {
  onUpstreamReady(conn: UpstreamConnection): void;
  onUpstreamFailed(err: Error): void;
  onUpstreamData(chunk: Buffer): void;
  /** the socket closed while this user held it. */
  onUpstreamClose(err: Error | undefined): void;
  onUpstreamDrain(): void;
  /** true once the user no longer wants a connection (downstream gone, timed out). */
  readonly abandoned: boolean;
}

export interface PoolMetrics {
  opened: Counter;
  active: Gauge;
  connectFailures: Counter;
}

export class UpstreamConnection {
  user: UpstreamUser | undefined;
  idleDeadline = 0;
  /** times this connection carried a request, so a reset on a reused one can be told apart. */
  uses = 0;
  private lastError: Error | undefined;

  constructor(
    readonly socket: Socket,
    private readonly pool: Http1Pool,
    /** an mTLS connection to a peer sidecar. */
    readonly mtls: boolean,
  ) {
    socket.on('data', (chunk: Buffer) => {
      if (this.user) this.user.onUpstreamData(chunk);
      else socket.destroy(); // bytes on an idle connection: the server broke framing
    });
    socket.on('drain', () => this.user?.onUpstreamDrain());
    socket.on('error', (e) => (this.lastError = e));
    socket.on('end', () => socket.end());
    socket.on('close', () => {
      pool.closed(this);
      const u = this.user;
      this.user = undefined;
      u?.onUpstreamClose(this.lastError);
    });
  }

  /** release hands the connection back for reuse (or closes it when the pool is retired). */
  release(keepAliveHintMs: number): void {
    this.user = undefined;
    this.pool.release(this, keepAliveHintMs);
  }

  /** destroy closes the connection without telling the current user. */
  destroy(): void {
    this.user = undefined;
    this.socket.destroy();
  }
}

export class Http1Pool implements ConnectionPool {
  private readonly idle: UpstreamConnection[] = [];
  private retired = false;
  private readonly waiting: Waiter[] = [];
  private connecting = 0;
  /** open connections, idle or busy. */
  size = 0;

  constructor(
    private readonly endpoint: Endpoint,
    private readonly deps: ConnectDeps & { clock: Clock },
    private readonly metrics: PoolMetrics,
    private readonly limits: PoolLimits = DEFAULT_POOL_LIMITS,
  ) {}

  /** acquire gives `user` an idle connection synchronously when one exists, else dials a new one. */
  acquire(user: UpstreamUser, mtls: boolean, alpn: string, connectTimeoutMs: number): void {
    while (this.idle.length > 0) {
      const c = this.idle.pop()!;
      if (c.socket.destroyed || !c.socket.writable) continue;
      c.user = user;
      c.uses++;
      user.onUpstreamReady(c);
      return;
    }
    if (this.size + this.connecting >= this.limits.connections) {
      // At the cap: wait for a connection to come back, or overflow.
      if (this.waiting.length >= this.limits.waiting) {
        const ep = this.endpoint;
        user.onUpstreamFailed(
          new ProxyError(
            ProxyErrorCode.UpstreamOverflow,
            `${ep.address}:${ep.port} has ${this.limits.connections} connections busy and ${this.limits.waiting} requests waiting`,
          ),
        );
        return;
      }
      this.waiting.push({ user, mtls, alpn, connectTimeoutMs });
      return;
    }
    this.connecting++;
    connectUpstream(
      { endpoint: this.endpoint, mtls, alpn, timeoutMs: connectTimeoutMs },
      this.deps,
      (err, socket) => {
        this.connecting--;
        if (err || !socket) {
          this.metrics.connectFailures.inc();
          user.onUpstreamFailed(err!);
          this.kick();
          return;
        }
        this.size++;
        this.metrics.opened.inc();
        this.metrics.active.add(1);
        const c = new UpstreamConnection(socket, this, mtls);
        c.uses = 1;
        if (user.abandoned) {
          this.release(c, 0);
          return;
        }
        c.user = user;
        user.onUpstreamReady(c);
      },
    );
  }

  release(c: UpstreamConnection, keepAliveHintMs: number): void {
    if (this.retired || c.socket.destroyed) {
      c.socket.destroy();
      return;
    }
    const longest = c.mtls ? PEER_IDLE_MS : DEFAULT_IDLE_MS;
    const idleMs = keepAliveHintMs > 0 ? Math.max(500, Math.min(longest, keepAliveHintMs - 1000)) : longest;
    for (let w = this.waiting.shift(); w; w = this.waiting.shift()) {
      if (w.user.abandoned) continue;
      c.user = w.user;
      c.uses++;
      w.user.onUpstreamReady(c);
      return;
    }
    c.idleDeadline = this.deps.clock.now() + idleMs;
    this.idle.push(c);
  }

  /** kick lets the first live waiter dial, after a connection slot freed up. */
  private kick(): void {
    for (let w = this.waiting.shift(); w; w = this.waiting.shift()) {
      if (w.user.abandoned) continue;
      this.acquire(w.user, w.mtls, w.alpn, w.connectTimeoutMs);
      return;
    }
  }

  closed(c: UpstreamConnection): void {
    this.size--;
    this.metrics.active.add(-1);
    const i = this.idle.indexOf(c);
    if (i >= 0) this.idle.splice(i, 1);
    if (this.waiting.length > 0) this.kick();
  }

  sweep(now: number): void {
    for (const c of [...this.idle]) if (c.idleDeadline <= now) c.socket.destroy();
  }

  retire(): void {
    this.retired = true;
    for (const c of [...this.idle]) c.socket.destroy();
  }

  get idleCount(): number {
    return this.idle.length;
  }
}
