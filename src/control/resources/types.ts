/**
 * The resources the control plane stores, after validation and defaulting: Kubernetes-shaped
 * `v1/Service`, `v1/ServiceAccount`, meshplane's `meshplane.dev/v1alpha1/Workload`, and the SMI
 * kinds in src/smi's canonical model (TrafficSplit, TrafficTarget, HTTPRouteGroup, TCPRoute,
 * UDPRoute).
 * @module
 */
import type { SmiKind, SmiResource } from '../../smi/index.js';

export interface ObjectMeta {
  name: string;
  namespace: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

/** AppProtocol decides how the mesh treats a service port: routed HTTP, HTTP/2 (and gRPC), or opaque TCP. */
export type AppProtocol = 'http' | 'http2' | 'grpc' | 'tcp';

export interface ServicePort {
  name: string;
  port: number;
  targetPort: number;
  /** Transport, as on Kubernetes; only TCP. */
  protocol: 'TCP';
  appProtocol: AppProtocol;
}

export interface ServiceResource {
  apiVersion: 'v1';
  kind: 'Service';
  metadata: ObjectMeta;
  spec: { selector: Record<string, string>; ports: ServicePort[] };
}

export interface ServiceAccountResource {
  apiVersion: 'v1';
  kind: 'ServiceAccount';
  metadata: ObjectMeta;
}

/** ReadinessProbe: a TCP connect to the app's port unless httpGet is given. Times in seconds. */
export interface ReadinessProbe {
  httpGet?: { path: string; port: number };
  tcpSocket?: { port: number };
  initialDelaySeconds: number;
  periodSeconds: number;
  timeoutSeconds: number;
  successThreshold: number;
  failureThreshold: number;
}

/** Upstream is an outbound TCP listener on the instance's address for clients that do not speak HTTP. */
export interface Upstream {
  service: string;
  namespace: string;
  port: number;
  localPort: number;
}

export interface WorkloadSpec {
  serviceAccount: string;
  replicas: number;
  command: string[];
  env: Record<string, string>;
  port: number;
  workingDir?: string;
  readinessProbe: ReadinessProbe;
  upstreams: Upstream[];
}

export interface WorkloadResource {
  apiVersion: 'meshplane.dev/v1alpha1';
  kind: 'Workload';
  metadata: ObjectMeta;
  spec: WorkloadSpec;
}

export type Resource = ServiceResource | ServiceAccountResource | WorkloadResource | SmiResource;
export type ResourceKind = Resource['kind'];

/** SMI_GROUP_OF gives the API group kubectl-style names use for each SMI kind. */
const SMI_GROUP_OF: Record<SmiKind, string> = {
  TrafficSplit: 'split.smi-spec.io',
  TrafficTarget: 'access.smi-spec.io',
  HTTPRouteGroup: 'specs.smi-spec.io',
  TCPRoute: 'specs.smi-spec.io',
  UDPRoute: 'specs.smi-spec.io',
};

/** isSmiResource tells SMI resources from the control plane's own kinds. */
export function isSmiResource(r: Resource): r is SmiResource {
  return r.kind in SMI_GROUP_OF;
}

/** kindGroup is the API group suffix of a kind in kubectl-style names ("" for the core group). */
export function kindGroup(kind: string): string {
  if (kind === 'Workload') return 'meshplane.dev';
  return SMI_GROUP_OF[kind as SmiKind] ?? '';
}

/** resourceKey identifies a resource: "<kind>/<namespace>/<name>". */
export function resourceKey(r: { kind: string; metadata: { namespace: string; name: string } }): string {
  return `${r.kind}/${r.metadata.namespace}/${r.metadata.name}`;
}

/** displayName is how messages and the CLI name a resource: "workload.meshplane.dev/web". */
export function displayName(r: { kind: string; metadata: { name: string } }): string {
  const group = kindGroup(r.kind);
  return `${r.kind.toLowerCase()}${group ? `.${group}` : ''}/${r.metadata.name}`;
}

/** matchesSelector is Kubernetes equality-based selection; an empty selector matches nothing here. */
export function matchesSelector(selector: Record<string, string>, labels: Record<string, string>): boolean {
  const entries = Object.entries(selector);
  return entries.length > 0 && entries.every(([k, v]) => labels[k] === v);
}
