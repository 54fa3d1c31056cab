/**
 * SMI access control → the AuthorizationPolicies of one destination proxy. A TrafficTarget applies
 * to every instance running as its destination service account; each becomes one policy whose
 * sources are SPIFFE IDs and whose matches are what its rules allow:
 *
 *   HTTPRouteGroup rule   the named matches (all of them when the rule names none), as RouteMatches
 *   TCPRoute rule         L4 access to the app's port: a TcpMatch, plus a match-all RouteMatch
 *                         because HTTP rides on that TCP port (the conformance suite's
 *                         traffic-access case allows HTTP with a TCPRoute alone)
 *   UDPRoute rule         nothing: UDP does not pass through the mesh
 *
 * Ports (TCPRoute `matches.ports`, the v1alpha1/v1alpha2 destination `port`) name the destination's
 * ports: the Workload's `spec.port`, or the port of a Service that forwards to it (Kubernetes
 * manifests usually write the Service port). A workload here has one app port, so a port rule is
 * decided at compile time: a TrafficTarget whose destination port is not the app's allows nothing,
 * and the TcpMatch carries the app port, which is what the proxy checks. Pure.
 * @module
 */
import { spiffeId, type AuthorizationPolicy, type RouteMatch, type TcpMatch } from '../../config/index.js';
import type { HTTPMatch, TrafficTarget } from '../../smi/index.js';
import type { InstanceRecord } from '../registry.js';
import { matchesSelector, type ServiceResource } from '../resources/types.js';
import { proxyHeaderRegex, proxyPathRegex } from './proxy_regex.js';
import { findNamed, type SmiState } from './state.js';

/** MATCH_ALL is the RouteMatch that accepts every request. */
const MATCH_ALL: RouteMatch = { path_regex: '', methods: [], headers: [] };

/** destinationPorts is how a destination instance's port may be named: app port and Service ports to it. */
export function destinationPorts(self: InstanceRecord, services: readonly ServiceResource[]): Set<number> {
  const ports = new Set<number>([self.port]);
  for (const s of services) {
    if (s.metadata.namespace !== self.namespace || !matchesSelector(s.spec.selector, self.labels)) continue;
    for (const p of s.spec.ports) if (p.targetPort === self.port) ports.add(p.port);
  }
  return ports;
}

/** appliesTo is true when a TrafficTarget's destination is the identity `self` runs as. */
export function appliesTo(target: TrafficTarget, self: InstanceRecord): boolean {
  const d = target.spec.destination;
  return d.kind === 'ServiceAccount' && d.name === self.serviceAccount && d.namespace === self.namespace;
}

/** compileAccessPolicies builds the policies of the proxy in front of `self`, sorted by name. */
export function compileAccessPolicies(
  trustDomain: string,
  smi: SmiState,
  services: readonly ServiceResource[],
  self: InstanceRecord,
): AuthorizationPolicy[] {
  const ports = destinationPorts(self, services);
  const policies: AuthorizationPolicy[] = [];
  for (const target of smi.targets) {
    if (!appliesTo(target, self)) continue;
    const port = target.spec.destination.port;
    if (port !== undefined && !ports.has(port)) continue;
    const sources = [
      ...new Set(
        target.spec.sources
          .filter((s) => s.kind === 'ServiceAccount')
          .map((s) => spiffeId(trustDomain, s.namespace, s.name)),
      ),
    ].sort();
    if (sources.length === 0) continue;
    const http: RouteMatch[] = [];
    const tcp: TcpMatch[] = [];
    const namespace = target.metadata.namespace;
    for (const rule of target.spec.rules) {
      if (rule.kind === 'HTTPRouteGroup') {
        const group = findNamed(smi.groups, namespace, rule.name);
        const chosen = (group?.spec.matches ?? []).filter(
          (m) => rule.matches.length === 0 || rule.matches.includes(m.name),
        );
        for (const m of chosen) {
          const compiled = routeMatch(m);
          if (compiled) http.push(compiled);
        }
      } else if (rule.kind === 'TCPRoute') {
        const route = findNamed(smi.tcpRoutes, namespace, rule.name);
        if (!route) continue;
        const listed = route.spec.matches.ports;
        if (listed.length === 0) tcp.push({ ports: [] });
        else if (listed.some((p) => ports.has(p))) tcp.push({ ports: [self.port] });
        else continue;
        http.push(MATCH_ALL);
      }
    }
    if (http.length === 0 && tcp.length === 0) continue;
    policies.push({
      name: `${namespace}/${target.metadata.name}`,
      source_identities: sources,
      http_matches: unique(http),
      tcp_matches: unique(tcp),
    });
  }
  return policies.sort((a, b) => a.name.localeCompare(b.name));
}

/**
 * routeMatch turns an HTTPMatch into the proxy's RouteMatch; undefined when a regex cannot be sent
 * (apply refuses such groups, so this only guards state written by hand).
 */
export function routeMatch(m: HTTPMatch): RouteMatch | undefined {
  let path = '';
  if (m.pathRegex) {
    const converted = proxyPathRegex(m.pathRegex);
    if (!converted.ok) return undefined;
    path = converted.source;
  }
  const headers: RouteMatch['headers'] = [];
  for (const h of m.headers) {
    const converted = proxyHeaderRegex(h.regex);
    if (!converted.ok) return undefined;
    headers.push({ name: h.name.toLowerCase(), value_regex: converted.source });
  }
  const methods = m.methods.length === 0 || m.methods.includes('*') ? [] : [...m.methods];
  return { path_regex: path, methods, headers };
}

function unique<T>(items: T[]): T[] {
  const seen = new Set<string>();
  return items.filter((item) => {
    const key = JSON.stringify(item);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
