// The config compiler is pure: resources + instances + one instance in, that proxy's snapshot out.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compileProxyConfig, type MeshView } from './compiler.js';
import { parseManifests } from './resources/parse.js';
import type { ServiceResource, WorkloadResource } from './resources/types.js';
import { instanceRecord } from './testing/fixtures.js';

const { resources } = parseManifests(
  `
apiVersion: meshplane.dev/v1alpha1
kind: Workload
metadata: {name: web, labels: {app: web}}
spec:
  command: [node, web.js]
  port: 8080
  upstreams: [{service: db, namespace: data, port: 5432, localPort: 15432}]
---
apiVersion: meshplane.dev/v1alpha1
kind: Workload
metadata: {name: api, labels: {app: api}}
spec: {command: [node, api.js], port: 9090}
---
apiVersion: meshplane.dev/v1alpha1
kind: Workload
metadata: {name: db, namespace: data, labels: {app: db}}
spec: {command: [db], port: 5432}
---
apiVersion: v1
kind: Service
metadata: {name: web}
spec: {selector: {app: web}, ports: [{port: 80, targetPort: 8080}]}
---
apiVersion: v1
kind: Service
metadata: {name: api}
spec: {selector: {app: api}, ports: [{name: http, port: 8080, targetPort: 9090}, {name: grpc, port: 9000, targetPort: 9090}]}
---
apiVersion: v1
kind: Service
metadata: {name: db, namespace: data}
spec: {selector: {app: db}, ports: [{name: tcp-pg, port: 5432}]}
`,
  'mesh.yaml',
);

const web0 = instanceRecord({ workload: 'web', address: '127.10.0.1', port: 8080 });
const api0 = instanceRecord({ workload: 'api', address: '127.10.0.3', port: 9090, serviceAccount: 'api' });
const api1 = instanceRecord({
  workload: 'api',
  replica: 1,
  address: '127.10.0.2',
  port: 9090,
  serviceAccount: 'api',
});
const db0 = instanceRecord({ workload: 'db', namespace: 'data', address: '127.10.0.9', port: 5432 });

function view(instances = [web0, api0, api1, db0]): MeshView {
  return {
    trustDomain: 'cluster.local',
    services: resources.filter((r): r is ServiceResource => r.kind === 'Service'),
    workloads: resources.filter((r): r is WorkloadResource => r.kind === 'Workload'),
    instances,
  };
}

test('listeners: outbound HTTP, inbound to the app, and one TCP listener per upstream', () => {
  const config = compileProxyConfig(view(), web0);
  assert.deepEqual(
    config.listeners.map((l) => [
      l.name,
      l.address,
      l.port,
      l.direction,
      l.protocol,
      l.route_table || l.local_cluster || l.tcp_cluster,
    ]),
    [
      ['outbound', '127.10.0.1', 15001, 'OUTBOUND', 'HTTP', 'outbound'],
      ['inbound', '127.10.0.1', 15006, 'INBOUND', 'HTTP', 'inbound|8080'],
      ['upstream|15432', '127.10.0.1', 15432, 'OUTBOUND', 'TCP', 'outbound|5432||db.data.svc.cluster.local'],
    ],
  );
  const inbound = config.clusters.find((c) => c.name === 'inbound|8080')!;
  assert.deepEqual(
    inbound.endpoints.map((e) => `${e.address}:${e.port}`),
    ['127.10.0.1:8080'],
  );
  assert.equal(inbound.mtls, false);
});

test('virtual hosts answer to the FQDN and short names; port-less names only for port 80', () => {
  const config = compileProxyConfig(view(), web0);
  const hosts = Object.fromEntries(config.route_tables[0]!.virtual_hosts.map((v) => [v.name, v.domains]));
  assert.deepEqual(Object.keys(hosts), [
    'api.default.svc.cluster.local:8080',
    'api.default.svc.cluster.local:9000',
    'web.default.svc.cluster.local:80',
  ]); // db's port is opaque TCP: no virtual host
  assert.deepEqual(hosts['web.default.svc.cluster.local:80'], [
    'web.default.svc.cluster.local:80',
    'web.default.svc:80',
    'web.default:80',
    'web:80',
    'web.default.svc.cluster.local',
    'web.default.svc',
    'web.default',
    'web',
  ]);
  assert.ok(hosts['api.default.svc.cluster.local:8080']!.includes('api:8080'));
  assert.ok(!hosts['api.default.svc.cluster.local:8080']!.includes('api'));
  // From another namespace the bare service name does not resolve.
  const fromData = compileProxyConfig(view(), db0);
  const webHost = fromData.route_tables[0]!.virtual_hosts.find((v) => v.name.startsWith('web.'))!;
  assert.ok(!webHost.domains.includes('web') && !webHost.domains.includes('web:80'));
  assert.ok(webHost.domains.includes('web.default'));
});

test('clusters hold ready instances as mTLS endpoints with their SPIFFE identity', () => {
  const config = compileProxyConfig(view(), web0);
  const api = config.clusters.find((c) => c.name === 'outbound|9000||api.default.svc.cluster.local')!;
  assert.equal(api.mtls, true);
  assert.equal(api.upstream_protocol, 'HTTP2'); // named "grpc"
  assert.deepEqual(
    api.endpoints.map((e) => [e.address, e.port, e.identity, e.instance]),
    [
      ['127.10.0.2', 15006, 'spiffe://cluster.local/ns/default/sa/api', 'api-1'],
      ['127.10.0.3', 15006, 'spiffe://cluster.local/ns/default/sa/api', 'api-0'],
    ],
  );
  const route = config.route_tables[0]!.virtual_hosts[0]!.routes[0]!;
  assert.deepEqual(route.action!.clusters, [
    { cluster: 'outbound|8080||api.default.svc.cluster.local', weight: 100 },
  ]);
  assert.equal(config.mesh!.access_mode, 'ACCESS_MODE_ENFORCED'); // the default: TrafficTargets decide
});

test('an instance that is not ready leaves the endpoints and changes the version', () => {
  const before = compileProxyConfig(view(), web0);
  const after = compileProxyConfig(view([web0, { ...api0, ready: false }, api1, db0]), web0);
  const api = after.clusters.find((c) => c.name === 'outbound|8080||api.default.svc.cluster.local')!;
  assert.deepEqual(
    api.endpoints.map((e) => e.instance),
    ['api-1'],
  );
  assert.notEqual(before.version, after.version);
  assert.match(after.version, /^[0-9a-f]{16}$/);
});

test('the same mesh compiles to the same version whatever the input order', () => {
  const a = compileProxyConfig(view([web0, api0, api1, db0]), web0);
  const shuffled = view([db0, api1, web0, api0]);
  shuffled.services.reverse();
  const b = compileProxyConfig(shuffled, web0);
  assert.equal(a.version, b.version);
  assert.deepEqual(a, b);
});
