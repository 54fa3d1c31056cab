/**
 * SMI TrafficSplit → client-side routing. Every proxy gets, for each port of an apex Service:
 *
 *   HTTP  without matches   one route, every request → the backends' clusters, weighted
 *         with matches      one route per merged HTTPRouteGroup match → weighted backends, then the
 *                           fallback route → the apex Service's own cluster
 *   TCP   (upstream listeners) Listener.tcp_clusters: the weighted backends, picked per connection;
 *                           a split with matches does not apply to TCP (no HTTP to match)
 *
 * A backend takes part on apex port P only when its Service exists and has a port P (SMI: "every
 * backend must expose a port that matches the root Service's port"); otherwise it is excluded there,
 * and the event analysis reports it. Weight 0 sends nothing, so such backends are left out. A port
 * where no backend remains keeps the apex Service's plain route. Pure.
 * @module
 */
import {
  outboundClusterName,
  serviceFqdn,
  type Route,
  type RouteMatch,
  type WeightedCluster,
} from '../../config/index.js';
import { mergeSplitRoutes, type MergedRoutes, type TrafficSplit } from '../../smi/index.js';
import type { ServicePort, ServiceResource } from '../resources/types.js';
import { routeMatch } from './access.js';
import { findNamed, type SmiState } from './state.js';

/** ExclusionReason says why a backend gets no traffic on a port. */
export type ExclusionReason = 'ServiceNotFound' | 'PortNotFound';

/** ResolvedBackend is one backend on one apex port. */
export interface ResolvedBackend {
  service: string;
  weight: number;
  /** The cluster it is reached through; undefined when excluded. */
  cluster?: string;
  excluded?: ExclusionReason;
}

/** ResolvedSplitPort is a split on one port of its apex Service. */
export interface ResolvedSplitPort {
  port: ServicePort;
  backends: ResolvedBackend[];
  /** Clusters that receive traffic (weight > 0, not excluded); empty = the split is inactive here. */
  active: WeightedCluster[];
}

/** ResolvedSplit is a TrafficSplit with its references looked up. */
export interface ResolvedSplit {
  split: TrafficSplit;
  /** Undefined when no Service has the apex name (yet). */
  apex?: ServiceResource;
  ports: ResolvedSplitPort[];
  routes: MergedRoutes;
}

/** MAX_WEIGHT is the largest weight WeightedCluster (uint32) can carry. */
const MAX_WEIGHT = 0xffffffff;

/** resolveSplit looks a split's apex, backends and route groups up in the mesh. */
export function resolveSplit(
  split: TrafficSplit,
  services: readonly ServiceResource[],
  smi: SmiState,
): ResolvedSplit {
  const namespace = split.metadata.namespace;
  const apex = findNamed(services, namespace, split.spec.service);
  const routes = mergeSplitRoutes(split, smi.groups);
  const ports = (apex?.spec.ports ?? []).map((port): ResolvedSplitPort => {
    const backends = split.spec.backends.map((b): ResolvedBackend => {
      const svc = findNamed(services, namespace, b.service);
      if (!svc) return { ...b, excluded: 'ServiceNotFound' };
      if (!svc.spec.ports.some((p) => p.port === port.port)) return { ...b, excluded: 'PortNotFound' };
      return { ...b, cluster: outboundClusterName(port.port, serviceFqdn(b.service, namespace)) };
    });
    const live = backends.filter((b) => b.cluster !== undefined && b.weight > 0);
    return {
      port,
      backends,
      active: scaleWeights(live.map((b) => ({ cluster: b.cluster!, weight: b.weight }))),
    };
  });
  return { split, ...(apex ? { apex } : {}), ports, routes };
}

/** splitsByApex resolves every split, keyed by "<namespace>/<apex service>". */
export function splitsByApex(
  services: readonly ServiceResource[],
  smi: SmiState,
): Map<string, ResolvedSplit> {
  const out = new Map<string, ResolvedSplit>();
  for (const split of smi.splits) {
    const key = `${split.metadata.namespace}/${split.spec.service}`;
    if (!out.has(key)) out.set(key, resolveSplit(split, services, smi));
  }
  return out;
}

/**
 * splitRoutes gives the routes of the apex virtual host on one port, or undefined when the split
 * does not change that port (no backend receives traffic there).
 */
export function splitRoutes(
  resolved: ResolvedSplit,
  port: number,
  apexCluster: string,
  action: (clusters: WeightedCluster[]) => NonNullable<Route['action']>,
): Route[] | undefined {
  const onPort = resolved.ports.find((p) => p.port.port === port);
  if (!onPort || onPort.active.length === 0) return undefined;
  const { split } = resolved;
  const id = `${split.metadata.namespace}/${split.metadata.name}`;
  if (split.spec.matches.length === 0) {
    return [{ name: `split:${id}`, match: matchAll(), action: action(onPort.active) }];
  }
  const routes: Route[] = [];
  for (const m of resolved.routes.matches) {
    const match = routeMatch(m);
    if (match)
      routes.push({ name: `split:${id}:${m.group}/${m.name}`, match, action: action(onPort.active) });
  }
  routes.push({
    name: 'default',
    match: matchAll(),
    action: action([{ cluster: apexCluster, weight: 100 }]),
  });
  return routes;
}

/**
 * tcpSplit gives Listener.tcp_clusters for a TCP listener in front of apex port `port`, or
 * undefined when the split does not apply (inactive there, or it splits only matching HTTP requests).
 */
export function tcpSplit(resolved: ResolvedSplit, port: number): WeightedCluster[] | undefined {
  if (resolved.split.spec.matches.length > 0) return undefined;
  const onPort = resolved.ports.find((p) => p.port.port === port);
  return onPort && onPort.active.length > 0 ? onPort.active : undefined;
}

function matchAll(): RouteMatch {
  return { path_regex: '', methods: [], headers: [] };
}

/** scaleWeights keeps relative weights inside uint32 (weights are relative, so only the ratio matters). */
function scaleWeights(clusters: WeightedCluster[]): WeightedCluster[] {
  const max = Math.max(0, ...clusters.map((c) => c.weight));
  if (max <= MAX_WEIGHT) return clusters;
  const factor = MAX_WEIGHT / max;
  return clusters.map((c) => ({ ...c, weight: Math.max(1, Math.floor(c.weight * factor)) }));
}
