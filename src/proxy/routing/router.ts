/**
 * Router picks a Route for a request by authority (virtual-host domains, exact), then the first
 * matching route; the Route picks one of its weighted clusters. Built once per snapshot, immutable.
 * @module
 */
import type { RetryPolicy, RouteTable } from '../../config/index.js';
import type { Clock } from '../clock.js';
import type { ProxyMetrics, RequestStats } from '../metrics/proxy_metrics.js';
import type { Cluster } from '../upstream/cluster.js';
import { RetryBudget } from '../upstream/retry_budget.js';
import { type RequestView, RequestMatcher } from './match.js';

/** Default whole-request timeout when a route sets none. */
export const DEFAULT_ROUTE_TIMEOUT_MS = 15_000;

/** Retry policy used when a route carries none: connect failures and idempotent failures, twice. */
export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  max_retries: 2,
  per_try_timeout_ms: 0,
  budget_ratio: 0.2,
  min_retries_per_second: 10,
};

/** Route is one compiled route: where matching requests go and with which timeouts and retries. */
export class Route {
  private readonly totalWeight: number;
  /** budget limits this route's retries (ratio of its requests plus a floor per second). */
  readonly budget: RetryBudget;
  private readonly stats = new Map<Cluster, RequestStats>();

  constructor(
    readonly name: string,
    /** name of the virtual host the route belongs to (the service the app asked for). */
    readonly virtualHost: string,
    readonly matcher: RequestMatcher,
    private readonly clusters: ReadonlyArray<{ cluster: Cluster; weight: number }>,
    readonly timeoutMs: number,
    readonly retry: RetryPolicy,
    clock: Clock,
  ) {
    this.budget = new RetryBudget(retry.budget_ratio, retry.min_retries_per_second, clock);
    this.totalWeight = clusters.reduce((s, c) => s + c.weight, 0);
  }

  /** pickCluster draws one cluster by weight (SMI TrafficSplit). */
  pickCluster(random: () => number = Math.random): Cluster {
    const cs = this.clusters;
    if (cs.length === 1) return cs[0]!.cluster;
    let r = random() * this.totalWeight;
    for (const c of cs) {
      if (r < c.weight) return c.cluster;
      r -= c.weight;
    }
    return cs[cs.length - 1]!.cluster;
  }

  /**
   * statsFor is the recorder of the requests this route sends to `cluster`: labelled with the
   * destination service and the virtual host, so a split's traffic is told apart from direct calls.
   */
  statsFor(cluster: Cluster, metrics: ProxyMetrics): RequestStats {
    let s = this.stats.get(cluster);
    if (!s) {
      s = metrics.forRequests('outbound', cluster.name, cluster.service, { virtualHost: this.virtualHost });
      this.stats.set(cluster, s);
    }
    return s;
  }
}

interface VirtualHost {
  name: string;
  routes: Route[];
}

/** Router resolves a request to a Route, or undefined when nothing matches. */
export interface Router {
  route(authority: string, req: RequestView): Route | undefined;
}

/** DomainRouter looks the authority up in an exact-match map of virtual-host domains. */
export class DomainRouter implements Router {
  private readonly hosts = new Map<string, VirtualHost>();

  constructor(table: RouteTable, clusters: ReadonlyMap<string, Cluster>, clock: Clock) {
    for (const vh of table.virtual_hosts) {
      const host: VirtualHost = {
        name: vh.name,
        routes: vh.routes.map(
          (r) =>
            new Route(
              r.name,
              vh.name,
              new RequestMatcher(r.match),
              (r.action?.clusters ?? [])
                .filter((c) => c.weight > 0 || r.action!.clusters.length === 1)
                .map((c) => ({ cluster: clusters.get(c.cluster)!, weight: c.weight || 1 })),
              r.action?.timeout_ms || DEFAULT_ROUTE_TIMEOUT_MS,
              r.action?.retry ?? DEFAULT_RETRY_POLICY,
              clock,
            ),
        ),
      };
      for (const d of vh.domains) this.hosts.set(d.toLowerCase(), host);
    }
  }

  /** virtualHost finds the host for an authority; a missing port means 80 and ":80" may be left off. */
  private virtualHost(authority: string): VirtualHost | undefined {
    const exact = this.hosts.get(authority);
    if (exact) return exact;
    const a = authority.toLowerCase();
    const found = this.hosts.get(a);
    if (found) return found;
    const colon = a.lastIndexOf(':');
    if (colon < 0 || a.endsWith(']')) return this.hosts.get(`${a}:80`);
    if (a.endsWith(':80')) return this.hosts.get(a.slice(0, -3));
    return undefined;
  }

  route(authority: string, req: RequestView): Route | undefined {
    const host = this.virtualHost(authority);
    if (!host) return undefined;
    for (const r of host.routes) if (r.matcher.matches(req)) return r;
    return undefined;
  }
}
