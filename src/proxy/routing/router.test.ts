// DomainRouter and RequestMatcher: exact domains with the :80 rules, first matching route, path
// regex anchored at the start, methods with "*", headers ANDed, and weighted cluster splits.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Cluster as ClusterConfig, RouteTable } from '../../config/index.js';
import { Counter, Gauge } from '../metrics/registry.js';
import { normalizeProxyConfig } from '../snapshot/normalize.js';
import { FakeClock } from '../testing/fake_clock.js';
import { Cluster } from '../upstream/cluster.js';
import { type RequestView, RequestMatcher } from './match.js';
import { DomainRouter } from './router.js';

const clock = new FakeClock();
const clusters = new Map(
  ['a', 'b', 'c'].map((name) => [
    name,
    new Cluster({ name } as ClusterConfig, [], clock, { ejections: new Counter(), ejected: new Gauge() }),
  ]),
);

function req(method: string, path: string, headers: Record<string, string> = {}): RequestView {
  return { method, path, header: (n) => headers[n] };
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
