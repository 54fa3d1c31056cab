/**
 * Proxy windows → TrafficMetrics samples. Pure. Where each resource's numbers come from:
 *
 *   Namespace, Deployment (a Workload), Pod (an instance)
 *                 server side: what the resource's own proxies served (inbound), summed
 *   Service       client side: what every proxy sent to the service's FQDN (outbound)
 *   TrafficSplit  one item per backend: the backend Service's client-side numbers, with `backend`
 *   edges         "from" (side server): inbound by caller (SPIFFE ID and the node id of its
 *                 certificate) → the caller's Pod for a pod, its Deployment for a deployment, its
 *                 Namespace for a namespace; "to" (side client): outbound by destination service
 *                 and the instance that answered → Pod, Deployment or Namespace likewise. Where a
 *                 proxy does not say which instance, the caller is its Workload when one Workload
 *                 runs as its service account, else the ServiceAccount, and the destination is the
 *                 Service. A Service's edges are "from" the Workloads whose proxies called it.
 *
 * success_count / failure_count: a request fails when its status is 5xx or it got no response
 * (code 0), as Linkerd classifies; 4xx (including 403 access_denied, and a TCP connection refused
 * with reason access_denied) is a success of the mesh.
 * Latency percentiles are read from the merged duration histograms the way Prometheus'
 * histogram_quantile does (linear inside a bucket).
 * @module
 */
import { parseSpiffeId, SERVICE_DOMAIN_SUFFIX, serviceFqdn } from '../../config/index.js';
import type { MetricsEdge, ObjectReference, TrafficMetricsSample, TrafficSplit } from '../../smi/index.js';
import type { ServiceResource, WorkloadResource } from '../resources/types.js';
import type { LatencyHistogram, RequestCount, SeriesKey } from './proxy_stats.js';
import type { InstanceWindow } from './scraper.js';

/** MetricsKind is a kind the API serves. */
export type MetricsKind = 'Namespace' | 'Deployment' | 'Pod' | 'Service' | 'TrafficSplit';

/** MetricsMesh is what the samples are built from. */
export interface MetricsMesh {
  windows: InstanceWindow[];
  services: ServiceResource[];
  workloads: WorkloadResource[];
  splits: TrafficSplit[];
  /** Window to report when no proxy contributed. */
  windowMs: number;
  now: Date;
}

interface Part {
  requests: RequestCount[];
  latency: LatencyHistogram[];
  windowMs: number;
  at: number;
}

/** isFailure: a 5xx, or no response at all, except a TCP connection the policy refused (the 403 of TCP). */
const isFailure = (r: RequestCount): boolean =>
  r.code >= 500 || (r.code === 0 && r.reason !== 'access_denied');

/** quantileMicros is histogram_quantile over cumulative buckets merged from several histograms. */
export function quantileMicros(q: number, histograms: readonly LatencyHistogram[]): number | undefined {
  const merged = new Map<number, number>();
  for (const h of histograms)
    for (const b of h.buckets) merged.set(b.leMicros, (merged.get(b.leMicros) ?? 0) + b.count);
  const buckets = [...merged].sort((a, b) => a[0] - b[0]);
  const total = buckets.at(-1)?.[1] ?? 0;
  if (total <= 0) return undefined;
  const rank = q * total;
  let lower = 0;
  let below = 0;
  for (const [le, count] of buckets) {
    if (count >= rank) {
      if (le === Infinity) return lower;
      const inBucket = count - below;
      return Math.round(inBucket > 0 ? lower + ((le - lower) * (rank - below)) / inBucket : le);
    }
    lower = le;
    below = count;
  }
  return lower;
}

function sample(
  resource: ObjectReference,
  parts: Part[],
  mesh: MetricsMesh,
  extra: Partial<TrafficMetricsSample> = {},
): TrafficMetricsSample {
  const requests = parts.flatMap((p) => p.requests);
  const latency = parts.flatMap((p) => p.latency);
  const p50 = quantileMicros(0.5, latency);
  const at = Math.max(0, ...parts.map((p) => p.at));
  return {
    resource,
    timestamp: at > 0 ? new Date(at) : mesh.now,
    windowMs: parts.length ? Math.max(...parts.map((p) => p.windowMs)) : mesh.windowMs,
    ...(p50 === undefined
      ? {}
      : { latencyMicros: { p50, p90: quantileMicros(0.9, latency)!, p99: quantileMicros(0.99, latency)! } }),
    successCount: requests.filter((r) => !isFailure(r)).reduce((n, r) => n + r.count, 0),
    failureCount: requests.filter((r) => isFailure(r)).reduce((n, r) => n + r.count, 0),
    ...extra,
  };
}

/** inbound is what a proxy served, optionally only what `from` selects (one caller). */
function inbound(w: InstanceWindow, from?: (k: SeriesKey) => boolean): Part {
  const requests = w.stats.requests.filter((r) => r.direction === 'inbound' && (!from || from(r)));
  const all = w.stats.latency.filter((h) => h.direction === 'inbound');
  // Without peer labels on the histogram, a caller's latency is the workload's inbound latency.
  const latency = from && all.every((h) => h.source === '') ? all : all.filter((h) => !from || from(h));
  return { requests, latency, windowMs: w.windowMs, at: w.at };
}

/** outbound is what a proxy sent to one service (or to every service), optionally only what `to` selects. */
function outbound(w: InstanceWindow, fqdn?: string, to?: (k: SeriesKey) => boolean): Part {
  const mine = (k: SeriesKey): boolean =>
    k.direction === 'outbound' && (fqdn === undefined || k.destination === fqdn) && (!to || to(k));
  const requests = w.stats.requests.filter((r) => r.destination !== '' && mine(r));
  const labelled = w.stats.latency.filter((h) => h.destination !== '');
  // A proxy whose histograms carry no destination label: its per-cluster histograms.
  const latency =
    labelled.length > 0
      ? labelled.filter(mine)
      : w.stats.latency.filter(
          (h) =>
            h.direction === 'outbound' &&
            (fqdn === undefined ? h.cluster !== '' : h.cluster.endsWith(`||${fqdn}`)),
        );
  return { requests, latency, windowMs: w.windowMs, at: w.at };
}

function windowsOf(mesh: MetricsMesh, kind: MetricsKind, namespace: string, name: string): InstanceWindow[] {
  return mesh.windows.filter((w) => {
    const i = w.instance;
    if (kind === 'Namespace') return i.namespace === name;
    if (i.namespace !== namespace) return false;
    return kind === 'Pod' ? i.name === name : i.workload === name;
  });
}

/** resourceSample gives the metrics of one Namespace, Deployment, Pod or Service. */
export function resourceSample(
  mesh: MetricsMesh,
  kind: Exclude<MetricsKind, 'TrafficSplit'>,
  namespace: string,
  name: string,
): TrafficMetricsSample {
  const ref = reference(kind, namespace, name);
  if (kind === 'Service')
    return sample(
      ref,
      mesh.windows.map((w) => outbound(w, serviceFqdn(name, namespace))),
      mesh,
    );
  return sample(
    ref,
    windowsOf(mesh, kind, namespace, name).map((w) => inbound(w)),
    mesh,
  );
}

/**
 * splitSamples gives one item per backend of a TrafficSplit (v1alpha2 `backend`): the requests
 * clients sent to the apex service that went to that backend (the route's virtual host is the apex).
 * A proxy that does not label its virtual host contributes everything it sent to the backend.
 */
export function splitSamples(mesh: MetricsMesh, split: TrafficSplit): TrafficMetricsSample[] {
  const { namespace, name } = split.metadata;
  const apex = serviceFqdn(split.spec.service, namespace);
  const viaApex = (k: SeriesKey): boolean => k.virtualHost === '' || hostOf(k.virtualHost) === apex;
  return split.spec.backends.map((b) =>
    sample(
      reference('TrafficSplit', namespace, name),
      mesh.windows.map((w) => outbound(w, serviceFqdn(b.service, namespace), viaApex)),
      mesh,
      {
        edge: { direction: 'from', side: 'client', resource: {} },
        backend: { apex: split.spec.service, name: b.service, weight: b.weight },
      },
    ),
  );
}

/**
 * edgeSamples lists the edges of one resource: one item per peer that traffic flowed with, named at
 * the resource's own granularity where the proxies say enough (a pod's edges are pods, a
 * deployment's deployments, as in the SMI spec), else as closely as they allow (the caller's
 * Deployment or ServiceAccount, the destination Service).
 */
export function edgeSamples(
  mesh: MetricsMesh,
  kind: Exclude<MetricsKind, 'TrafficSplit'>,
  namespace: string,
  name: string,
): TrafficMetricsSample[] {
  const ref = reference(kind, namespace, name);
  const groups = new Map<string, { edge: MetricsEdge; parts: Part[] }>();
  const add = (edge: MetricsEdge, part: Part): void => {
    if (part.requests.every((r) => r.count === 0)) return;
    const key = JSON.stringify(edge);
    const g = groups.get(key) ?? { edge, parts: [] };
    g.parts.push(part);
    groups.set(key, g);
  };
  if (kind === 'Service') {
    const fqdn = serviceFqdn(name, namespace);
    for (const w of mesh.windows) {
      const resource = reference('Deployment', w.instance.namespace, w.instance.workload);
      add({ direction: 'from', side: 'client', resource }, outbound(w, fqdn));
    }
  } else {
    for (const w of windowsOf(mesh, kind, namespace, name)) {
      const callers = new Map<string, SeriesKey>();
      for (const r of w.stats.requests)
        if (r.direction === 'inbound' && r.source !== '') callers.set(peerKey(r), r);
      for (const caller of callers.values()) {
        const peer = callerReference(mesh, kind, caller);
        if (peer) add({ direction: 'from', side: 'server', resource: peer }, inbound(w, sameCaller(caller)));
      }
      const destinations = new Map<string, SeriesKey>();
      for (const r of w.stats.requests)
        if (r.direction === 'outbound' && r.destination !== '') destinations.set(peerKey(r), r);
      for (const dest of destinations.values()) {
        const peer = destinationReference(mesh, kind, dest);
        if (peer)
          add(
            { direction: 'to', side: 'client', resource: peer },
            outbound(w, dest.destination, sameDestination(dest)),
          );
      }
    }
  }
  return [...groups.values()].map((g) => sample(ref, g.parts, mesh, { edge: g.edge }));
}

/** hostOf drops the port of a virtual host name, `web.default.svc.cluster.local:80`. */
function hostOf(virtualHost: string): string {
  return virtualHost.replace(/:\d+$/, '');
}

function peerKey(k: SeriesKey): string {
  return `${k.source}\u0000${k.sourceInstance}\u0000${k.destination}\u0000${k.destinationInstance}`;
}

const sameCaller = (c: SeriesKey) => (k: SeriesKey) =>
  k.source === c.source && k.sourceInstance === c.sourceInstance;
const sameDestination = (d: SeriesKey) => (k: SeriesKey) =>
  k.destination === d.destination && k.destinationInstance === d.destinationInstance;

/** podOf finds a running instance by namespace and name among the scraped proxies. */
function podOf(mesh: MetricsMesh, namespace: string, name: string): InstanceWindow['instance'] | undefined {
  return mesh.windows.find((w) => w.instance.namespace === namespace && w.instance.name === name)?.instance;
}

/** splitNodeId reads `<name>.<namespace>` (instance names are DNS labels, without dots). */
function splitNodeId(id: string): { name: string; namespace: string } | undefined {
  const dot = id.indexOf('.');
  return dot > 0 && dot < id.length - 1
    ? { name: id.slice(0, dot), namespace: id.slice(dot + 1) }
    : undefined;
}

function reference(kind: string, namespace: string, name: string): ObjectReference {
  return kind === 'Namespace' ? { kind, name } : { kind, namespace, name };
}

/** callerReference names the caller of inbound traffic as well as the mesh can. */
function callerReference(
  mesh: MetricsMesh,
  kind: MetricsKind,
  caller: SeriesKey,
): ObjectReference | undefined {
  const id = parseSpiffeId(caller.source);
  if (!id) return undefined;
  if (kind === 'Namespace') return reference('Namespace', '', id.namespace);
  const node = splitNodeId(caller.sourceInstance);
  if (node && node.namespace === id.namespace) {
    if (kind === 'Pod') return reference('Pod', node.namespace, node.name);
    const pod = podOf(mesh, node.namespace, node.name);
    if (pod) return reference('Deployment', pod.namespace, pod.workload);
  }
  const running = mesh.workloads.filter(
    (w) => w.metadata.namespace === id.namespace && w.spec.serviceAccount === id.serviceAccount,
  );
  return running.length === 1
    ? reference('Deployment', id.namespace, running[0]!.metadata.name)
    : reference('ServiceAccount', id.namespace, id.serviceAccount);
}

/** destinationReference names the destination of outbound traffic as well as the mesh can. */
function destinationReference(
  mesh: MetricsMesh,
  kind: MetricsKind,
  dest: SeriesKey,
): ObjectReference | undefined {
  const suffix = `.${SERVICE_DOMAIN_SUFFIX}`;
  if (!dest.destination.endsWith(suffix)) return undefined;
  const [service, namespace] = dest.destination.slice(0, -suffix.length).split('.');
  if (!service || !namespace) return undefined;
  if (kind === 'Namespace') return reference('Namespace', '', namespace);
  if (dest.destinationInstance !== '') {
    if (kind === 'Pod') return reference('Pod', namespace, dest.destinationInstance);
    const pod = podOf(mesh, namespace, dest.destinationInstance);
    if (pod) return reference('Deployment', pod.namespace, pod.workload);
  }
  return reference('Service', namespace, service);
}
