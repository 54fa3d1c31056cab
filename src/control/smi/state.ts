/**
 * SmiState: the stored SMI resources by kind, as the compiler, the apply checks and the event
 * analysis read them.
 * @module
 */
import type { HTTPRouteGroup, TCPRoute, TrafficSplit, TrafficTarget, UDPRoute } from '../../smi/index.js';
import type { Resource } from '../resources/types.js';

/** SmiState holds every SMI resource of the mesh, by kind. */
export interface SmiState {
  splits: TrafficSplit[];
  targets: TrafficTarget[];
  groups: HTTPRouteGroup[];
  tcpRoutes: TCPRoute[];
  udpRoutes: UDPRoute[];
}

/** EMPTY_SMI is a mesh without SMI resources. */
export const EMPTY_SMI: SmiState = { splits: [], targets: [], groups: [], tcpRoutes: [], udpRoutes: [] };

/** smiState picks the SMI resources out of a resource list, ordered by namespace and name. */
export function smiState(resources: readonly Resource[]): SmiState {
  const state: SmiState = { splits: [], targets: [], groups: [], tcpRoutes: [], udpRoutes: [] };
  const ordered = [...resources].sort((a, b) =>
    `${a.metadata.namespace}/${a.metadata.name}`.localeCompare(`${b.metadata.namespace}/${b.metadata.name}`),
  );
  for (const r of ordered) {
    if (r.kind === 'TrafficSplit') state.splits.push(r);
    else if (r.kind === 'TrafficTarget') state.targets.push(r);
    else if (r.kind === 'HTTPRouteGroup') state.groups.push(r);
    else if (r.kind === 'TCPRoute') state.tcpRoutes.push(r);
    else if (r.kind === 'UDPRoute') state.udpRoutes.push(r);
  }
  return state;
}

/** findNamed finds a resource by namespace and name. */
export function findNamed<R extends { metadata: { name: string; namespace: string } }>(
  list: readonly R[],
  namespace: string,
  name: string,
): R | undefined {
  return list.find((r) => r.metadata.namespace === namespace && r.metadata.name === name);
}
