// Balancers (one case suite for every implementation), outlier ejection and the retry budget, on
// fake time.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Cluster as ClusterConfig } from '../../config/index.js';
import { Counter, Gauge } from '../metrics/registry.js';
import { FakeClock } from '../testing/fake_clock.js';
import { type Balancer, LeastRequestBalancer, RoundRobinBalancer } from './balancer.js';
import { Cluster } from './cluster.js';
import { Endpoint } from './endpoint.js';
import { RetryBudget } from './retry_budget.js';

const ep = (i: number, weight = 1): Endpoint =>
  new Endpoint(`e${i}`, {
    address: `127.0.0.${i}`,
    port: 80,
    identity: '',
    weight,
    instance: `e${i}`,
    labels: {},
  });

const balancers: Array<[string, () => Balancer]> = [
  ['RoundRobinBalancer', () => new RoundRobinBalancer(false)],
  ['RoundRobinBalancer (weighted)', () => new RoundRobinBalancer(true)],
  ['LeastRequestBalancer', () => new LeastRequestBalancer()],
];

for (const [name, make] of balancers) {
  describe(`${name} case suite`, () => {
    test('returns the only endpoint', () => {
      const e = ep(1);
      assert.equal(make().pick([e]), e);
    });
    test('spreads over every endpoint', () => {
      const b = make();
      const es = [ep(1), ep(2), ep(3)];
      const seen = new Set<Endpoint>();
      for (let i = 0; i < 60; i++) seen.add(b.pick(es));
      assert.equal(seen.size, 3);
    });
    test('avoids the excluded endpoint when another exists', () => {
      const b = make();
      const es = [ep(1), ep(2)];
      for (let i = 0; i < 20; i++) assert.equal(b.pick(es, es[0]), es[1]);
    });
  });
}

test('round robin alternates exactly; weighted round robin follows the weights smoothly', () => {
  const es = [ep(1), ep(2)];
  const rr = new RoundRobinBalancer(false);
  assert.deepEqual(
    Array.from({ length: 4 }, () => rr.pick(es).key),
    ['e1', 'e2', 'e1', 'e2'],
  );
  const w = [ep(1, 3), ep(2, 1)];
  const wrr = new RoundRobinBalancer(true);
  const picks = Array.from({ length: 8 }, () => wrr.pick(w).key);
  assert.equal(picks.filter((k) => k === 'e1').length, 6);
  assert.notDeepEqual(picks.slice(0, 3), ['e1', 'e1', 'e1']);
});

test('least request prefers the endpoint with fewer requests in flight', () => {
  const es = [ep(1), ep(2)];
  es[0]!.active = 10;
  const b = new LeastRequestBalancer();
  for (let i = 0; i < 20; i++) assert.equal(b.pick(es), es[1]);
});

function cluster(
  endpoints: Endpoint[],
  clock: FakeClock,
  od: Partial<ClusterConfig['outlier_detection']> = {},
) {
  const metrics = { ejections: new Counter(), ejected: new Gauge() };
  const config = {
    name: 'c',
    service: '',
    lb_policy: 'ROUND_ROBIN',
    endpoints: [],
    connect_timeout_ms: 0,
    mtls: false,
    upstream_protocol: 'UPSTREAM_PROTOCOL_UNSPECIFIED',
    outlier_detection: {
      consecutive_errors: 3,
      base_ejection_time_ms: 1000,
      max_ejection_percent: 50,
      ...od,
    },
  } as ClusterConfig;
  return { c: new Cluster(config, endpoints, clock, metrics), metrics };
}

test('outlier detection ejects after N consecutive errors for base × times ejected, then returns it', () => {
  const clock = new FakeClock();
  const [a, b] = [ep(1), ep(2)];
  const { c, metrics } = cluster([a, b], clock);
  c.reportFailure(a);
  c.reportFailure(a);
  c.reportSuccess(a); // a success resets the streak
  c.reportFailure(a);
  c.reportFailure(a);
  assert.equal(metrics.ejections.value, 0);
  c.reportFailure(a);
  assert.equal(metrics.ejections.value, 1);
  for (let i = 0; i < 10; i++) assert.equal(c.pick(), b);
  clock.advance(1001);
  const seen = new Set(Array.from({ length: 4 }, () => c.pick()));
  assert.equal(seen.size, 2);
  for (let i = 0; i < 3; i++) c.reportFailure(a);
  assert.equal(metrics.ejections.value, 2);
  clock.advance(1500);
  assert.ok(
    Array.from({ length: 6 }, () => c.pick()).every((e) => e === b),
    'second ejection lasts 2 × base',
  );
  clock.advance(600);
  assert.ok(Array.from({ length: 6 }, () => c.pick()).some((e) => e === a));
});

test('outlier detection never ejects more than max_ejection_percent', () => {
  const clock = new FakeClock();
  const [a, b] = [ep(1), ep(2)];
  const { c, metrics } = cluster([a, b], clock);
  for (let i = 0; i < 3; i++) c.reportFailure(a);
  for (let i = 0; i < 3; i++) c.reportFailure(b);
  assert.equal(metrics.ejections.value, 1);
  assert.equal(metrics.ejected.value, 1);
  assert.equal(c.pick(), b);
});

test('a cluster whose every endpoint is ejected has no healthy endpoint', () => {
  const clock = new FakeClock();
  const a = ep(1);
  const { c } = cluster([a], clock, { max_ejection_percent: 100 });
  for (let i = 0; i < 3; i++) c.reportFailure(a);
  assert.equal(c.pick(), undefined);
});

test('retry budget: a floor per second plus a ratio of requests over a 10 s window', () => {
  const clock = new FakeClock();
  const budget = new RetryBudget(0.2, 1, clock);
  // Floor: 1/s over 10 s = 10 retries with no traffic at all.
  let allowed = 0;
  while (budget.tryRetry()) allowed++;
  assert.equal(allowed, 10);
  for (let i = 0; i < 100; i++) budget.recordRequest();
  allowed = 0;
  while (budget.tryRetry()) allowed++;
  assert.equal(allowed, 20);
  clock.advance(11_000);
  allowed = 0;
  while (budget.tryRetry()) allowed++;
  assert.equal(allowed, 10, 'the window slides');
});
