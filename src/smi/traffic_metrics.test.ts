import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  metricsPath,
  trafficMetricsListToJson,
  trafficMetricsToJson,
  type TrafficMetricsSample,
} from './traffic_metrics.js';
import { formatWindow } from './window.js';

const sample: TrafficMetricsSample = {
  resource: { kind: 'TrafficSplit', namespace: 'shop', name: 'canary' },
  edge: { direction: 'from', side: 'client', resource: {} },
  backend: { apex: 'checkout', name: 'checkout-v1', weight: 90 },
  timestamp: new Date('2024-05-01T12:00:00.123Z'),
  windowMs: 30_000,
  latencyMicros: { p50: 1_200, p90: 4_000, p99: 12_500 },
  successCount: 100,
  failureCount: 2,
};

test('v1alpha2 TrafficMetrics carry edge side, backend, ms latencies and counts', () => {
  assert.deepEqual(trafficMetricsToJson(sample, 'v1alpha2'), {
    kind: 'TrafficMetrics',
    apiVersion: 'metrics.smi-spec.io/v1alpha2',
    metadata: {
      name: 'canary',
      namespace: 'shop',
      creationTimestamp: '2024-05-01T12:00:00Z',
      selfLink: '/apis/metrics.smi-spec.io/v1alpha2/namespaces/shop/trafficsplits/canary',
    },
    timestamp: '2024-05-01T12:00:00Z',
    window: '30s',
    resource: { kind: 'TrafficSplit', namespace: 'shop', name: 'canary' },
    edge: { direction: 'from', side: 'client', resource: {} },
    metrics: [
      { name: 'p99_response_latency', unit: 'ms', value: '12500m' },
      { name: 'p90_response_latency', unit: 'ms', value: '4' },
      { name: 'p50_response_latency', unit: 'ms', value: '1200m' },
      { name: 'success_count', value: '100' },
      { name: 'failure_count', value: '2' },
    ],
    backend: { apex: 'checkout', name: 'checkout-v1', weight: 90 },
  });
});

test('v1alpha1 leaves out edge side and backend; a list names its resource', () => {
  const pod: TrafficMetricsSample = {
    ...sample,
    resource: { kind: 'Pod', namespace: 'shop', name: 'web-1' },
    backend: undefined,
  };
  const v1 = trafficMetricsToJson(pod, 'v1alpha1');
  assert.deepEqual(v1.edge, { direction: 'from', resource: {} });
  assert.ok(!('backend' in v1));
  const list = trafficMetricsListToJson(
    { resource: { kind: 'Pod', namespace: 'shop' }, selector: { matchLabels: { app: 'web' } }, items: [pod] },
    'v1alpha1',
  );
  assert.equal(list.kind, 'TrafficMetricsList');
  assert.deepEqual(list.metadata, { selfLink: '/apis/metrics.smi-spec.io/v1alpha1/namespaces/shop/pods' });
  assert.deepEqual(list.resource, { kind: 'Pod', namespace: 'shop' });
  assert.equal((list.items as unknown[]).length, 1);
  const edges = trafficMetricsListToJson({ resource: pod.resource, items: [], edges: true }, 'v1alpha2');
  assert.deepEqual(edges.metadata, {
    selfLink: '/apis/metrics.smi-spec.io/v1alpha2/namespaces/shop/pods/web-1/edges',
  });
});

test('no completed request reports zero latencies; paths cover cluster-scoped kinds', () => {
  const idle = trafficMetricsToJson(
    { ...sample, latencyMicros: undefined, successCount: 0, failureCount: 0 },
    'v1alpha2',
  );
  assert.deepEqual(
    (idle.metrics as { value: string }[]).map((m) => m.value),
    ['0', '0', '0', '0', '0'],
  );
  assert.equal(
    metricsPath({ kind: 'Namespace', name: 'shop' }, 'v1alpha1'),
    '/apis/metrics.smi-spec.io/v1alpha1/namespaces/shop',
  );
  assert.equal(
    metricsPath({ kind: 'Deployment', namespace: 'shop' }, 'v1alpha2'),
    '/apis/metrics.smi-spec.io/v1alpha2/namespaces/shop/deployments',
  );
  assert.throws(
    () => metricsPath({ kind: 'ConfigMap', name: 'x' }, 'v1alpha1'),
    /no TrafficMetrics for kind ConfigMap/,
  );
  assert.deepEqual([0, 250, 1000, 1500, 30_000, 90_000, 3_600_000].map(formatWindow), [
    '0s',
    '250ms',
    '1s',
    '1.5s',
    '30s',
    '1m30s',
    '1h0m0s',
  ]);
});
