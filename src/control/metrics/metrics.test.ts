// TrafficMetrics from what the sidecars report: the control plane scrapes loopback servers that
// answer /stats/prometheus in the proxy's exact text format, and serves metrics.smi-spec.io v1alpha1
// and v1alpha2 for deployments, pods, namespaces, services and traffic splits, with edges and windows.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { test } from 'node:test';
import { ProxyMetricsText, serveProxyMetrics } from '../testing/proxy_metrics_text.js';
import { instanceRecord, startTestControlPlane } from '../testing/fixtures.js';
import { parsePrometheusText } from './prometheus.js';

const CLIENT = 'spiffe://cluster.local/ns/default/sa/client';
const fqdn = (s: string) => `${s}.default.svc.cluster.local`;
const out = (s: string) => `outbound|9091||${fqdn(s)}`;

test('the Prometheus reader keeps labels, escapes, +Inf and skips what it cannot read', () => {
  const { samples, skipped } = parsePrometheusText(
    '# HELP x y\n# TYPE x counter\nx{a="q\\"uote",b="back\\\\slash"} 3\nh_bucket{le="+Inf"} 7 1700000000\nbroken{a=1} 2\nplain 1.5e3\n',
  );
  assert.deepEqual(samples, [
    { name: 'x', labels: { a: 'q"uote', b: 'back\\slash' }, value: 3 },
    { name: 'h_bucket', labels: { le: '+Inf' }, value: 7 },
    { name: 'plain', labels: {}, value: 1500 },
  ]);
  assert.equal(skipped, 1);
});

test('TrafficMetrics are built from proxy scrapes over a window', async (t) => {
  let now = Date.parse('2024-05-01T12:00:00Z');
  const env = await startTestControlPlane({ metrics: { intervalMs: 0, windowMs: 30_000, now: () => now } });
  t.after(env.cleanup);
  const { cp } = env;
  await cp.apply(
    await readFile(new URL('../testing/fixtures/mesh-base.yaml', import.meta.url), 'utf8'),
    'mesh-base.yaml',
  );
  await cp.apply(
    'apiVersion: split.smi-spec.io/v1alpha4\nkind: TrafficSplit\nmetadata: {name: canary}\nspec: {service: web, backends: [{service: web-v1, weight: 75}, {service: web-v2, weight: 25}]}\n',
    'split.yaml',
  );
  const proxies = {
    client: new ProxyMetricsText(),
    'web-v1': new ProxyMetricsText(),
    'web-v2': new ProxyMetricsText(),
  };
  const startedAt = new Date(now - 10_000).toISOString();
  for (const [workload, metrics] of Object.entries(proxies)) {
    const server = await serveProxyMetrics(metrics);
    t.after(server.close);
    const version = workload.split('-')[1];
    cp.reportInstance(
      instanceRecord({
        workload,
        address: '127.0.0.1',
        port: workload === 'client' ? 8080 : 9091,
        adminPort: server.port,
        serviceAccount: workload === 'client' ? 'client' : 'web',
        labels: version ? { app: 'web', version } : { app: 'client' },
        startedAt,
      }),
    );
  }
  // The client sent 30 requests to web-v1 and 10 to web-v2 (2 failed); the servers saw the same.
  for (let i = 0; i < 30; i++) {
    proxies.client.record('outbound', out('web-v1'), fqdn('web-v1'), 200, 2_000);
    proxies['web-v1'].record('inbound', 'inbound|9091', CLIENT, 200, 1_500);
  }
  for (let i = 0; i < 10; i++) {
    const code = i < 2 ? 503 : 200;
    proxies.client.record('outbound', out('web-v2'), fqdn('web-v2'), code, i % 2 ? 4_000 : 800);
    proxies['web-v2'].record('inbound', 'inbound|9091', CLIENT, code, i % 2 ? 4_000 : 800);
  }
  proxies.client.record('outbound', '', '', 404, 10, 'route_not_found'); // no service: no edge
  proxies['web-v2'].record('inbound', 'inbound|9091', CLIENT, 0, 0, 'access_denied'); // a refused TCP connection

  const get = async (path: string, status = 200) => {
    const res = await fetch(`http://${cp.httpAddress}/apis/metrics.smi-spec.io/${path}`);
    assert.equal(res.status, status, path);
    return (await res.json()) as Record<string, unknown> & { items: Record<string, unknown>[] };
  };
  const values = (m: Record<string, unknown>) =>
    Object.fromEntries((m.metrics as { name: string; value: string }[]).map((x) => [x.name, x.value]));

  const web2 = await get('v1alpha2/namespaces/default/deployments/web-v2');
  assert.equal(web2.kind, 'TrafficMetrics');
  assert.deepEqual(web2.resource, { kind: 'Deployment', namespace: 'default', name: 'web-v2' });
  assert.equal(web2.window, '10s', 'no earlier scrape: since the proxy started');
  assert.equal(web2.timestamp, '2024-05-01T12:00:00Z');
  // The refused connection (0 µs), 5 requests in (0.5 ms, 1 ms] and 5 in (2.5 ms, 5 ms],
  // interpolated inside the buckets as Prometheus' histogram_quantile does.
  assert.deepEqual(values(web2), {
    p99_response_latency: '4945m',
    p90_response_latency: '4450m',
    p50_response_latency: '950m',
    success_count: '9',
    failure_count: '2',
  });
  assert.deepEqual(
    (web2.metrics as { name: string; unit?: string }[]).map((m) => m.unit),
    ['ms', 'ms', 'ms', undefined, undefined],
  );

  const pods = await get('v1alpha1/namespaces/default/pods');
  assert.equal(pods.kind, 'TrafficMetricsList');
  assert.deepEqual(
    pods.items.map((i) => [(i.resource as { name: string }).name, values(i).success_count]),
    [
      ['client-0', '0'],
      ['web-v1-0', '30'],
      ['web-v2-0', '9'],
    ],
  );
  assert.deepEqual(values(await get('v1alpha2/namespaces/default')), {
    ...values(await get('v1alpha2/namespaces/default')),
    success_count: '39',
    failure_count: '2',
  });
  assert.equal(values(await get('v1alpha2/namespaces/default/services/web-v1')).success_count, '30');
  assert.equal(
    (await get('v1alpha2/namespaces/default/deployments?labelSelector=version=v1')).items.length,
    1,
  );

  // A TrafficSplit: one item per backend, client side, with `backend` (v1alpha2 only).
  const split = await get('v1alpha2/namespaces/default/trafficsplits/canary');
  assert.deepEqual(
    split.items.map((i) => [i.backend, values(i).success_count, values(i).failure_count]),
    [
      [{ apex: 'web', name: 'web-v1', weight: 75 }, '30', '0'],
      [{ apex: 'web', name: 'web-v2', weight: 25 }, '8', '2'],
    ],
  );
  assert.deepEqual(split.items[0]!.edge, { direction: 'from', side: 'client', resource: {} });
  await get('v1alpha1/namespaces/default/trafficsplits/canary', 404);

  // Edges: the server side knows the caller, the client side knows the service.
  const serverEdges = await get('v1alpha2/namespaces/default/deployments/web-v2/edges');
  assert.deepEqual(
    serverEdges.items.map((i) => [i.edge, values(i).success_count, values(i).failure_count]),
    [
      [
        {
          direction: 'from',
          side: 'server',
          resource: { kind: 'Deployment', namespace: 'default', name: 'client' },
        },
        '9',
        '2',
      ],
    ],
  );
  const clientEdges = await get('v1alpha1/namespaces/default/deployments/client/edges');
  assert.deepEqual(
    clientEdges.items.map((i) => [i.edge, values(i).success_count, values(i).p50_response_latency]),
    [
      [
        { direction: 'to', resource: { kind: 'Service', namespace: 'default', name: 'web-v1' } },
        '30',
        '1750m',
      ],
      [{ direction: 'to', resource: { kind: 'Service', namespace: 'default', name: 'web-v2' } }, '8', '1'],
    ],
  );
  assert.ok(!('backend' in clientEdges.items[0]!), 'v1alpha1 has no backend field');

  // 31 s later: the first scrape is the baseline, only the newer requests count.
  now += 31_000;
  for (let i = 0; i < 20; i++) proxies['web-v1'].record('inbound', 'inbound|9091', CLIENT, 200, 1_500);
  const later = await get('v1alpha2/namespaces/default/pods/web-v1-0');
  assert.equal(later.window, '31s');
  assert.equal(values(later).success_count, '20');
  // A proxy restart (counters back to zero) counts from zero, not negative.
  now += 2_000;
  proxies['web-v1'].reset();
  for (let i = 0; i < 3; i++) proxies['web-v1'].record('inbound', 'inbound|9091', CLIENT, 500, 1_500);
  assert.deepEqual(
    [
      values(await get('v1alpha2/namespaces/default/pods/web-v1-0')).success_count,
      values(await get('v1alpha2/namespaces/default/pods/web-v1-0')).failure_count,
    ],
    ['0', '3'],
  );

  const nodes = await get('v1alpha2/nodes', 404);
  assert.match(
    JSON.stringify(nodes),
    /the reference mesh has no nodes: deployments are Workloads, pods are their instances/,
  );
  await get('v1alpha2/namespaces/default/pods/ghost', 404);
  const discovery = await get('v1alpha2');
  assert.equal(discovery.kind, 'APIResourceList');
});

test('with instance and virtual-host labels, edges are pod to pod and deployment to deployment, and split items count the apex only', async (t) => {
  const now = Date.parse('2024-05-01T12:00:00Z');
  const env = await startTestControlPlane({ metrics: { intervalMs: 0, windowMs: 30_000, now: () => now } });
  t.after(env.cleanup);
  const { cp } = env;
  await cp.apply(await readFile(new URL('../testing/fixtures/mesh-base.yaml', import.meta.url), 'utf8'), 'mesh-base.yaml');
  await cp.apply(
    'apiVersion: split.smi-spec.io/v1alpha4\nkind: TrafficSplit\nmetadata: {name: canary}\nspec: {service: web, backends: [{service: web-v1, weight: 75}, {service: web-v2, weight: 25}]}\n',
    'split.yaml',
  );
  const proxies = {
    client: new ProxyMetricsText({ peerLabels: true }),
    'web-v1': new ProxyMetricsText({ peerLabels: true }),
    'web-v2': new ProxyMetricsText({ peerLabels: true }),
  };
  for (const [workload, metrics] of Object.entries(proxies)) {
    const server = await serveProxyMetrics(metrics);
    t.after(server.close);
    const version = workload.split('-')[1];
    cp.reportInstance(
      instanceRecord({
        workload,
        address: '127.0.0.1',
        port: workload === 'client' ? 8080 : 9091,
        adminPort: server.port,
        serviceAccount: workload === 'client' ? 'client' : 'web',
        labels: version ? { app: 'web', version } : { app: 'client' },
        startedAt: new Date(now - 10_000).toISOString(),
      }),
    );
  }
  const apex = { virtualHost: `${fqdn('web')}:9091` };
  // Through the split (apex "web"): 6 to web-v1-0, 2 to web-v2-0; directly to web-v1: 4 more.
  for (let i = 0; i < 6; i++) {
    proxies.client.record('outbound', out('web-v1'), fqdn('web-v1'), 200, 2_000, '', { ...apex, instance: 'web-v1-0' });
    proxies['web-v1'].record('inbound', 'inbound|9091', CLIENT, 200, 1_500, '', { instance: 'client-0.default' });
  }
  for (let i = 0; i < 2; i++) {
    proxies.client.record('outbound', out('web-v2'), fqdn('web-v2'), 200, 2_000, '', { ...apex, instance: 'web-v2-0' });
    proxies['web-v2'].record('inbound', 'inbound|9091', CLIENT, 200, 1_500, '', { instance: 'client-0.default' });
  }
  for (let i = 0; i < 4; i++) {
    proxies.client.record('outbound', out('web-v1'), fqdn('web-v1'), 200, 2_000, '', { virtualHost: `${fqdn('web-v1')}:9091`, instance: 'web-v1-0' });
    proxies['web-v1'].record('inbound', 'inbound|9091', CLIENT, 200, 1_500, '', { instance: 'client-0.default' });
  }
  // No endpoint answered: the client knows the service only.
  proxies.client.record('outbound', out('web-v2'), fqdn('web-v2'), 503, 100, 'no_healthy_upstream', { virtualHost: `${fqdn('web-v2')}:9091` });

  const get = async (path: string) => {
    const res = await fetch(`http://${cp.httpAddress}/apis/metrics.smi-spec.io/${path}`);
    assert.equal(res.status, 200, path);
    return (await res.json()) as { items: Record<string, unknown>[] };
  };
  const counts = (list: { items: Record<string, unknown>[] }, key: (i: Record<string, unknown>) => unknown) =>
    list.items.map((i) => {
      const m = Object.fromEntries((i.metrics as { name: string; value: string }[]).map((x) => [x.name, x.value]));
      return [key(i), m.success_count, m.failure_count];
    });
  const edge = (i: Record<string, unknown>) => i.edge;
  const pod = (name: string) => ({ kind: 'Pod', namespace: 'default', name });
  const deployment = (name: string) => ({ kind: 'Deployment', namespace: 'default', name });

  assert.deepEqual(counts(await get('v1alpha2/namespaces/default/pods/web-v1-0/edges'), edge), [
    [{ direction: 'from', side: 'server', resource: pod('client-0') }, '10', '0'],
  ]);
  assert.deepEqual(counts(await get('v1alpha2/namespaces/default/pods/client-0/edges'), edge), [
    [{ direction: 'to', side: 'client', resource: pod('web-v1-0') }, '10', '0'],
    [{ direction: 'to', side: 'client', resource: pod('web-v2-0') }, '2', '0'],
    [{ direction: 'to', side: 'client', resource: { kind: 'Service', namespace: 'default', name: 'web-v2' } }, '0', '1'],
  ]);
  assert.deepEqual(counts(await get('v1alpha1/namespaces/default/deployments/client/edges'), edge), [
    [{ direction: 'to', resource: deployment('web-v1') }, '10', '0'],
    [{ direction: 'to', resource: deployment('web-v2') }, '2', '0'],
    [{ direction: 'to', resource: { kind: 'Service', namespace: 'default', name: 'web-v2' } }, '0', '1'],
  ]);
  assert.deepEqual(counts(await get('v1alpha1/namespaces/default/deployments/web-v2/edges'), edge), [
    [{ direction: 'from', resource: deployment('client') }, '2', '0'],
  ]);
  // The split counts what clients sent to its apex: the 4 direct calls to web-v1 are not in it.
  assert.deepEqual(counts(await get('v1alpha2/namespaces/default/trafficsplits/canary'), (i) => (i.backend as { name: string }).name), [
    ['web-v1', '6', '0'],
    ['web-v2', '2', '0'],
  ]);
  // A Service counts everything sent to it, through a split or not.
  assert.deepEqual(counts(await get('v1alpha2/namespaces/default/services?labelSelector='), (i) => (i.resource as { name: string }).name), [
    ['web', '0', '0'],
    ['web-v1', '10', '0'],
    ['web-v2', '2', '1'],
  ]);
}); // prettier-ignore
