/**
 * Proxy windows → TrafficMetrics samples. Pure. Where each resource's numbers come from:
 *
 *   Namespace, Deployment (a Workload), Pod (an instance)
 *                 server side: what the resource's own proxies served (inbound), summed
 *   Service       client side: what every proxy sent to the service's FQDN (outbound)
 *   TrafficSplit  one item per backend: the backend Service's client-side numbers, with `backend`
 *   edges         "from" (side server): inbound by caller identity → the caller's Workload when one
 *                 Workload runs as that service account, else the ServiceAccount (a Namespace for
 *                 namespaces); "to" (side client): outbound by destination Service (or Namespace).
 *                 A Service's edges are "from" the Workloads whose proxies called it.
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
import type { LatencyHistogram, RequestCount } from './proxy_stats.js';
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

/** inbound is what a proxy served, optionally from one caller. */
function inbound(w: InstanceWindow, source?: string): Part {
  const requests = w.stats.requests.filter(
    (r) => r.direction === 'inbound' && (source === undefined || r.source === source),
  );
  const all = w.stats.latency.filter((h) => h.direction === 'inbound');
  const bySource = source === undefined ? all : all.filter((h) => h.source === source);
  // Without a source label on the histogram, a caller's latency is the workload's inbound latency.
  const latency = source !== undefined && all.every((h) => h.source === '') ? all : bySource;
  return { requests, latency, windowMs: w.windowMs, at: w.at };
}

/** outbound is what a proxy sent to one service (or to every service). */
function outbound(w: InstanceWindow, fqdn?: string): Part {
  const requests = w.stats.requests.filter(
    (r) =>
      r.direction === 'outbound' && r.destination !== '' && (fqdn === undefined || r.destination === fqdn),
  );
  const latency = w.stats.latency.filter(
    (h) =>
      h.direction === 'outbound' && (fqdn === undefined ? h.cluster !== '' : h.cluster.endsWith(`||${fqdn}`)),
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

/** splitSamples gives one item per backend of a TrafficSplit (v1alpha2 `backend`). */
export function splitSamples(mesh: MetricsMesh, split: TrafficSplit): TrafficMetricsSample[] {
  const { namespace, name } = split.metadata;
  return split.spec.backends.map((b) =>
    sample(
      reference('TrafficSplit', namespace, name),
      mesh.windows.map((w) => outbound(w, serviceFqdn(b.service, namespace))),
      mesh,
      {
        edge: { direction: 'from', side: 'client', resource: {} },
        backend: { apex: split.spec.service, name: b.service, weight: b.weight },
      },
    ),
  );
}

/** edgeSamples lists the edges of one resource: one item per peer that traffic flowed with. */
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
      const sources = new Set(
        w.stats.requests.filter((r) => r.direction === 'inbound' && r.source !== '').map((r) => r.source),
      );
      for (const source of sources) {
        const peer = callerReference(mesh, kind, source);
        if (peer) add({ direction: 'from', side: 'server', resource: peer }, inbound(w, source));
      }
      const destinations = new Set(
        w.stats.requests
          .filter((r) => r.direction === 'outbound' && r.destination !== '')
          .map((r) => r.destination),
      );
      for (const fqdn of destinations) {
        const peer = serviceReference(kind, fqdn);
        if (peer) add({ direction: 'to', side: 'client', resource: peer }, outbound(w, fqdn));
      }
    }
  }
  return [...groups.values()].map((g) => sample(ref, g.parts, mesh, { edge: g.edge }));
}

function reference(kind: string, namespace: string, name: string): ObjectReference {
  return kind === 'Namespace' ? { kind, name } : { kind, namespace, name };
}

/** callerReference names the caller behind a SPIFFE ID as well as the mesh can. */
function callerReference(mesh: MetricsMesh, kind: MetricsKind, source: string): ObjectReference | undefined {
  const id = parseSpiffeId(source);
  if (!id) return undefined;
  if (kind === 'Namespace') return reference('Namespace', '', id.namespace);
  const running = mesh.workloads.filter(
    (w) => w.metadata.namespace === id.namespace && w.spec.serviceAccount === id.serviceAccount,
  );
  return running.length === 1
    ? reference('Deployment', id.namespace, running[0]!.metadata.name)
    : reference('ServiceAccount', id.namespace, id.serviceAccount);
}

function serviceReference(kind: MetricsKind, fqdn: string): ObjectReference | undefined {
  const suffix = `.${SERVICE_DOMAIN_SUFFIX}`;
  if (!fqdn.endsWith(suffix)) return undefined;
  const [service, namespace] = fqdn.slice(0, -suffix.length).split('.');
  if (!service || !namespace) return undefined;
  return kind === 'Namespace'
    ? reference('Namespace', '', namespace)
    : reference('Service', namespace, service);
}
