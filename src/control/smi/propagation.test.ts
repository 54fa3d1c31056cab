// SMI changes reach every affected proxy within a second: real ControlPlaneClients (gRPC + mTLS on
// loopback) follow the config stream with the production push debounce, and each change is timed
// from the start of the apply to the moment every proxy has ACKed the version compiled for it.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { test } from 'node:test';
import { ControlPlaneClient, type ProxyConfig } from '../../config/index.js';
import {
  instanceRecord,
  registerInstance,
  startTestControlPlane,
  started,
  waitFor,
} from '../testing/fixtures.js';

const fixtures = new URL('../testing/fixtures/', import.meta.url);

test('an SMI change is ACKed by every affected proxy within 1 s', async (t) => {
  const env = await startTestControlPlane({ pushDebounceMs: undefined }); // the default debounce
  t.after(env.cleanup);
  const { cp } = env;
  await cp.apply(await readFile(new URL('mesh-base.yaml', fixtures), 'utf8'), 'mesh-base.yaml');
  const records = [
    instanceRecord({ workload: 'client', address: '127.71.0.1', port: 8080, serviceAccount: 'client' }),
    instanceRecord({
      workload: 'web-v1',
      address: '127.71.0.2',
      port: 9091,
      serviceAccount: 'web',
      labels: { app: 'web', version: 'v1' },
    }),
    instanceRecord({
      workload: 'web-v2',
      address: '127.71.0.3',
      port: 9091,
      serviceAccount: 'web',
      labels: { app: 'web', version: 'v2' },
    }),
  ];
  const latest = new Map<string, ProxyConfig>();
  for (const record of records) {
    const { token, node } = await registerInstance(cp, record);
    const client = new ControlPlaneClient({
      node,
      controlPlane: cp.grpcAddress,
      rootCaPem: cp.ca.rootCertPem,
      bootstrapToken: token,
      backoff: { initialMs: 50, maxMs: 300 },
    });
    t.after(() => client.close());
    client.onConfig((config) => void latest.set(record.id, config));
    await started(client);
  }
  const allAcked = () =>
    records.every((r) => {
      const expected = cp.snapshot(r.id)!.version;
      return cp.tracker.get(r.id)?.versionAcked === expected && latest.get(r.id)?.version === expected;
    });
  await waitFor(allAcked, 30_000, 'first snapshots ACKed');

  const timed = async (what: string, change: () => Promise<unknown>): Promise<string[]> => {
    const before = new Map(records.map((r) => [r.id, cp.snapshot(r.id)!.version]));
    const start = performance.now();
    await change();
    const changed = records.filter((r) => cp.snapshot(r.id)!.version !== before.get(r.id)).map((r) => r.id);
    assert.ok(changed.length > 0, `${what} changes some proxy's snapshot`);
    for (;;) {
      if (allAcked()) break;
      assert.ok(performance.now() - start < 1000, `${what}: not every proxy ACKed within 1 s`);
      await new Promise((r) => setTimeout(r, 5));
    }
    const elapsed = performance.now() - start;
    t.diagnostic(`${what}: ${changed.length} proxies ACKed after ${elapsed.toFixed(0)} ms`);
    return changed;
  };

  const target = `
apiVersion: specs.smi-spec.io/v1alpha4
kind: HTTPRouteGroup
metadata: {name: api}
spec: {matches: [{name: read, pathRegex: /api, methods: [GET]}]}
---
apiVersion: access.smi-spec.io/v1alpha3
kind: TrafficTarget
metadata: {name: client-to-web}
spec:
  destination: {kind: ServiceAccount, name: web}
  rules: [{kind: HTTPRouteGroup, name: api}]
  sources: [{kind: ServiceAccount, name: client}]
`;
  assert.deepEqual(
    await timed('TrafficTarget applied', () => cp.apply(target, 'target.yaml')),
    ['web-v1-0.default', 'web-v2-0.default'],
    'only the destination proxies change',
  );
  assert.deepEqual(latest.get('web-v1-0.default')!.policies[0]!.http_matches[0]!.methods, ['GET']);

  await timed('HTTPRouteGroup changed', () =>
    cp.apply(target.replace('methods: [GET]', 'methods: [GET, POST]'), 'target.yaml'),
  );
  assert.deepEqual(latest.get('web-v2-0.default')!.policies[0]!.http_matches[0]!.methods, ['GET', 'POST']);

  const split = (a: number, b: number) => `
apiVersion: split.smi-spec.io/v1alpha4
kind: TrafficSplit
metadata: {name: canary}
spec: {service: web, backends: [{service: web-v1, weight: ${a}}, {service: web-v2, weight: ${b}}]}
`;
  assert.equal((await timed('TrafficSplit applied', () => cp.apply(split(75, 25), 'split.yaml'))).length, 3);
  const route = () =>
    latest
      .get('client-0.default')!
      .route_tables[0]!.virtual_hosts.find((v) => v.name === 'web.default.svc.cluster.local:9091')!
      .routes[0]!;
  assert.deepEqual(
    route().action!.clusters.map((c) => c.weight),
    [75, 25],
  );
  await timed('TrafficSplit weights changed', () => cp.apply(split(0, 1), 'split.yaml'));
  assert.deepEqual(
    route().action!.clusters.map((c) => c.cluster),
    ['outbound|9091||web-v2.default.svc.cluster.local'],
  );
  await timed('access mode changed', () => cp.setAccessMode('permissive'));
  assert.equal(latest.get('web-v1-0.default')!.mesh!.access_mode, 'ACCESS_MODE_PERMISSIVE');
  await timed('TrafficSplit deleted', () => cp.delete(split(0, 1), 'split.yaml'));
  assert.equal(route().name, 'default');
});
