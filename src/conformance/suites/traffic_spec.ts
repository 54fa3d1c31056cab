/**
 * traffic-spec: HTTPRouteGroup and TCPRoute (specs.smi-spec.io) as TrafficTarget rules. Steps 1–6
 * are the original suite's; then path prefixes anchored at the start, header matches (map and list
 * forms, ANDed), matches ORed and a rule limited to named matches, method lists, and the same
 * intent in every older HTTPRouteGroup and TCPRoute version the mesh claims.
 * @module
 */
import { httpRouteGroup, tcpRoute, trafficTarget, type HttpMatch } from './manifests.js';
import { GET_ECHO, GET_METRICS, POST_ECHO, probe, type Req } from './dsl.js';
import type { Claims, Step, Suite } from './types.js';

const SPECS = 'specs.smi-spec.io';

/** routeRule is the TrafficTarget service-targets (service-a → service-b) with one HTTPRouteGroup rule. */
function routeRule(ns: string, matches?: string[]) {
  return trafficTarget(
    ns,
    'service-targets',
    'v1alpha3',
    'service-b',
    ['service-a'],
    [{ kind: 'HTTPRouteGroup', name: 'http-rg', ...(matches ? { matches } : {}) }],
  );
}

function group(ns: string, matches: HttpMatch[], version = 'v1alpha4', headerList = false) {
  return httpRouteGroup(ns, 'http-rg', version, matches, headerList);
}

const canary = (value: string): Req => ({ path: '/echo', headers: { 'x-canary': value } });

function steps(claims: Claims): Step[] {
  const original: Step[] = [
    {
      name: 'httpRouteGroupServed',
      summary: `the mesh serves HTTPRouteGroup ${SPECS}/v1alpha4`,
      original: true,
      check: { kind: 'served', apiVersion: `${SPECS}/v1alpha4`, resource: 'HTTPRouteGroup' },
    },
    {
      name: 'deployApp',
      summary: 'deploy service accounts service-a/b/c, workloads app-a/b/c (1 ready replica each), Services app-a/b/c:9091',
      original: true,
      deploy: 'access',
      check: { kind: 'deployed' },
    },
    {
      name: 'allowMetricsPath',
      summary: 'HTTPRouteGroup http-rg {testMatch: pathRegex /metrics, methods [*]}; TrafficTarget service-a → service-b with rule http-rg [testMatch]',
      original: true,
      apply: (ns) => [group(ns, [{ name: 'testMatch', pathRegex: '/metrics', methods: ['*'] }]), routeRule(ns, ['testMatch'])],
    },
    {
      name: 'trafficPath',
      summary: 'app-a → app-b GET /metrics succeeds and GET /echo fails (exactly one of each, URLs checked)',
      original: true,
      check: { kind: 'traffic', phases: [{
        calls: [{ from: 'app-a', service: 'app-b', path: '/metrics' }, { from: 'app-a', service: 'app-b', path: '/echo' }],
        expect: [{ kind: 'outcomes', app: 'app-a', succeeded: [{ service: 'app-b', path: '/metrics' }], failed: [{ service: 'app-b', path: '/echo' }] }],
      }] },
    },
    {
      name: 'allowGetAnyPath',
      summary: 'change testMatch to pathRegex ".*", methods [GET]',
      original: true,
      apply: (ns) => [group(ns, [{ name: 'testMatch', pathRegex: '.*', methods: ['GET'] }]), routeRule(ns, ['testMatch'])],
    },
    {
      name: 'trafficMethod',
      summary: 'app-a → app-b GET /echo succeeds and POST /echo fails (methods checked)',
      original: true,
      check: { kind: 'traffic', phases: [{
        calls: [{ from: 'app-a', service: 'app-b', path: '/echo' }, { from: 'app-a', service: 'app-b', path: '/echo', method: 'POST' }],
        expect: [{ kind: 'outcomes', app: 'app-a', succeeded: [{ service: 'app-b', path: '/echo' }], failed: [{ service: 'app-b', path: '/echo', method: 'POST' }] }],
      }] },
    },
  ]; // prettier-ignore

  const extended: Step[] = [
    {
      name: 'pathPrefix',
      summary: 'pathRegex "/ech" is a prefix match: GET /echo is delivered, GET /metrics denied',
      apply: (ns) => [group(ns, [{ name: 'testMatch', pathRegex: '/ech', methods: ['*'] }]), routeRule(ns, ['testMatch'])],
      check: probe('app-a', 'app-b', [GET_ECHO], [GET_METRICS]),
    },
    {
      name: 'pathAnchored',
      summary: 'pathRegex "echo|/metrics" is anchored at the start: GET /metrics is delivered, GET /echo denied',
      apply: (ns) => [group(ns, [{ name: 'testMatch', pathRegex: 'echo|/metrics', methods: ['*'] }]), routeRule(ns, ['testMatch'])],
      check: probe('app-a', 'app-b', [GET_METRICS], [GET_ECHO]),
    },
    {
      name: 'headerMatchMap',
      summary: 'match canary with headers {x-canary: "^yes$"} (map form), no path or method: only requests carrying x-canary: yes are delivered',
      apply: (ns) => [group(ns, [{ name: 'canary', headers: { 'x-canary': '^yes$' } }]), routeRule(ns, ['canary'])],
      check: probe('app-a', 'app-b', [canary('yes')], [GET_ECHO, canary('no')]),
    },
    {
      name: 'headerMatchListAnd',
      summary: 'headers [{x-canary: "^yes$"}, {x-team: "^blue$"}] (list form) are ANDed: only requests with both are delivered',
      apply: (ns) => [group(ns, [{ name: 'canary', headers: { 'x-canary': '^yes$', 'x-team': '^blue$' } }], 'v1alpha4', true), routeRule(ns, ['canary'])],
      check: probe('app-a', 'app-b',
        [{ path: '/echo', headers: { 'x-canary': 'yes', 'x-team': 'blue' } }],
        [canary('yes'), { path: '/echo', headers: { 'x-team': 'blue' } }]),
    },
    {
      name: 'matchesOred',
      summary: 'matches get-echo (GET /echo) and get-metrics (GET /metrics), rule without matches: both are delivered, POST /echo denied',
      apply: (ns) => [
        group(ns, [{ name: 'get-echo', pathRegex: '/echo', methods: ['GET'] }, { name: 'get-metrics', pathRegex: '/metrics', methods: ['GET'] }]),
        routeRule(ns),
      ],
      check: probe('app-a', 'app-b', [GET_ECHO, GET_METRICS], [POST_ECHO]),
    },
    {
      name: 'ruleMatchesSubset',
      summary: 'the same group with the rule limited to [get-echo]: GET /echo is delivered, GET /metrics denied',
      apply: (ns) => [routeRule(ns, ['get-echo'])],
      check: probe('app-a', 'app-b', [GET_ECHO], [GET_METRICS]),
    },
    {
      name: 'methodList',
      summary: 'match writes: pathRegex /echo, methods [POST, PUT]: POST and PUT are delivered, GET and DELETE denied',
      apply: (ns) => [group(ns, [{ name: 'writes', pathRegex: '/echo', methods: ['POST', 'PUT'] }]), routeRule(ns, ['writes'])],
      check: probe('app-a', 'app-b', [POST_ECHO, { path: '/echo', method: 'PUT' }], [GET_ECHO, { path: '/echo', method: 'DELETE' }]),
    },
  ]; // prettier-ignore

  // HTTPRouteGroup http-rg rewritten in each older version, each with a different intent.
  const groupVersions: { version: string; match: HttpMatch; allowed: Req[]; denied: Req[]; says: string }[] = [
    { version: 'v1alpha1', match: { name: 'testMatch', pathRegex: '/metrics', methods: ['*'] }, allowed: [GET_METRICS], denied: [GET_ECHO], says: 'only /metrics' },
    { version: 'v1alpha2', match: { name: 'testMatch', pathRegex: '/echo', methods: ['GET'], headers: { 'x-canary': '^yes$' } }, allowed: [canary('yes')], denied: [GET_ECHO, GET_METRICS], says: 'GET /echo with x-canary: yes' },
    { version: 'v1alpha3', match: { name: 'testMatch', pathRegex: '.*', methods: ['POST'] }, allowed: [POST_ECHO], denied: [GET_ECHO], says: 'POST on any path' },
  ]; // prettier-ignore
  for (const v of groupVersions) {
    if (!claims.serves(`${SPECS}/${v.version}`, 'HTTPRouteGroup')) continue;
    extended.push({
      name: `httpRouteGroup${v.version[0]!.toUpperCase()}${v.version.slice(1)}`,
      summary: `HTTPRouteGroup http-rg written in ${SPECS}/${v.version} allowing ${v.says}`,
      apply: (ns) => [group(ns, [v.match], v.version), routeRule(ns, ['testMatch'])],
      check: probe('app-a', 'app-b', v.allowed, v.denied),
    });
  }

  // A TCPRoute rule in each older version (no ports there: every port) opens every path and method.
  let previous: string | undefined;
  for (const version of ['v1alpha1', 'v1alpha2', 'v1alpha3'] as const) {
    if (!claims.serves(`${SPECS}/${version}`, 'TCPRoute')) continue;
    const name = `tcp-${version}`;
    const old = previous;
    extended.push({
      name: `tcpRoute${version[0]!.toUpperCase()}${version.slice(1)}`,
      summary: `TrafficTarget service-targets with only TCPRoute ${name} (${SPECS}/${version}, every port)${old ? `, replacing ${old}` : ''}: GET /metrics, GET and POST /echo are delivered`,
      apply: (ns) => [
        tcpRoute(ns, name, version),
        trafficTarget(
          ns,
          'service-targets',
          'v1alpha3',
          'service-b',
          ['service-a'],
          [{ kind: 'TCPRoute', name }],
        ),
      ],
      ...(old ? { delete: (ns: string) => [tcpRoute(ns, old, old.slice(4))] } : {}),
      check: probe('app-a', 'app-b', [GET_METRICS, GET_ECHO, POST_ECHO], []),
    });
    previous = name;
  }
  return [...original, ...extended];
}

export const trafficSpec: Suite = { name: 'traffic-spec', specVersion: 'v0.6.0/v1alpha4', steps };
