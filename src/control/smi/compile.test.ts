// SMI → proxy config: splits (weights, weight 0, excluded backends, matches with fallback, TCP per
// connection), access policies (sources, HTTP matches, TCP ports, v1alpha1/v1alpha2 destination
// ports, access modes), and the regex translation the sidecar relies on.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ProxyConfig, RouteMatch } from '../../config/index.js';
import { matchHttpRouteGroup, type HTTPRouteGroup } from '../../smi/index.js';
import { compileProxyConfig, type MeshView } from '../compiler.js';
import { parseManifests } from '../resources/parse.js';
import type { ServiceResource, WorkloadResource } from '../resources/types.js';
import { instanceRecord } from '../testing/fixtures.js';
import { analyseSmi } from './findings.js';
import { proxyHeaderRegex, proxyPathRegex } from './proxy_regex.js';
import { smiState } from './state.js';

const base = `
apiVersion: meshplane.dev/v1alpha1
kind: Workload
metadata: {name: client, labels: {app: client}}
spec: {serviceAccount: client, command: [c], port: 8080, upstreams: [{service: web, port: 80, localPort: 15432}]}
---
apiVersion: meshplane.dev/v1alpha1
kind: Workload
metadata: {name: web-v1, labels: {app: web, version: v1}}
spec: {serviceAccount: web, command: [w], port: 9091}
---
apiVersion: meshplane.dev/v1alpha1
kind: Workload
metadata: {name: web-v2, labels: {app: web, version: v2}}
spec: {serviceAccount: web, command: [w], port: 9091}
---
apiVersion: v1
kind: Service
metadata: {name: web}
spec: {selector: {app: web}, ports: [{name: http, port: 80, targetPort: 9091}, {name: http-alt, port: 8080, targetPort: 9091}]}
---
apiVersion: v1
kind: Service
metadata: {name: web-v1}
spec: {selector: {version: v1}, ports: [{name: http, port: 80, targetPort: 9091}, {name: http-alt, port: 8080, targetPort: 9091}]}
---
apiVersion: v1
kind: Service
metadata: {name: web-v2}
spec: {selector: {version: v2}, ports: [{port: 80, targetPort: 9091}]}
`;

const client0 = instanceRecord({
  workload: 'client',
  address: '127.70.0.1',
  port: 8080,
  serviceAccount: 'client',
});
const v1 = instanceRecord({
  workload: 'web-v1',
  address: '127.70.0.2',
  port: 9091,
  serviceAccount: 'web',
  labels: { app: 'web', version: 'v1' },
});
const v2 = instanceRecord({
  workload: 'web-v2',
  address: '127.70.0.3',
  port: 9091,
  serviceAccount: 'web',
  labels: { app: 'web', version: 'v2' },
});

function view(smi: string, extra: Partial<MeshView> = {}): MeshView {
  const { resources } = parseManifests(`${base}---\n${smi}`, 'mesh.yaml');
  return {
    trustDomain: 'cluster.local',
    services: resources.filter((r): r is ServiceResource => r.kind === 'Service'),
    workloads: resources.filter((r): r is WorkloadResource => r.kind === 'Workload'),
    instances: [client0, v1, v2],
    smi: smiState(resources),
    ...extra,
  };
}

const WEB = 'web.default.svc.cluster.local';
const cluster = (svc: string, port = 80): string => `outbound|${port}||${svc}.default.svc.cluster.local`;
const routesOf = (config: ProxyConfig, port = 80) =>
  config.route_tables[0]!.virtual_hosts.find((v) => v.name === `${WEB}:${port}`)!.routes;

const split = (backends: string, version = 'v1alpha4', extra = '') => `
apiVersion: split.smi-spec.io/${version}
kind: TrafficSplit
metadata: {name: canary}
spec:
  service: web
  backends: ${backends}
${extra}`;

test('relative weights 1000/500 become a 2:1 weighted route on every apex port the backends share', () => {
  const config = compileProxyConfig(
    view(split('[{service: web-v1, weight: 1000}, {service: web-v2, weight: 500}]')),
    client0,
  );
  assert.deepEqual(
    routesOf(config).map((r) => [r.name, r.action!.clusters]),
    [
      [
        'split:default/canary',
        [
          { cluster: cluster('web-v1'), weight: 1000 },
          { cluster: cluster('web-v2'), weight: 500 },
        ],
      ],
    ],
  );
  // web-v2 has no port 8080: on that port it is excluded, web-v1 takes everything.
  assert.deepEqual(routesOf(config, 8080)[0]!.action!.clusters, [
    { cluster: cluster('web-v1', 8080), weight: 1000 },
  ]);
  // v1alpha1 weights are quantities: 1 and 500m keep the same 2:1 ratio.
  const old = compileProxyConfig(
    view(split('[{service: web-v1, weight: 1}, {service: web-v2, weight: 500m}]', 'v1alpha1')),
    client0,
  );
  assert.deepEqual(
    routesOf(old)[0]!.action!.clusters.map((c) => c.weight),
    [1000, 500],
  );
});

test('weight 0 gets nothing; when no backend can take traffic the apex keeps its own route', () => {
  const config = compileProxyConfig(
    view(split('[{service: web-v1, weight: 0}, {service: web-v2, weight: 100}]')),
    client0,
  );
  assert.deepEqual(routesOf(config)[0]!.action!.clusters, [{ cluster: cluster('web-v2'), weight: 100 }]);
  // On 8080 web-v2 is excluded (no such port) and web-v1 has weight 0: the plain apex route stays.
  assert.deepEqual(
    routesOf(config, 8080).map((r) => [r.name, r.action!.clusters[0]!.cluster]),
    [['default', cluster('web', 8080)]],
  );
  const v = view(split('[{service: web-v1, weight: 0}, {service: web-v2, weight: 100}]'));
  assert.deepEqual(
    analyseSmi(v.services, v.smi!).map((f) => `${f.type} ${f.reason}`),
    ['Warning BackendExcluded', 'Warning NoActiveBackend'],
  );
});

test('a backend without the apex port is excluded and reported; a missing one may dangle', () => {
  const v = view(
    split('[{service: web-v1, weight: 1}, {service: web-v2, weight: 1}, {service: web-v3, weight: 1}]'),
  );
  const findings = analyseSmi(v.services, v.smi!);
  assert.deepEqual(
    findings.map((f) => [f.reason, f.message]),
    [
      [
        'BackendNotFound',
        'backend service "web-v3" does not exist; it receives no traffic until it is created',
      ],
      [
        'BackendExcluded',
        'backend service "web-v2" has no port 8080, the port of apex service "web"; it is excluded from the split on that port',
      ],
    ],
  );
  const config = compileProxyConfig(v, client0);
  assert.deepEqual(
    routesOf(config).map((r) => r.action!.clusters.map((c) => c.cluster)),
    [[cluster('web-v1'), cluster('web-v2')]],
  );
});

const abGroup = `
apiVersion: specs.smi-spec.io/v1alpha4
kind: HTTPRouteGroup
metadata: {name: ab-test}
spec:
  matches:
  - name: android
    headers:
    - user-agent: ".*Android.*"
    - cookie: "^(.*?;)?(type=insider)(;.*)?$"
  - {name: api, pathRegex: /api/v2, methods: [GET, POST]}
`;

/** proxyMatches evaluates a RouteMatch as the sidecar does: path anchored at the start, headers fully. */
function proxyMatches(
  m: RouteMatch,
  req: { method: string; path: string; headers: Record<string, string> },
): boolean {
  if (m.methods.length && !m.methods.includes('*') && !m.methods.includes(req.method)) return false;
  if (m.path_regex && !new RegExp(`^(?:${m.path_regex})`).test(req.path)) return false;
  return m.headers.every((h) => {
    const v = req.headers[h.name];
    return v !== undefined && new RegExp(`^(?:${h.value_regex})$`).test(v);
  });
}

test('a split with matches routes matching requests to the backends and the rest to the apex service', () => {
  const config = compileProxyConfig(
    view(
      `${abGroup}---\n${split('[{service: web-v1, weight: 0}, {service: web-v2, weight: 100}]', 'v1alpha3', '  matches: [{kind: HTTPRouteGroup, name: ab-test}]')}`,
    ),
    client0,
  );
  const routes = routesOf(config);
  assert.deepEqual(
    routes.map((r) => [r.name, r.action!.clusters.map((c) => c.cluster)]),
    [
      ['split:default/canary:ab-test/android', [cluster('web-v2')]],
      ['split:default/canary:ab-test/api', [cluster('web-v2')]],
      ['default', [cluster('web')]],
    ],
  );
  const pick = (req: { method: string; path: string; headers: Record<string, string> }) =>
    routes.find((r) => proxyMatches(r.match!, req))!.name;
  const android = { 'user-agent': 'Mozilla/5.0 (Linux; Android 14)', cookie: 'a=1;type=insider;b=2' };
  assert.equal(pick({ method: 'GET', path: '/', headers: android }), 'split:default/canary:ab-test/android');
  assert.equal(
    pick({ method: 'GET', path: '/', headers: { ...android, cookie: 'type=outsider' } }),
    'default',
    'headers in one match are ANDed',
  );
  assert.equal(
    pick({ method: 'POST', path: '/api/v2/items', headers: {} }),
    'split:default/canary:ab-test/api',
  );
  assert.equal(pick({ method: 'DELETE', path: '/api/v2/items', headers: {} }), 'default');
  assert.equal(pick({ method: 'GET', path: '/v1/api/v2', headers: {} }), 'default', 'pathRegex is anchored');
});

test('the TCP listener of an apex service splits per connection through tcp_clusters', () => {
  const config = compileProxyConfig(
    view(split('[{service: web-v1, weight: 1000}, {service: web-v2, weight: 500}]')),
    client0,
  );
  const upstream = config.listeners.find((l) => l.name === 'upstream|15432')!;
  assert.deepEqual(upstream.tcp_clusters, [
    { cluster: cluster('web-v1'), weight: 1000 },
    { cluster: cluster('web-v2'), weight: 500 },
  ]);
  assert.equal(
    upstream.tcp_cluster,
    cluster('web-v1'),
    'the heaviest backend, for proxies without tcp_clusters',
  );
  const none = compileProxyConfig(view(''), client0).listeners.find((l) => l.name === 'upstream|15432')!;
  assert.deepEqual([none.tcp_cluster, none.tcp_clusters], [cluster('web'), []]);
});

const target = (version: string, body: string) => `
apiVersion: access.smi-spec.io/${version}
kind: TrafficTarget
metadata: {name: client-to-web}
${body}`;

test('a TrafficTarget becomes a policy on the destination service account only, with SPIFFE sources', () => {
  const v = view(
    `${abGroup}---\n${target(
      'v1alpha3',
      `spec:
  destination: {kind: ServiceAccount, name: web}
  rules: [{kind: HTTPRouteGroup, name: ab-test, matches: [api]}]
  sources: [{kind: ServiceAccount, name: client}, {kind: ServiceAccount, name: prometheus, namespace: monitoring}]`,
    )}`,
  );
  const policies = compileProxyConfig(v, v1).policies;
  assert.deepEqual(policies, [
    {
      name: 'default/client-to-web',
      source_identities: [
        'spiffe://cluster.local/ns/default/sa/client',
        'spiffe://cluster.local/ns/monitoring/sa/prometheus',
      ],
      http_matches: [{ path_regex: '/api/v2', methods: ['GET', 'POST'], headers: [] }],
      tcp_matches: [],
    },
  ]);
  assert.deepEqual(compileProxyConfig(v, client0).policies, [], 'the client is not a destination');
  assert.equal(compileProxyConfig(v, v1).mesh!.access_mode, 'ACCESS_MODE_ENFORCED');
  assert.equal(
    compileProxyConfig({ ...v, accessMode: 'ACCESS_MODE_PERMISSIVE' }, v1).mesh!.access_mode,
    'ACCESS_MODE_PERMISSIVE',
  );
});

test('compiled HTTP policies allow exactly what SMI allows', () => {
  const v = view(
    `${abGroup}---\n${target(
      'v1alpha3',
      `spec:
  destination: {kind: ServiceAccount, name: web}
  rules: [{kind: HTTPRouteGroup, name: ab-test}]
  sources: [{kind: ServiceAccount, name: client}]`,
    )}`,
  );
  const [policy] = compileProxyConfig(v, v2).policies;
  const group = v.smi!.groups[0] as HTTPRouteGroup;
  const requests: { method: string; path: string; headers: Record<string, string> }[] = [
    { method: 'GET', path: '/api/v2', headers: {} },
    { method: 'PUT', path: '/api/v2', headers: {} },
    { method: 'GET', path: '/x/api/v2', headers: {} },
    { method: 'GET', path: '/', headers: { 'user-agent': 'Android', cookie: 'type=insider' } },
    { method: 'GET', path: '/', headers: { 'user-agent': 'Android', cookie: 'x=1;type=insider' } },
    { method: 'GET', path: '/', headers: { 'user-agent': 'iOS', cookie: 'type=insider' } },
    { method: 'HEAD', path: '/', headers: { 'user-agent': 'android' } },
  ];
  for (const req of requests) {
    const smi = matchHttpRouteGroup(group, req) !== undefined;
    const proxy = policy!.http_matches.some((m) => proxyMatches(m, req));
    assert.equal(proxy, smi, `${req.method} ${req.path} ${JSON.stringify(req.headers)}`);
  }
});

test('TCPRoute ports: [] allows every port; listed ports must name the app port or a Service port to it', () => {
  const tcp = (ports: string) => `
apiVersion: specs.smi-spec.io/v1alpha4
kind: TCPRoute
metadata: {name: l4}
spec: {matches: {ports: ${ports}}}
---
${target(
  'v1alpha3',
  `spec:
  destination: {kind: ServiceAccount, name: web}
  rules: [{kind: TCPRoute, name: l4}]
  sources: [{kind: ServiceAccount, name: client}]`,
)}`;
  const policy = (ports: string) => compileProxyConfig(view(tcp(ports)), v1).policies[0];
  const all = policy('[]')!;
  assert.deepEqual(
    [all.tcp_matches, all.http_matches],
    [[{ ports: [] }], [{ path_regex: '', methods: [], headers: [] }]],
  );
  assert.deepEqual(policy('[9091]')!.tcp_matches, [{ ports: [9091] }]);
  assert.deepEqual(
    policy('[8080, 9999]')!.tcp_matches,
    [{ ports: [9091] }],
    'Service port 8080 forwards to 9091',
  );
  assert.equal(policy('[8301, 8302]'), undefined, 'no port of this workload: nothing allowed');
  // TCPRoute v1alpha1–v1alpha3 have no ports: every port.
  const old = `
apiVersion: specs.smi-spec.io/v1alpha2
kind: TCPRoute
metadata: {name: l4}
---
${target(
  'v1alpha2',
  `spec:
  destination: {kind: ServiceAccount, name: web}
  rules: [{kind: TCPRoute, name: l4}]
  sources: [{kind: ServiceAccount, name: client}]`,
)}`;
  assert.deepEqual(compileProxyConfig(view(old), v1).policies[0]!.tcp_matches, [{ ports: [] }]);
});

test('a v1alpha1/v1alpha2 destination port limits the TrafficTarget to that port', () => {
  const old = (version: string, port: number) =>
    version === 'v1alpha1'
      ? target(
          version,
          `destination: {kind: ServiceAccount, name: web, port: ${port}}
specs: [{kind: HTTPRouteGroup, name: everything}]
sources: [{kind: ServiceAccount, name: client}]`,
        )
      : target(
          version,
          `spec:
  destination: {kind: ServiceAccount, name: web, port: ${port}}
  rules: [{kind: HTTPRouteGroup, name: everything}]
  sources: [{kind: ServiceAccount, name: client}]`,
        );
  const group = `
apiVersion: specs.smi-spec.io/v1alpha1
kind: HTTPRouteGroup
metadata: {name: everything}
matches: [{name: all, pathRegex: '.*'}]
---`;
  for (const version of ['v1alpha1', 'v1alpha2']) {
    for (const [port, allowed] of [
      [9091, true],
      [80, true],
      [9000, false],
    ] as const) {
      const policies = compileProxyConfig(view(`${group}\n${old(version, port)}`), v1).policies;
      assert.equal(policies.length, allowed ? 1 : 0, `${version} port ${port}`);
    }
  }
});

test('RE2 patterns reach the proxy as flag-free sources that mean the same', () => {
  const path = (p: string) => {
    const r = proxyPathRegex(p);
    assert.ok(r.ok, p);
    return new RegExp(`^(?:${r.source})`);
  };
  assert.ok(path('(?i)/API/[a-c]+').test('/api/CAB'));
  assert.ok(!path('(?i)/API/[a-c]+').test('/api/d'));
  assert.ok(path('(?s)/a.b').test('/a\nb'));
  assert.ok(path('/(?P<id>[0-9]+)').test('/42'));
  assert.ok(path('/x\\z').test('/x') && !path('/x\\z').test('/xy'));
  const header = proxyHeaderRegex('(?i)android');
  assert.ok(header.ok && new RegExp(`^(?:${header.source})$`).test('Mozilla ANDROID 14'));
  assert.deepEqual(proxyPathRegex('\\pL+'), {
    ok: false,
    reason: 'Unicode classes (\\p…) are not supported by the sidecar',
  });
});
