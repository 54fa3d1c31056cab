/**
 * Snapshot: one validated ProxyConfig compiled into immutable run-time objects (routers, clusters,
 * authorizer). The proxy swaps whole snapshots; requests keep the snapshot they started with.
 * @module
 */
import type { Listener, ProxyConfig } from '../../config/index.js';
import type { Clock } from '../clock.js';
import type { ProxyMetrics } from '../metrics/proxy_metrics.js';
import { Authorizer } from '../policy/authorizer.js';
import { DomainRouter, type Router } from '../routing/router.js';
import { Cluster } from '../upstream/cluster.js';
import { Endpoint, endpointKey } from '../upstream/endpoint.js';
import { validateProxyConfig } from './validate.js';

export class Snapshot {
  constructor(
    readonly version: string,
    readonly config: ProxyConfig,
    readonly listeners: readonly Listener[],
    readonly routers: ReadonlyMap<string, Router>,
    readonly clusters: ReadonlyMap<string, Cluster>,
    readonly authorizer: Authorizer,
    /** every endpoint key this snapshot uses, so endpoints that left can be retired. */
    readonly endpointKeys: ReadonlySet<string>,
  ) {}
}

/** EndpointRegistry keeps Endpoint objects alive across snapshots so pools and outlier state carry over. */
export class EndpointRegistry {
  private readonly endpoints = new Map<string, Endpoint>();

  resolve(key: string, make: () => Endpoint): Endpoint {
    let e = this.endpoints.get(key);
    if (!e) {
      e = make();
      this.endpoints.set(key, e);
    }
    return e;
  }

  /** retain retires every endpoint not in `keys` (its pools drain as in-flight requests finish). */
  retain(keys: ReadonlySet<string>): void {
    for (const [k, e] of this.endpoints) {
      if (!keys.has(k)) {
        e.retire();
        this.endpoints.delete(k);
      }
    }
  }

  all(): IterableIterator<Endpoint> {
    return this.endpoints.values();
  }
}

export interface CompileDeps {
  clock: Clock;
  metrics: ProxyMetrics;
  endpoints: EndpointRegistry;
  /** address used for listeners that leave theirs empty. */
  defaultAddress: string;
  random?: () => number;
}

/**
 * compileSnapshot validates `config` and builds a Snapshot. It throws before creating anything when
 * the config is invalid, so the caller can NACK and keep serving the previous snapshot.
 */
export function compileSnapshot(config: ProxyConfig, deps: CompileDeps): Snapshot {
  validateProxyConfig(config);
  const keys = new Set<string>();
  // Nothing shared is touched above this line: validation is complete.
  const clusters = new Map<string, Cluster>();
  for (const c of config.clusters) {
    const endpoints = c.endpoints.map((e) => {
      const key = endpointKey(c.name, c.mtls, e);
      keys.add(key);
      return deps.endpoints.resolve(key, () => new Endpoint(key, e));
    });
    clusters.set(
      c.name,
      new Cluster(
        c,
        endpoints,
        deps.clock,
        { ejections: deps.metrics.ejections.get(c.name), ejected: deps.metrics.ejected.get(c.name) },
        deps.random,
      ),
    );
  }
  const routers = new Map<string, Router>();
  for (const t of config.route_tables) routers.set(t.name, new DomainRouter(t, clusters, deps.clock));
  const listeners = config.listeners.map((l) => ({ ...l, address: l.address || deps.defaultAddress }));
  return new Snapshot(
    config.version,
    config,
    listeners,
    routers,
    clusters,
    new Authorizer(config.mesh, config.policies),
    keys,
  );
}
