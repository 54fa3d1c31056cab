// DomainRouter and RequestMatcher: exact domains with the :80 rules, first matching route, path
// regex anchored at the start of the target (query included), methods with "*", headers ANDed and
// matched value by value, weighted cluster splits, and weighted TCP clusters per connection.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Cluster as ClusterConfig, RouteTable } from '../../config/index.js';
import { Counter, Gauge } from '../metrics/registry.js';
import { normalizeProxyConfig } from '../snapshot/normalize.js';
import { FakeClock } from '../testing/fake_clock.js';
import { Cluster } from '../upstream/cluster.js';
import { type RequestView, RequestMatcher } from './match.js';
import { DomainRouter } from './router.js';
import { tcpClusterFor } from '../listeners/listeners.js';

const clock = new FakeClock();
const clusters = new Map(
  ['a', 'b', 'c'].map((name) => [
    name,
    new Cluster({ name } as ClusterConfig, [], clock, { ejections: new Counter(), ejected: new Gauge() }),
  ]),
);

function req(method: string, target: string, headers: Record<string, string | string[]> = {}): RequestView {
  const q = target.indexOf('?');
  return {
    method,
    target,
    path: q < 0 ? target : target.slice(0, q),
    headerValues: (n: string) => {
      const v = headers[n];
      return v === undefined ? [] : Array.isArray(v) ? v : [v];
    },
  };
}

const table = normalizeProxyConfig({
  route_tables: [
    {
      name: 'outbound',
      virtual_hosts: [
        {
          name: 'web',
          domains: ['web.default.svc.cluster.local', 'web:80', 'Web:8080'],
          routes: [
            {
              name: 'api-get',
              match: { path_regex: '/api/v[0-9]+', methods: ['GET'] },
              action: { clusters: [{ cluster: 'a' }] },
            },
            {
              name: 'canary',
              match: {
                headers: [
                  { name: 'x-canary', value_regex: 'yes|true' },
                  { name: 'x-user', value_regex: 'a.*' },
                ],
              },
              action: { clusters: [{ cluster: 'b' }] },
            },
            { name: 'any', match: { methods: ['*'] }, action: { clusters: [{ cluster: 'c' }] } },
          ],
        },
        {
          name: 'split',
          domains: ['split:80'],
          routes: [
            {
              name: 's',
              action: {
                clusters: [
                  { cluster: 'a', weight: 1 },
                  { cluster: 'b', weight: 3 },
                  { cluster: 'c', weight: 0 },
                ],
              },
            },
          ],
        },
      ],
    },
  ],
}).route_tables[0] as RouteTable;
const router = new DomainRouter(table, clusters, clock);

test('domains match exactly, case-insensitively, with :80 implied or dropped', () => {
  assert.equal(router.route('web.default.svc.cluster.local', req('GET', '/'))?.name, 'any');
  assert.equal(router.route('web.default.svc.cluster.local:80', req('GET', '/'))?.name, 'any');
  assert.equal(router.route('web', req('GET', '/'))?.name, 'any');
  assert.equal(router.route('WEB:80', req('GET', '/'))?.name, 'any');
  assert.equal(router.route('web:8080', req('GET', '/'))?.name, 'any');
  assert.equal(router.route('web:81', req('GET', '/')), undefined);
  assert.equal(router.route('other', req('GET', '/')), undefined);
});

test('the first matching route wins; path regexes are anchored at the start only', () => {
  assert.equal(router.route('web', req('GET', '/api/v2/users'))?.name, 'api-get');
  assert.equal(router.route('web', req('POST', '/api/v2/users'))?.name, 'any');
  assert.equal(router.route('web', req('GET', '/x/api/v2'))?.name, 'any');
  assert.equal(
    router.route('web', req('GET', '/', { 'x-canary': 'yes', 'x-user': 'alice' }))?.name,
    'canary',
  );
  assert.equal(router.route('web', req('GET', '/', { 'x-canary': 'yes', 'x-user': 'bob' }))?.name, 'any');
  assert.equal(router.route('web', req('GET', '/', { 'x-canary': 'yesno', 'x-user': 'alice' }))?.name, 'any');
});

test('weighted clusters split by weight, weight 0 receiving nothing', () => {
  const route = router.route('split', req('GET', '/'))!;
  const counts: Record<string, number> = { a: 0, b: 0, c: 0 };
  for (let i = 0; i < 400; i++) counts[route.pickCluster(() => (i + 0.5) / 400).name]!++;
  assert.deepEqual(counts, { a: 100, b: 300, c: 0 });
});

test('an empty match or "*" accepts every method', () => {
  assert.equal(new RequestMatcher(null).matchesAll, true);
  assert.equal(
    new RequestMatcher({ path_regex: '', methods: ['*'], headers: [] }).matches(req('PATCH', '/z')),
    true,
  );
  assert.equal(
    new RequestMatcher({ path_regex: '', methods: ['get'], headers: [] }).matches(req('GET', '/z')),
    true,
  );
});

test('path regexes see the query string, as SMI pathRegex matches the request URI', () => {
  const m = new RequestMatcher({ path_regex: '/search\\?q=mesh', methods: [], headers: [] });
  assert.equal(m.matches(req('GET', '/search?q=mesh&page=2')), true);
  assert.equal(m.matches(req('GET', '/search?q=other')), false);
  assert.equal(m.matches(req('GET', '/search')), false);
  const prefix = new RequestMatcher({ path_regex: '/search', methods: [], headers: [] });
  assert.equal(prefix.matches(req('GET', '/search?q=x')), true);
});

test('a header sent several times matches when one of its values does, not their joined text', () => {
  const m = new RequestMatcher({ path_regex: '', methods: [], headers: [{ name: 'x-user', value_regex: 'bob' }] });
  assert.equal(m.matches(req('GET', '/', { 'x-user': ['alice', 'bob'] })), true);
  assert.equal(m.matches(req('GET', '/', { 'x-user': ['alice', 'carol'] })), false);
  const joined = new RequestMatcher({ path_regex: '', methods: [], headers: [{ name: 'x-user', value_regex: 'alice, bob' }] });
  assert.equal(joined.matches(req('GET', '/', { 'x-user': ['alice', 'bob'] })), false);
  assert.equal(joined.matches(req('GET', '/', { 'x-user': 'alice, bob' })), true);
}); // prettier-ignore

test('TCP listeners pick one of tcp_clusters per connection by weight; weight 0 never', () => {
  const listener = normalizeProxyConfig({
    listeners: [
      {
        name: 'tcp',
        protocol: 'TCP',
        direction: 'OUTBOUND',
        tcp_cluster: 'b',
        tcp_clusters: [
          { cluster: 'a', weight: 1 },
          { cluster: 'c', weight: 0 },
          { cluster: 'b', weight: 3 },
        ],
      },
    ],
  }).listeners[0]!;
  const counts: Record<string, number> = { a: 0, b: 0, c: 0 };
  for (let i = 0; i < 400; i++) counts[tcpClusterFor(listener, () => (i + 0.5) / 400)]!++;
  assert.deepEqual(counts, { a: 100, b: 300, c: 0 });
  assert.equal(
    tcpClusterFor(listener, () => 0.999999999),
    'b',
  );
  assert.equal(tcpClusterFor({ ...listener, tcp_clusters: [] }), 'b', 'tcp_cluster without the list');
});
