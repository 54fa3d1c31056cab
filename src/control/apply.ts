/**
 * Pure planning of apply and delete: given the stored resources and a file's resources, compute the
 * next state or throw an error naming the resource and field. Nothing is written here, so a bad file
 * changes nothing; the store persists the planned state in one atomic write.
 * @module
 */
import { InvalidInputError } from '../errors/index.js';
import { CONTROL_ERR_NOT_FOUND, CONTROL_ERR_UNRESOLVED_REFERENCE } from './errors.js';
import {
  matchesSelector,
  resourceKey,
  type Resource,
  type ServiceResource,
  type WorkloadResource,
} from './resources/types.js';
import { DEFAULT_SERVICE_ACCOUNT } from './resources/validate.js';
import { checkSmiReferences } from './smi/checks.js';

/** StoredResource is a resource with the bookkeeping the store adds. */
export interface StoredResource {
  resource: Resource;
  createdAt: string;
  updatedAt: string;
  generation: number;
}

export type ResourceState = ReadonlyMap<string, StoredResource>;

export type ApplyAction = 'created' | 'configured' | 'unchanged' | 'deleted';

export interface ChangeResult {
  kind: string;
  namespace: string;
  name: string;
  action: ApplyAction;
}

export interface Plan {
  next: Map<string, StoredResource>;
  results: ChangeResult[];
  changed: boolean;
}

const where = (source: string, r: Resource): string =>
  `${source}: ${r.kind} "${r.metadata.namespace}/${r.metadata.name}"`;

/** planApply merges `incoming` into `current` and checks every reference in the result. */
export function planApply(current: ResourceState, incoming: Resource[], source: string, now: Date): Plan {
  const next = new Map(current);
  const results: ChangeResult[] = [];
  const touched = new Set<string>();
  for (const resource of incoming) {
    const key = resourceKey(resource);
    if (touched.has(key)) {
      throw new InvalidInputError(
        'metadata.name',
        resource.metadata.name,
        'a name used once per kind and namespace in one file',
        where(source, resource),
      );
    }
    touched.add(key);
    const old = next.get(key);
    const same = old !== undefined && JSON.stringify(old.resource) === JSON.stringify(resource);
    const stamp = now.toISOString();
    next.set(
      key,
      same
        ? old
        : {
            resource,
            createdAt: old?.createdAt ?? stamp,
            updatedAt: stamp,
            generation: (old?.generation ?? 0) + 1,
          },
    );
    results.push({
      ...ids(resource),
      action: old === undefined ? 'created' : same ? 'unchanged' : 'configured',
    });
  }
  checkReferences(next, touched, source);
  checkSmiReferences(
    [...next.values()].map((s) => s.resource),
    touched,
    source,
  );
  return { next, results, changed: results.some((r) => r.action !== 'unchanged') };
}

/** planDelete removes `incoming` from `current`; a missing resource is an error unless ignored. */
export function planDelete(
  current: ResourceState,
  incoming: Resource[],
  source: string,
  ignoreNotFound: boolean,
): Plan {
  const next = new Map(current);
  const results: ChangeResult[] = [];
  for (const resource of incoming) {
    const key = resourceKey(resource);
    if (!next.delete(key)) {
      if (ignoreNotFound) continue;
      throw new InvalidInputError(
        'metadata.name',
        resource.metadata.name,
        'an existing resource (nothing was deleted; use --ignore-not-found to skip missing ones)',
        where(source, resource),
        CONTROL_ERR_NOT_FOUND,
      );
    }
    results.push({ ...ids(resource), action: 'deleted' });
  }
  return { next, results, changed: results.length > 0 };
}

function ids(r: Resource): Omit<ChangeResult, 'action'> {
  return { kind: r.kind, namespace: r.metadata.namespace, name: r.metadata.name };
}

/** checkReferences validates what the touched resources refer to and what refers to them. */
function checkReferences(state: ResourceState, touched: Set<string>, source: string): void {
  const all = [...state.values()].map((s) => s.resource);
  const workloads = all.filter((r): r is WorkloadResource => r.kind === 'Workload');
  const services = all.filter((r): r is ServiceResource => r.kind === 'Service');
  const has = (kind: string, namespace: string, name: string): boolean =>
    state.has(`${kind}/${namespace}/${name}`);
  const fail = (r: Resource, field: string, value: unknown, expected: string): never => {
    throw new InvalidInputError(field, value, expected, where(source, r), CONTROL_ERR_UNRESOLVED_REFERENCE);
  };
  for (const w of workloads) {
    if (!touched.has(resourceKey(w))) continue;
    const { namespace } = w.metadata;
    const sa = w.spec.serviceAccount;
    if (sa !== DEFAULT_SERVICE_ACCOUNT && !has('ServiceAccount', namespace, sa)) {
      fail(
        w,
        'spec.serviceAccount',
        sa,
        `a ServiceAccount in namespace "${namespace}" (declare it in this file or apply it first)`,
      );
    }
    w.spec.upstreams.forEach((u, i) => {
      const svc = services.find((s) => s.metadata.namespace === u.namespace && s.metadata.name === u.service);
      if (!svc)
        return fail(w, `spec.upstreams[${i}].service`, u.service, `a Service in namespace "${u.namespace}"`);
      if (!svc.spec.ports.some((p) => p.port === u.port)) {
        fail(
          w,
          `spec.upstreams[${i}].port`,
          u.port,
          `a port of Service "${u.namespace}/${u.service}" (${svc.spec.ports.map((p) => p.port).join(', ')})`,
        );
      }
    });
  }
  for (const s of services) {
    const selected = workloads.filter(
      (w) =>
        w.metadata.namespace === s.metadata.namespace && matchesSelector(s.spec.selector, w.metadata.labels),
    );
    const sTouched = touched.has(resourceKey(s));
    if (sTouched && selected.length === 0) {
      fail(
        s,
        'spec.selector',
        s.spec.selector,
        `labels of at least one Workload in namespace "${s.metadata.namespace}"`,
      );
    }
    for (const w of selected) {
      if (!sTouched && !touched.has(resourceKey(w))) continue;
      s.spec.ports.forEach((p, i) => {
        if (p.targetPort !== w.spec.port) {
          const culprit = sTouched ? s : w;
          if (culprit === s) {
            fail(
              s,
              `spec.ports[${i}].targetPort`,
              p.targetPort,
              `${w.spec.port}, the port of selected Workload "${w.metadata.name}"`,
            );
          }
          fail(
            w,
            'spec.port',
            w.spec.port,
            `${p.targetPort}, the targetPort of Service "${s.metadata.name}" that selects it`,
          );
        }
      });
    }
  }
}
