/**
 * SidecarProxy wires a ConfigSource to the data plane: every snapshot is validated whole and
 * compiled into new immutable routers and clusters that replace the old ones in one assignment (ACK),
 * or rejected with the last good snapshot still serving (NACK). Identities are installed as they
 * rotate. It emits events (config, identity, listener, localReply, state) for the CLI to print.
 * @module
 */
import { EventEmitter } from 'node:events';
import { isIP } from 'node:net';
import type { Server } from 'node:http';
import type { ConfigSource, ConfigSourceState, ProxyConfig, WorkloadIdentity } from '../config/index.js';
import { InvalidInputError } from '../errors/index.js';
import { type AdminSource, createAdminServer } from './admin/server.js';
import { type Clock, systemClock } from './clock.js';
import { ProxyErrorCode } from './errors.js';
import { Http1Pool, type PoolLimits } from './http1/upstream_pool.js';
import { Http2SessionPool } from './http2/session_pool.js';
import type { AccessLogEntry, LocalReplyEvent, ProxyContext } from './listeners/context.js';
import { ListenerManager, type ListenerStatus } from './listeners/manager.js';
import { ProxyMetrics } from './metrics/proxy_metrics.js';
import { processMetrics } from './metrics/process_metrics.js';
import { normalizeProxyConfig } from './snapshot/normalize.js';
import { EndpointRegistry, type Snapshot, compileSnapshot } from './snapshot/snapshot.js';
import { IdentityStore } from './tls/identity.js';
import type { Cluster } from './upstream/cluster.js';
import type { Endpoint } from './upstream/endpoint.js';

export interface SidecarProxyOptions {
  source: ConfigSource;
  /** the workload instance's address: admin binds here, and listeners that leave theirs empty. */
  address: string;
  /** admin port; default 15000 (0 picks a free port). */
  adminPort?: number;
  /** when set, OUTBOUND HTTP and INBOUND listeners bind these ports whatever the snapshot says. */
  listenerPorts?: { outbound?: number; inbound?: number };
  clock?: Clock;
  random?: () => number;
  /** emit an `access` event for every finished request (off by default: it costs on the data path). */
  accessLog?: boolean;
  /** per-endpoint HTTP/1.1 pool caps; default 1024 connections and 1024 waiting requests. */
  poolLimits?: PoolLimits;
}

/** ConfigEvent reports each snapshot received. */
export interface ConfigEvent {
  version: string;
  accepted: boolean;
  error?: Error;
}

export interface IdentityEvent {
  spiffeId: string;
  notAfter: Date;
  error?: Error;
}

export interface SidecarProxyEvents {
  config: [ConfigEvent];
  identity: [IdentityEvent];
  listener: [ListenerStatus];
  localReply: [LocalReplyEvent];
  access: [AccessLogEntry];
  state: [ConfigSourceState];
}

function checkPort(field: string, v: number | undefined, allowZero: boolean): void {
  if (v === undefined) return;
  if (!Number.isInteger(v) || v < (allowZero ? 0 : 1) || v > 65535)
    throw new InvalidInputError(field, v, `a port from ${allowZero ? 0 : 1} to 65535`);
}

export class SidecarProxy extends EventEmitter<SidecarProxyEvents> implements AdminSource {
  readonly metrics = new ProxyMetrics();
  readonly identity = new IdentityStore();
  private readonly clock: Clock;
  private readonly endpoints = new EndpointRegistry();
  private readonly listenerManager: ListenerManager;
  private readonly ctx: ProxyContext;
  private current: Snapshot | undefined;
  private appliedAt: Date | undefined;
  private lastNack: { version: string; error: string; at: Date } | undefined;
  private sourceState: ConfigSourceState = 'connecting';
  private admin: Server | undefined;
  private sweeper: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(private readonly options: SidecarProxyOptions) {
    super();
    if (isIP(options.address) === 0)
      throw new InvalidInputError('address', options.address, 'an IPv4 or IPv6 address');
    checkPort('adminPort', options.adminPort, true);
    checkPort('listenerPorts.outbound', options.listenerPorts?.outbound, true);
    checkPort('listenerPorts.inbound', options.listenerPorts?.inbound, true);
    for (const k of ['connections', 'waiting'] as const) {
      const v = options.poolLimits?.[k];
      if (v !== undefined && !(Number.isInteger(v) && v >= (k === 'connections' ? 1 : 0)))
        throw new InvalidInputError(
          `poolLimits.${k}`,
          v,
          k === 'connections' ? 'a positive integer' : 'an integer ≥ 0',
        );
    }
    this.clock = options.clock ?? systemClock;
    const metrics = this.metrics;
    const deps = (cluster: Cluster) => ({
      clock: this.clock,
      identity: this.identity,
      tlsFailures: metrics.tlsFailures.get('upstream', '', cluster.name),
      tlsResumed: metrics.tlsResumed.get(cluster.name),
    });
    const poolMetrics = (cluster: Cluster) => ({
      opened: metrics.upstreamTotal.get(cluster.name),
      active: metrics.upstreamActive.get(cluster.name),
      connectFailures: metrics.connectFailures.get(cluster.name),
    });
    this.ctx = {
      clock: this.clock,
      sockets: new Set(),
      metrics,
      identity: this.identity,
      snapshot: () => this.current!,
      http1Pool: (cluster: Cluster, ep: Endpoint) => {
        let p = ep.pools.get('h1') as Http1Pool | undefined;
        if (!p) {
          p = new Http1Pool(ep, deps(cluster), poolMetrics(cluster), options.poolLimits);
          ep.pools.set('h1', p);
        }
        return p;
      },
      http2Pool: (cluster: Cluster, ep: Endpoint) => {
        let p = ep.pools.get('h2') as Http2SessionPool | undefined;
        if (!p) {
          p = new Http2SessionPool(ep, deps(cluster), poolMetrics(cluster));
          ep.pools.set('h2', p);
        }
        return p;
      },
      localReply: (e: LocalReplyEvent) => this.emit('localReply', e),
      accessLog: options.accessLog ? (e: AccessLogEntry) => this.emit('access', e) : undefined,
    };
    this.listenerManager = new ListenerManager(this.ctx, (s) => this.emit('listener', s));
  }

  /**
   * start binds the admin listener, subscribes to the source and resolves once the source delivered
   * its first identity and snapshot.
   */
  async start(): Promise<void> {
    const { source } = this.options;
    this.admin = createAdminServer(this);
    await new Promise<void>((resolve, reject) => {
      this.admin!.once('error', reject);
      this.admin!.listen({ host: this.options.address, port: this.options.adminPort ?? 15000 }, () => {
        this.admin!.removeListener('error', reject);
        resolve();
      });
    });
    this.sweeper = setInterval(() => {
      const now = this.clock.now();
      for (const ep of this.endpoints.all()) for (const p of ep.pools.values()) p.sweep(now);
    }, 1000);
    this.sweeper.unref();
    source.onIdentity((id) => this.installIdentity(id));
    source.onConfig((config) => this.applyConfig(config));
    source.onState((state) => {
      this.sourceState = state;
      this.emit('state', state);
    });
    await source.start();
  }

  /** adminPort is the port the admin listener is bound to. */
  get adminPort(): number {
    const a = this.admin?.address();
    return a && typeof a === 'object' ? a.port : 0;
  }

  /** listenerPort returns the bound port of a listener by name. */
  listenerPort(name: string): number | undefined {
    return this.listenerManager.boundPort(name);
  }

  /** snapshot is the snapshot being served, if any. */
  get snapshot(): Snapshot | undefined {
    return this.current;
  }

  /** installIdentity makes a new workload certificate current (rotation keeps open connections). */
  installIdentity(identity: WorkloadIdentity): void {
    try {
      this.identity.install(identity);
    } catch (e) {
      this.emit('identity', { spiffeId: identity.spiffeId, notAfter: identity.notAfter, error: e as Error });
      return;
    }
    this.metrics.identityRotations.get().inc();
    this.metrics.identityExpiry.get().set(Math.floor(identity.notAfter.getTime() / 1000));
    this.emit('identity', { spiffeId: identity.spiffeId, notAfter: identity.notAfter });
    this.listenerManager.identityChanged();
  }

  /**
   * applyConfig validates and compiles a whole snapshot and swaps it in, returning undefined (ACK);
   * on any problem it returns the error (NACK) and the previous snapshot keeps serving.
   */
  applyConfig(raw: ProxyConfig): Error | undefined {
    const version = typeof raw?.version === 'string' ? raw.version : '';
    let next: Snapshot;
    try {
      const config = normalizeProxyConfig(raw, `config version ${JSON.stringify(version)}`);
      next = compileSnapshot(this.withPortOverrides(config), {
        clock: this.clock,
        metrics: this.metrics,
        endpoints: this.endpoints,
        defaultAddress: this.options.address,
        random: this.options.random,
      });
    } catch (e) {
      const error =
        e instanceof Error
          ? e
          : new InvalidInputError('config', raw, 'a ProxyConfig', undefined, ProxyErrorCode.InvalidConfig);
      this.metrics.configUpdates.get('nack').inc();
      this.lastNack = { version, error: error.message, at: new Date() };
      this.emit('config', { version, accepted: false, error });
      return error;
    }
    const previous = this.current;
    this.current = next;
    this.appliedAt = new Date();
    this.endpoints.retain(next.endpointKeys);
    this.listenerManager.apply(next);
    if (previous) this.metrics.configInfo.remove(previous.version);
    this.metrics.configInfo.get(next.version).set(1);
    this.metrics.configUpdates.get('ack').inc();
    this.emit('config', { version: next.version, accepted: true });
    return undefined;
  }

  private withPortOverrides(config: ProxyConfig): ProxyConfig {
    const o = this.options.listenerPorts;
    if (!o || (o.outbound === undefined && o.inbound === undefined)) return config;
    return {
      ...config,
      listeners: config.listeners.map((l) => {
        if (l.direction === 'INBOUND' && o.inbound !== undefined) return { ...l, port: o.inbound };
        if (l.direction === 'OUTBOUND' && l.protocol === 'HTTP' && o.outbound !== undefined)
          return { ...l, port: o.outbound };
        return l;
      }),
    };
  }

  readiness(): string | undefined {
    const snap = this.current;
    if (!snap) return 'waiting for a config snapshot';
    const needsIdentity =
      snap.listeners.some((l) => l.direction === 'INBOUND') ||
      [...snap.clusters.values()].some((c) => c.mtls);
    if (needsIdentity && !this.identity.current) return 'waiting for a workload certificate';
    if (!this.listenerManager.allBound()) return 'listeners not bound';
    return undefined;
  }

  get ready(): boolean {
    return this.readiness() === undefined;
  }

  prometheus(): string {
    return this.metrics.render() + processMetrics();
  }

  configDump(): unknown {
    const id = this.identity.current;
    return {
      version: this.current?.version ?? null,
      applied_at: this.appliedAt?.toISOString() ?? null,
      source_state: this.sourceState,
      identity: id ? { spiffe_id: id.spiffeId, not_after: id.notAfter.toISOString() } : null,
      last_nack: this.lastNack
        ? { version: this.lastNack.version, error: this.lastNack.error, at: this.lastNack.at.toISOString() }
        : null,
      listeners: this.listenerManager.statuses(),
      config: this.current?.config ?? null,
    };
  }

  /** close stops listening, closes the admin port and the source; open connections are dropped. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.sweeper) clearInterval(this.sweeper);
    this.listenerManager.close();
    for (const s of this.ctx.sockets) s.destroy();
    this.endpoints.retain(new Set());
    await this.options.source.close();
    const admin = this.admin;
    if (admin) {
      admin.closeAllConnections();
      await new Promise<void>((resolve) => admin.close(() => resolve()));
    }
  }
}
