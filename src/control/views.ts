/**
 * Kubernetes-shaped read views for the HTTP API and `meshplane get`: each stored resource with
 * metadata.creationTimestamp and a status, and v1/Endpoints objects computed from ready instances.
 * @module
 */
import type { StoredResource } from './apply.js';
import { selectedInstances } from './compiler.js';
import type { InstanceRecord } from './registry.js';
import type { Resource, ServiceResource } from './resources/types.js';

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

/** viewResource adds the status `get` shows for workloads and services. */
export function viewResource(entry: StoredResource, instances: InstanceRecord[]): ResourceView {
  const view = withMeta(entry);
  const r = entry.resource;
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
