import assert from 'node:assert/strict';
import { test } from 'node:test';
import { matchesHttpRequest, matchHttpRouteGroup, type HttpRequestInfo } from './http_match.js';
import type { HTTPRouteGroup, TCPRoute, TrafficSplit } from './model.js';
import { routeAllowsPort } from './port_match.js';
import { parseSmiResource } from './resource.js';
import { mergeSplitRoutes, splitSelector } from './route_merge.js';
import { normaliseWeights } from './weights.js';

function parse<R>(value: unknown): R {
  return parseSmiResource(value)!.resource as R;
}

const routes = parse<HTTPRouteGroup>({
  apiVersion: 'specs.smi-spec.io/v1alpha4',
  kind: 'HTTPRouteGroup',
  metadata: { name: 'routes', namespace: 'shop' },
  spec: {
    matches: [
      { name: 'metrics', pathRegex: '/metrics', methods: ['GET'] },
      { name: 'api-read', pathRegex: '/api/v[0-9]+/', methods: ['GET', 'HEAD'] },
      {
        name: 'android',
        headers: [{ 'User-Agent': '.*Android.*' }, { cookie: '^(.*?;)?(type=insider)(;.*)?$' }],
      },
      { name: 'posix', pathRegex: '/files/[[:digit:]]+$' },
      { name: 'named', pathRegex: '/u/(?P<id>[a-z]+)\\z', methods: ['*'] },
      { name: 'caseless', pathRegex: '(?i)/ADMIN' },
    ],
  },
});

const req = (method: string, path: string, headers: HttpRequestInfo['headers'] = {}): HttpRequestInfo => ({
  method,
  path,
  headers,
});

test('pathRegex is anchored at the start; methods and * filter', () => {
  assert.equal(matchHttpRouteGroup(routes, req('GET', '/metrics')), 'metrics');
  assert.equal(matchHttpRouteGroup(routes, req('GET', '/metrics/extra?x=1')), 'metrics');
  assert.equal(matchHttpRouteGroup(routes, req('GET', '/echo/metrics')), undefined);
  assert.equal(matchHttpRouteGroup(routes, req('POST', '/metrics')), undefined);
  assert.equal(matchHttpRouteGroup(routes, req('head', '/api/v2/items')), 'api-read');
  assert.equal(matchHttpRouteGroup(routes, req('DELETE', '/api/v2/items')), undefined);
  assert.equal(matchHttpRouteGroup(routes, req('PATCH', '/u/alice')), 'named');
  assert.equal(matchHttpRouteGroup(routes, req('PATCH', '/u/alice/x')), undefined);
  assert.equal(matchHttpRouteGroup(routes, req('GET', '/files/123')), 'posix');
  assert.equal(matchHttpRouteGroup(routes, req('GET', '/files/12a')), undefined);
  assert.equal(matchHttpRouteGroup(routes, req('GET', '/admin/panel')), 'caseless');
});

test('header filters are ANDed, case-insensitive by name, regex anywhere in the value', () => {
  const android = { 'user-agent': 'Mozilla/5.0 (Linux; Android 14)', Cookie: 'a=1;type=insider;b=2' };
  assert.equal(matchHttpRouteGroup(routes, req('PUT', '/anything', android)), 'android');
  assert.equal(
    matchHttpRouteGroup(routes, req('PUT', '/anything', { ...android, Cookie: 'type=outsider' })),
    undefined,
  );
  assert.equal(matchHttpRouteGroup(routes, req('PUT', '/anything', { 'user-agent': 'Android' })), undefined);
  assert.equal(
    matchHttpRouteGroup(
      routes,
      req('PUT', '/x', { 'USER-AGENT': ['curl', 'Android'], cookie: 'type=insider' }),
    ),
    'android',
  );
});

test('a rule may restrict the group to some match names', () => {
  assert.equal(matchHttpRouteGroup(routes, req('GET', '/metrics'), ['api-read']), undefined);
  assert.equal(matchHttpRouteGroup(routes, req('GET', '/metrics'), ['api-read', 'metrics']), 'metrics');
  assert.equal(matchesHttpRequest({ name: 'all', methods: [], headers: [] }, req('OPTIONS', '/')), true);
  assert.equal(
    matchesHttpRequest({ name: 'any', methods: ['*'], pathRegex: '.*', headers: [] }, req('TRACE', '/x')),
    true,
  );
});

test('the conformance traffic-spec routes behave as the suite asserts', () => {
  const group = parse<HTTPRouteGroup>({
    apiVersion: 'specs.smi-spec.io/v1alpha4',
    kind: 'HTTPRouteGroup',
    metadata: { name: 'http-rg' },
    matches: [{ name: 'testMatch', pathRegex: '/metrics', methods: ['*'] }],
  });
  assert.equal(matchHttpRouteGroup(group, req('GET', '/metrics'), ['testMatch']), 'testMatch');
  assert.equal(matchHttpRouteGroup(group, req('GET', '/echo'), ['testMatch']), undefined);
  const byMethod = parse<HTTPRouteGroup>({
    apiVersion: 'specs.smi-spec.io/v1alpha4',
    kind: 'HTTPRouteGroup',
    metadata: { name: 'http-rg' },
    spec: { matches: [{ name: 'testMatch', pathRegex: '.*', methods: ['GET'] }] },
  });
  assert.equal(matchHttpRouteGroup(byMethod, req('GET', '/echo')), 'testMatch');
  assert.equal(matchHttpRouteGroup(byMethod, req('POST', '/echo')), undefined);
});

test('relative weights become shares', () => {
  const shares = normaliseWeights([
    { service: 'a', weight: 1000 },
    { service: 'b', weight: 500 },
    { service: 'c', weight: 0 },
  ]);
  assert.deepEqual(
    shares.map((s) => s.share),
    [2 / 3, 1 / 3, 0],
  );
  assert.deepEqual(
    normaliseWeights([{ service: 'a', weight: 0 }]).map((s) => s.share),
    [0],
  );
  assert.deepEqual(
    normaliseWeights([
      { service: 'a', weight: 75 },
      { service: 'b', weight: 25 },
    ]).map((s) => s.share),
    [0.75, 0.25],
  );
});

test('TCP/UDP routes allow listed ports, and every port when none are listed', () => {
  const some = parse<TCPRoute>({
    apiVersion: 'specs.smi-spec.io/v1alpha4',
    kind: 'TCPRoute',
    metadata: { name: 'db' },
    spec: { matches: { ports: [3306, 6446] } },
  });
  const all = parse<TCPRoute>({
    apiVersion: 'specs.smi-spec.io/v1alpha2',
    kind: 'TCPRoute',
    metadata: { name: 'all' },
  });
  assert.equal(routeAllowsPort(some, 3306), true);
  assert.equal(routeAllowsPort(some, 8080), false);
  assert.equal(routeAllowsPort(all, 8080), true);
});

test('a split with matches merges its HTTPRouteGroups and applies only to matching requests', () => {
  const split = parse<TrafficSplit>({
    apiVersion: 'split.smi-spec.io/v1alpha4',
    kind: 'TrafficSplit',
    metadata: { name: 'ab', namespace: 'shop' },
    spec: {
      service: 'website',
      matches: [
        { kind: 'HTTPRouteGroup', name: 'routes' },
        { kind: 'HTTPRouteGroup', name: 'firefox' },
        { kind: 'HTTPRouteGroup', name: 'gone' },
      ],
      backends: [
        { service: 'website-v1', weight: 0 },
        { service: 'website-v2', weight: 100 },
      ],
    },
  });
  const firefox = parse<HTTPRouteGroup>({
    apiVersion: 'specs.smi-spec.io/v1alpha3',
    kind: 'HTTPRouteGroup',
    metadata: { name: 'firefox', namespace: 'shop' },
    spec: { matches: [{ name: 'ff', headers: { 'user-agent': 'Firefox' } }] },
  });
  const elsewhere = { ...firefox, metadata: { ...firefox.metadata, name: 'gone', namespace: 'other' } };
  const merged = mergeSplitRoutes(split, [routes, firefox, elsewhere]);
  assert.deepEqual(merged.missing, ['gone']);
  assert.deepEqual(
    merged.matches.map((m) => `${m.group}/${m.name}`),
    [
      'routes/metrics',
      'routes/api-read',
      'routes/android',
      'routes/posix',
      'routes/named',
      'routes/caseless',
      'firefox/ff',
    ],
  );
  const selector = splitSelector(split, [routes, firefox]);
  assert.equal(selector.applies(req('GET', '/metrics')), true);
  assert.equal(selector.applies(req('POST', '/cart', { 'User-Agent': 'Firefox/128' })), true);
  assert.equal(selector.applies(req('POST', '/cart', { 'User-Agent': 'curl' })), false);
  const plain = { ...split, spec: { ...split.spec, matches: [] } };
  assert.equal(splitSelector(plain, []).applies(req('POST', '/cart', {})), true);
  assert.equal(splitSelector(split, []).applies(req('GET', '/metrics')), false);
});
