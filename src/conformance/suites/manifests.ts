/**
 * Builders of the objects the suites apply: the sample app's accounts and Services, and SMI
 * resources written in each apiVersion they exist in (the same intent, version by version).
 * @module
 */
import type { KubernetesObject } from '../../manifest/index.js';
import type { SampleWorkload } from '../driver.js';
import type { AppName, Deployment } from './types.js';

/** APP_PORT is the sample app's port and the port of every Service in the suites (as in the original). */
export const APP_PORT = 9091;

export const SERVICE_ACCOUNTS: Record<AppName, string> = {
  'app-a': 'service-a',
  'app-b': 'service-b',
  'app-c': 'service-c',
};

const SPLIT = 'split.smi-spec.io';
const ACCESS = 'access.smi-spec.io';
const SPECS = 'specs.smi-spec.io';

function meta(namespace: string, name: string, labels?: Record<string, string>): Record<string, unknown> {
  return { name, namespace, ...(labels ? { labels } : {}) };
}

/** appLabels are the pod labels of the original suites: split puts b and c behind app=app. */
export function appLabels(app: AppName, deployment: Deployment): Record<string, string> {
  if (deployment === 'split' && app !== 'app-a') return { app: 'app', version: app.slice(-1) };
  return { app };
}

/** sampleWorkloads are the three sample apps of a deployment. */
export function sampleWorkloads(namespace: string, deployment: Deployment): SampleWorkload[] {
  return (['app-a', 'app-b', 'app-c'] as const).map((app) => ({
    namespace,
    name: app,
    serviceAccount: SERVICE_ACCOUNTS[app],
    labels: appLabels(app, deployment),
    env: { SERVICE_NAME: app },
    port: APP_PORT,
  }));
}

function service(namespace: string, name: string, selector: Record<string, string>): KubernetesObject {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: meta(namespace, name),
    spec: { selector, ports: [{ name: 'http', protocol: 'TCP', port: APP_PORT, targetPort: APP_PORT }] },
  };
}

/**
 * appObjects are the accounts and Services around the sample apps: Services app-a/b/c:9091, and for
 * the split layout app-svc selecting both b and c.
 */
export function appObjects(namespace: string, deployment: Deployment): KubernetesObject[] {
  const accounts = Object.values(SERVICE_ACCOUNTS).map((name) => ({
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    metadata: meta(namespace, name),
  }));
  const services = (['app-a', 'app-b', 'app-c'] as const).map((app) =>
    service(namespace, app, appLabels(app, deployment)),
  );
  if (deployment === 'split') services.push(service(namespace, 'app-svc', { app: 'app' }));
  return [...accounts, ...services];
}

// --- traffic specs ---------------------------------------------------------------------------------

/** tcpRoute writes a TCPRoute; ports exist from v1alpha4 (earlier versions mean every port). */
export function tcpRoute(
  namespace: string,
  name: string,
  version: string,
  ports: number[] = [],
): KubernetesObject {
  const base = { apiVersion: `${SPECS}/${version}`, kind: 'TCPRoute', metadata: meta(namespace, name) };
  if (version === 'v1alpha1' || version === 'v1alpha2') return base;
  if (version === 'v1alpha3') return { ...base, spec: {} };
  return { ...base, spec: { matches: { ports } } };
}

export function udpRoute(namespace: string, name: string, ports: number[]): KubernetesObject {
  return {
    apiVersion: `${SPECS}/v1alpha4`,
    kind: 'UDPRoute',
    metadata: meta(namespace, name),
    spec: { matches: { ports } },
  };
}

/** HttpMatch is one HTTPRouteGroup match; headers are ANDed. */
export interface HttpMatch {
  name: string;
  pathRegex?: string;
  methods?: string[];
  headers?: Record<string, string>;
}

/**
 * httpRouteGroup writes an HTTPRouteGroup: top-level `matches` in v1alpha1/v1alpha2, under `spec`
 * from v1alpha3; headers in the documented map form, or with `headerList` in the CRD's list of
 * single-key objects.
 */
export function httpRouteGroup(
  namespace: string,
  name: string,
  version: string,
  matches: HttpMatch[],
  headerList = false,
): KubernetesObject {
  const written = matches.map((m) => {
    const out: Record<string, unknown> = { name: m.name };
    if (m.pathRegex !== undefined) out.pathRegex = m.pathRegex;
    if (m.methods) out.methods = m.methods;
    if (m.headers) {
      out.headers = headerList ? Object.entries(m.headers).map(([k, v]) => ({ [k]: v })) : { ...m.headers };
    }
    return out;
  });
  const base = { apiVersion: `${SPECS}/${version}`, kind: 'HTTPRouteGroup', metadata: meta(namespace, name) };
  return version === 'v1alpha1' || version === 'v1alpha2'
    ? { ...base, matches: written }
    : { ...base, spec: { matches: written } };
}

// --- traffic access --------------------------------------------------------------------------------

/** Rule is one TrafficTarget rule: a route kind and name, optionally limited to named matches. */
export interface Rule {
  kind: 'HTTPRouteGroup' | 'TCPRoute' | 'UDPRoute';
  name: string;
  matches?: string[];
}

/**
 * trafficTarget writes a TrafficTarget from the sources' to the destination's service account.
 * v1alpha1 has no `spec` and calls the rules `specs`; its CRD requires destination.port, so `port`
 * is written there (and in v1alpha2 when given); v1alpha3 has no port.
 */
export function trafficTarget(
  namespace: string,
  name: string,
  version: string,
  destination: string,
  sources: string[],
  rules: Rule[],
  port?: number,
): KubernetesObject {
  const subject = (sa: string) => ({ kind: 'ServiceAccount', name: sa, namespace });
  const dest = { ...subject(destination), ...(port !== undefined && version !== 'v1alpha3' ? { port } : {}) };
  const writtenRules = rules.map((r) => ({
    kind: r.kind,
    name: r.name,
    ...(r.matches ? { matches: r.matches } : {}),
  }));
  const base = { apiVersion: `${ACCESS}/${version}`, kind: 'TrafficTarget', metadata: meta(namespace, name) };
  if (version === 'v1alpha1')
    return { ...base, destination: dest, sources: sources.map(subject), specs: writtenRules };
  return { ...base, spec: { destination: dest, sources: sources.map(subject), rules: writtenRules } };
}

/** allowAll lets `sources` reach `destination` on every port (a TCPRoute with ports: []). */
export function allowAll(
  namespace: string,
  name: string,
  destination: string,
  sources: string[],
): KubernetesObject[] {
  return [
    tcpRoute(namespace, `${name}-ports`, 'v1alpha4'),
    trafficTarget(namespace, name, 'v1alpha3', destination, sources, [
      { kind: 'TCPRoute', name: `${name}-ports` },
    ]),
  ];
}

// --- traffic split ---------------------------------------------------------------------------------

/**
 * trafficSplit writes a TrafficSplit. Weights are integers from v1alpha2; in v1alpha1 they are
 * Kubernetes quantities and are written as given (e.g. "500m"). `matches` exists from v1alpha3.
 */
export function trafficSplit(
  namespace: string,
  name: string,
  version: string,
  apex: string,
  backends: { service: string; weight: number | string }[],
  matches: string[] = [],
): KubernetesObject {
  const spec: Record<string, unknown> = {
    service: apex,
    backends: backends.map((b) => ({
      service: b.service,
      weight: version === 'v1alpha1' ? b.weight : Number(b.weight),
    })),
  };
  if (matches.length > 0) spec.matches = matches.map((m) => ({ kind: 'HTTPRouteGroup', name: m }));
  return { apiVersion: `${SPLIT}/${version}`, kind: 'TrafficSplit', metadata: meta(namespace, name), spec };
}
