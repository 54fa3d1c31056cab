/**
 * Kubernetes-shaped read views for the HTTP API and `meshplane get`: each stored resource with
 * metadata.creationTimestamp and a status, and v1/Endpoints objects computed from ready instances.
 * @module
 */
import { toSmiManifest } from '../smi/index.js';
import type { StoredResource } from './apply.js';
import { selectedInstances } from './compiler.js';
import type { InstanceRecord } from './registry.js';
import { isSmiResource, type Resource, type ServiceResource } from './resources/types.js';
import { resolveSplit, type ExclusionReason } from './smi/split.js';
import type { SmiState } from './smi/state.js';

export interface ResourceView {
  apiVersion: string;
  kind: string;
  metadata: Resource['metadata'] & { creationTimestamp: string; generation: number };
  spec?: unknown;
  status?: unknown;
}

export interface WorkloadStatus {
  replicas: number;
  readyReplicas: number;
  restarts: number;
  instances: InstanceRecord[];
}

export interface ServiceStatus {
  readyEndpoints: number;
  endpoints: number;
}

/** TrafficSplitStatus is how a split takes effect on each port of its apex Service. */
export interface TrafficSplitStatus {
  /** False when the apex Service does not exist (yet). */
  apexFound: boolean;
  ports: {
    port: number;
    /** Each backend's share of the requests on this port (0–1); excluded backends get 0. */
    backends: { service: string; weight: number; share: number; excluded?: ExclusionReason }[];
  }[];
}

/** ViewContext is the rest of the mesh a view may need. */
export interface ViewContext {
  instances: InstanceRecord[];
  services: ServiceResource[];
  smi: SmiState;
}

export interface EndpointAddress {
  ip: string;
  targetRef: { kind: 'Instance'; name: string; namespace: string };
}

export interface EndpointsView {
  apiVersion: 'v1';
  kind: 'Endpoints';
  metadata: { name: string; namespace: string; creationTimestamp: string };
  subsets: {
    addresses: EndpointAddress[];
    notReadyAddresses: EndpointAddress[];
    ports: { name: string; port: number; protocol: 'TCP'; appProtocol: string }[];
  }[];
}

function withMeta(entry: StoredResource): ResourceView {
  const r = entry.resource;
  return {
    ...r,
    metadata: { ...r.metadata, creationTimestamp: entry.createdAt, generation: entry.generation },
  } as ResourceView;
}

/**
 * viewResource adds the status `get` shows for workloads, services and traffic splits; SMI
 * resources are shown at their canonical (hub) version, as the published CRDs store them.
 */
export function viewResource(entry: StoredResource, ctx: ViewContext): ResourceView {
  const { instances } = ctx;
  const r = entry.resource;
  if (isSmiResource(r)) {
    const manifest = toSmiManifest(r) as { apiVersion: string; kind: string; spec?: unknown };
    const view: ResourceView = {
      apiVersion: manifest.apiVersion,
      kind: manifest.kind,
      metadata: {
        ...r.metadata,
        annotations: { ...r.metadata.annotations, 'meshplane.dev/source-api-version': r.sourceApiVersion },
        creationTimestamp: entry.createdAt,
        generation: entry.generation,
      },
      spec: manifest.spec,
    };
    if (r.kind === 'TrafficSplit') view.status = splitStatus(resolveSplit(r, ctx.services, ctx.smi));
    return view;
  }
  const view = withMeta(entry);
  if (r.kind === 'Workload') {
    const own = instances.filter(
      (i) => i.namespace === r.metadata.namespace && i.workload === r.metadata.name,
    );
    const status: WorkloadStatus = {
      replicas: r.spec.replicas,
      readyReplicas: own.filter((i) => i.ready).length,
      restarts: own.reduce((n, i) => n + i.restarts, 0),
      instances: own,
    };
    view.status = status;
  } else if (r.kind === 'Service') {
    const selected = selectedInstances(r, instances);
    const status: ServiceStatus = {
      readyEndpoints: selected.filter((e) => e.ready).length,
      endpoints: selected.length,
    };
    view.status = status;
  }
  return view;
}

/** viewEndpoints is the v1/Endpoints object of a Service: ready and not-ready instance addresses. */
export function viewEndpoints(
  entry: StoredResource & { resource: ServiceResource },
  instances: InstanceRecord[],
): EndpointsView {
  const svc = entry.resource;
  const selected = selectedInstances(svc, instances);
  const address = (i: InstanceRecord): EndpointAddress => ({
    ip: i.address,
    targetRef: { kind: 'Instance', name: i.name, namespace: i.namespace },
  });
  return {
    apiVersion: 'v1',
    kind: 'Endpoints',
    metadata: {
      name: svc.metadata.name,
      namespace: svc.metadata.namespace,
      creationTimestamp: entry.createdAt,
    },
    subsets:
      selected.length === 0
        ? []
        : [
            {
              addresses: selected.filter((e) => e.ready).map((e) => address(e.instance)),
              notReadyAddresses: selected.filter((e) => !e.ready).map((e) => address(e.instance)),
              ports: svc.spec.ports.map((p) => ({
                name: p.name,
                port: p.targetPort,
                protocol: 'TCP',
                appProtocol: p.appProtocol,
              })),
            },
          ],
  };
}

function splitStatus(resolved: ReturnType<typeof resolveSplit>): TrafficSplitStatus {
  return {
    apexFound: resolved.apex !== undefined,
    ports: resolved.ports.map((p) => {
      const total = p.backends.reduce((n, b) => n + (b.excluded ? 0 : b.weight), 0);
      return {
        port: p.port.port,
        backends: p.backends.map((b) => ({
          service: b.service,
          weight: b.weight,
          share: b.excluded || total === 0 ? 0 : b.weight / total,
          ...(b.excluded ? { excluded: b.excluded } : {}),
        })),
      };
    }),
  };
}
