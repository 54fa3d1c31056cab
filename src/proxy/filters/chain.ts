/**
 * The request filter chains, written out once in order, shared by the HTTP/1.1 and HTTP/2 paths:
 *
 *   outbound: listener → routeByAuthority → pickCluster → endpoint (balancer, in the exchange)
 *   inbound:  listener → authorize (peer SPIFFE ID, policies) → localCluster → endpoint
 *
 * Each step either narrows the decision or throws a ProxyError; the caller's rescue() turns that into
 * the local reply (404 route_not_found, 403 access_denied, ...).
 * @module
 */
import type { Listener, RetryPolicy } from '../../config/index.js';
import { ProxyError, ProxyErrorCode } from '../errors.js';
import type { ProxyMetrics, RequestStats } from '../metrics/proxy_metrics.js';
import type { RequestView } from '../routing/match.js';
import type { Route } from '../routing/router.js';
import type { Snapshot } from '../snapshot/snapshot.js';
import type { Cluster } from '../upstream/cluster.js';
import type { RetryBudget } from '../upstream/retry_budget.js';

/** RequestInfo is what the chains see of a request, whatever its protocol. */
export interface RequestInfo extends RequestView {
  readonly authority: string;
  /** the peer's SPIFFE ID on inbound; empty on outbound. */
  readonly peer: string;
  /** the peer's instance (node id from its certificate) on inbound; empty on outbound or when unknown. */
  readonly peerInstance: string;
}

/** Decision is where a request goes and under which policy. */
export interface Decision {
  cluster: Cluster;
  stats: RequestStats;
  timeoutMs: number;
  retry: RetryPolicy;
  budget: RetryBudget | undefined;
}

/**
 * Inbound requests are neither retried nor timed by the server sidecar: the caller's sidecar does
 * both, and can pick another endpoint, so retrying here too would multiply attempts.
 */
const INBOUND_RETRY: RetryPolicy = {
  max_retries: 0,
  per_try_timeout_ms: 0,
  budget_ratio: 0,
  min_retries_per_second: 10,
};

function routeByAuthority(snapshot: Snapshot, listener: Listener, req: RequestInfo): Route {
  const router = snapshot.routers.get(listener.route_table);
  const route = router?.route(req.authority, req);
  if (!route) throw new ProxyError(ProxyErrorCode.RouteNotFound, `no route for ${req.authority}${req.path}`);
  return route;
}

function pickCluster(route: Route, metrics: ProxyMetrics): Decision {
  const cluster = route.pickCluster();
  return {
    cluster,
    stats: route.statsFor(cluster, metrics),
    timeoutMs: route.timeoutMs,
    retry: route.retry,
    budget: route.budget,
  };
}

function authorize(snapshot: Snapshot, req: RequestInfo): void {
  if (snapshot.authorizer.allowHttp(req.peer, req) === undefined)
    throw new ProxyError(ProxyErrorCode.AccessDenied, `${req.peer} may not ${req.method} ${req.path}`);
}

function localCluster(
  snapshot: Snapshot,
  listener: Listener,
  req: RequestInfo,
  metrics: ProxyMetrics,
): Decision {
  const cluster = snapshot.clusters.get(listener.local_cluster);
  if (!cluster)
    throw new ProxyError(ProxyErrorCode.NoHealthyUpstream, `no local cluster ${listener.local_cluster}`);
  return {
    cluster,
    stats: metrics.forRequests('inbound', cluster.name, req.peer, { peerInstance: req.peerInstance }),
    timeoutMs: 0,
    retry: INBOUND_RETRY,
    budget: undefined,
  };
}

/** ChainError is a refusal together with the stats series it is counted in. */
export class ChainError extends Error {
  constructor(
    readonly error: ProxyError,
    readonly stats: RequestStats,
  ) {
    super(error.message, { cause: error });
  }
}

export function decideOutbound(
  snapshot: Snapshot,
  listener: Listener,
  req: RequestInfo,
  metrics: ProxyMetrics,
): Decision {
  let route: Route;
  try {
    route = routeByAuthority(snapshot, listener, req);
  } catch (e) {
    throw new ChainError(e as ProxyError, metrics.forRequests('outbound', '', ''));
  }
  return pickCluster(route, metrics);
}

export function decideInbound(
  snapshot: Snapshot,
  listener: Listener,
  req: RequestInfo,
  metrics: ProxyMetrics,
): Decision {
  try {
    authorize(snapshot, req);
  } catch (e) {
    throw new ChainError(
      e as ProxyError,
      metrics.forRequests('inbound', listener.local_cluster, req.peer, { peerInstance: req.peerInstance }),
    );
  }
  return localCluster(snapshot, listener, req, metrics);
}
