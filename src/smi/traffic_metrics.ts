/**
 * TrafficMetrics (`metrics.smi-spec.io` v1alpha1 and v1alpha2): the read-only objects the control
 * plane serves. Plain data and serialisers only; no HTTP. v1alpha2 adds `edge.side` and the
 * per-backend `backend` field of TrafficSplit metrics; the v1alpha1 form leaves both out.
 * @module
 */
import { formatWindow } from './window.js';
import { formatMilliQuantity } from './quantity.js';
import { SMI_GROUPS } from './model.js';

/** TrafficMetricsVersion is a metrics API version. */
export type TrafficMetricsVersion = 'v1alpha1' | 'v1alpha2';

/** ObjectReference names a Kubernetes object; an empty one means "all traffic" on an edge. */
export interface ObjectReference {
  kind?: string;
  namespace?: string;
  name?: string;
  apiVersion?: string;
}

/** MetricsEdge scopes metrics to traffic to or from another resource. */
export interface MetricsEdge {
  direction: 'to' | 'from';
  /** v1alpha2 only: where the traffic was observed. */
  side?: 'client' | 'server';
  resource: ObjectReference;
}

/** MetricsBackend says which TrafficSplit backend an item covers (v1alpha2). */
export interface MetricsBackend {
  apex: string;
  name: string;
  weight: number;
}

/** TrafficMetricsSample is what the control plane knows for one resource (and edge) over a window. */
export interface TrafficMetricsSample {
  resource: ObjectReference;
  edge?: MetricsEdge;
  backend?: MetricsBackend;
  /** End of the window. */
  timestamp: Date;
  /** Window length in milliseconds (the SDK's default is 30 s). */
  windowMs: number;
  /** Latency percentiles in integer microseconds; undefined when no request completed. */
  latencyMicros?: { p50: number; p90: number; p99: number };
  successCount: number;
  failureCount: number;
}

/** METRICS_RESOURCES maps kinds to the plural the API serves them under, and whether they are namespaced. */
export const METRICS_RESOURCES: Record<string, { plural: string; namespaced: boolean }> = {
  Namespace: { plural: 'namespaces', namespaced: false },
  Node: { plural: 'nodes', namespaced: false },
  Pod: { plural: 'pods', namespaced: true },
  ReplicationController: { plural: 'replicationcontrollers', namespaced: true },
  Service: { plural: 'services', namespaced: true },
  DaemonSet: { plural: 'daemonsets', namespaced: true },
  Deployment: { plural: 'deployments', namespaced: true },
  ReplicaSet: { plural: 'replicasets', namespaced: true },
  StatefulSet: { plural: 'statefulsets', namespaced: true },
  Job: { plural: 'jobs', namespaced: true },
  TrafficSplit: { plural: 'trafficsplits', namespaced: true },
};

/**
 * metricsPath is the API path of a resource's metrics, e.g.
 * `/apis/metrics.smi-spec.io/v1alpha2/namespaces/ns/deployments/web[/edges]`; without a name it is
 * the list path for the kind.
 */
export function metricsPath(ref: ObjectReference, version: TrafficMetricsVersion, edges = false): string {
  const info = METRICS_RESOURCES[ref.kind ?? ''];
  if (!info) throw new RangeError(`metricsPath: no TrafficMetrics for kind ${String(ref.kind)}`);
  const ns = info.namespaced && ref.namespace ? `/namespaces/${ref.namespace}` : '';
  const name = ref.name ? `/${ref.name}` : '';
  return `/apis/${SMI_GROUPS.metrics}/${version}${ns}/${info.plural}${name}${edges && ref.name ? '/edges' : ''}`;
}

function reference(ref: ObjectReference): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of ['kind', 'namespace', 'name', 'apiVersion'] as const) if (ref[key]) out[key] = ref[key];
  return out;
}

/** millisQuantity writes microseconds as a millisecond quantity (`12500` µs → `12500m` ms). */
function millisQuantity(micros: number): string {
  return formatMilliQuantity(Math.round(micros));
}

/**
 * trafficMetricsToJson renders one TrafficMetrics object: latencies as `unit: ms` quantities (as
 * the SDK does), counts as plain quantities, `window` in Go duration text.
 */
export function trafficMetricsToJson(
  sample: TrafficMetricsSample,
  version: TrafficMetricsVersion,
): Record<string, unknown> {
  const { resource, edge, backend } = sample;
  const latency = (name: string, value: number | undefined) => ({
    name,
    unit: 'ms',
    value: millisQuantity(value ?? 0),
  });
  const out: Record<string, unknown> = {
    kind: 'TrafficMetrics',
    apiVersion: `${SMI_GROUPS.metrics}/${version}`,
    metadata: {
      name: resource.name ?? '',
      ...(resource.namespace ? { namespace: resource.namespace } : {}),
      creationTimestamp: sample.timestamp.toISOString().replace(/\.\d{3}Z$/, 'Z'),
      // A TrafficSplit item's edge says where it was observed; splits have no /edges of their own.
      selfLink:
        resource.kind && resource.name
          ? metricsPath(resource, version, edge !== undefined && resource.kind !== 'TrafficSplit')
          : undefined,
    },
    timestamp: sample.timestamp.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    window: formatWindow(Math.round(sample.windowMs)),
    resource: reference(resource),
    edge: edge
      ? {
          direction: edge.direction,
          ...(version === 'v1alpha2' && edge.side ? { side: edge.side } : {}),
          resource: reference(edge.resource),
        }
      : null,
    metrics: [
      latency('p99_response_latency', sample.latencyMicros?.p99),
      latency('p90_response_latency', sample.latencyMicros?.p90),
      latency('p50_response_latency', sample.latencyMicros?.p50),
      { name: 'success_count', value: formatMilliQuantity(sample.successCount * 1000) },
      { name: 'failure_count', value: formatMilliQuantity(sample.failureCount * 1000) },
    ],
  };
  if (version === 'v1alpha2') out.backend = backend ? { ...backend } : null;
  if ((out.metadata as Record<string, unknown>).selfLink === undefined)
    delete (out.metadata as Record<string, unknown>).selfLink;
  return out;
}

/** TrafficMetricsListInput is what a list response is built from. */
export interface TrafficMetricsListInput {
  /** The listed kind (and namespace), or the resource whose edges are listed. */
  resource: ObjectReference;
  /** Present when the list was filtered by labels; it filters items, never the metrics. */
  selector?: { matchLabels?: Record<string, string> };
  items: TrafficMetricsSample[];
  /** True for `…/{name}/edges`. */
  edges?: boolean;
}

/** trafficMetricsListToJson renders a TrafficMetricsList. */
export function trafficMetricsListToJson(
  list: TrafficMetricsListInput,
  version: TrafficMetricsVersion,
): Record<string, unknown> {
  return {
    kind: 'TrafficMetricsList',
    apiVersion: `${SMI_GROUPS.metrics}/${version}`,
    metadata: {
      // A list of kind is at the plural's path; edges, and one TrafficSplit's backends, at the object's.
      selfLink: metricsPath(
        list.edges || list.resource.kind === 'TrafficSplit'
          ? list.resource
          : { ...list.resource, name: undefined },
        version,
        list.edges,
      ),
    },
    resource: reference(list.resource),
    ...(list.selector ? { selector: list.selector } : {}),
    items: list.items.map((item) => trafficMetricsToJson(item, version)),
  };
}
