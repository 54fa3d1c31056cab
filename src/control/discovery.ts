/**
 * Kubernetes API discovery for the SMI groups the control plane serves, so that clients written for
 * a cluster (the SMI conformance suite, kubectl-style tools) learn which kinds and versions this mesh
 * accepts the way they would from a cluster with the SMI CRDs installed:
 *
 *   GET /apis                    APIGroupList: every SMI group with its versions, preferred first
 *   GET /apis/<group>            APIGroup
 *   GET /apis/<group>/<version>  APIResourceList: the kinds served at that version
 *
 * The declarable groups (split, access, specs) list what `apply` reads (SUPPORTED_VERSIONS); the
 * read-only metrics group lists the TrafficMetrics API versions (its resource lists are served by
 * ./metrics/http.ts).
 * @module
 */
import type { Hono } from 'hono';
import { HUB_VERSIONS, SMI_GROUPS, SUPPORTED_VERSIONS, type SmiKind } from '../smi/index.js';
import { NotFoundError } from './errors.js';

/** The TrafficMetrics API versions, preferred (newest) first. */
export const METRICS_VERSIONS = ['v1alpha2', 'v1alpha1'] as const;

interface ServedResource {
  /** Plural resource name, e.g. "trafficsplits". */
  name: string;
  singularName: string;
  kind: SmiKind;
  shortNames: string[];
}

const RESOURCES: Record<SmiKind, ServedResource> = {
  TrafficSplit: { name: 'trafficsplits', singularName: 'trafficsplit', kind: 'TrafficSplit', shortNames: ['ts'] },
  TrafficTarget: { name: 'traffictargets', singularName: 'traffictarget', kind: 'TrafficTarget', shortNames: ['tt'] },
  HTTPRouteGroup: { name: 'httproutegroups', singularName: 'httproutegroup', kind: 'HTTPRouteGroup', shortNames: ['htr'] },
  TCPRoute: { name: 'tcproutes', singularName: 'tcproute', kind: 'TCPRoute', shortNames: ['tr'] },
  UDPRoute: { name: 'udproutes', singularName: 'udproute', kind: 'UDPRoute', shortNames: ['ur'] },
}; // prettier-ignore

const VERBS = ['create', 'delete', 'get', 'list', 'update'];

/** groupOf names the API group of a declarable SMI kind. */
function groupOf(kind: SmiKind): string {
  return HUB_VERSIONS[kind].split('/')[0]!;
}

/** servedVersions maps each SMI group to its versions, newest first. */
export function servedVersions(): Map<string, string[]> {
  const out = new Map<string, Set<string>>();
  for (const kind of Object.keys(SUPPORTED_VERSIONS) as SmiKind[]) {
    const versions = out.get(groupOf(kind)) ?? new Set<string>();
    for (const v of SUPPORTED_VERSIONS[kind]) versions.add(v);
    out.set(groupOf(kind), versions);
  }
  out.set(SMI_GROUPS.metrics, new Set(METRICS_VERSIONS));
  return new Map([...out].map(([g, vs]) => [g, [...vs].sort().reverse()]));
}

function apiGroup(name: string, versions: string[]) {
  const list = versions.map((version) => ({ groupVersion: `${name}/${version}`, version }));
  return { name, versions: list, preferredVersion: list[0]! };
}

/** registerDiscovery adds the discovery routes; the metrics group's resource lists live with its API. */
export function registerDiscovery(app: Hono): void {
  const served = servedVersions();
  app.get('/apis', (c) =>
    c.json({
      kind: 'APIGroupList',
      apiVersion: 'v1',
      groups: [...served].map(([name, versions]) => apiGroup(name, versions)),
    }),
  );
  app.get('/apis/:group', (c) => {
    const group = c.req.param('group');
    const versions = served.get(group);
    if (!versions) throw new NotFoundError(`the mesh serves no API group ${group}`);
    return c.json({ kind: 'APIGroup', apiVersion: 'v1', ...apiGroup(group, versions) });
  });
  for (const [group, versions] of served) {
    if (group === SMI_GROUPS.metrics) continue;
    for (const version of versions) {
      const resources = (Object.keys(SUPPORTED_VERSIONS) as SmiKind[])
        .filter((kind) => groupOf(kind) === group && SUPPORTED_VERSIONS[kind].includes(version as never))
        .map((kind) => ({ ...RESOURCES[kind], namespaced: true, verbs: VERBS }));
      app.get(`/apis/${group}/${version}`, (c) =>
        c.json({ kind: 'APIResourceList', apiVersion: 'v1', groupVersion: `${group}/${version}`, resources }),
      );
    }
  }
}
