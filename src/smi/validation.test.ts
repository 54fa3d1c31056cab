import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InvalidInputError } from '../errors/index.js';
import { parseSmiResource } from './resource.js';

const split = (spec: Record<string, unknown>, version = 'v1alpha4', metadata: unknown = { name: 'web' }) => ({
  apiVersion: `split.smi-spec.io/${version}`,
  kind: 'TrafficSplit',
  metadata,
  spec,
});
const okSplit = {
  service: 'web',
  backends: [
    { service: 'web-v1', weight: 1 },
    { service: 'web-v2', weight: 0 },
  ],
};
const target = (spec: Record<string, unknown>, version = 'v1alpha3') => ({
  apiVersion: `access.smi-spec.io/${version}`,
  kind: 'TrafficTarget',
  metadata: { name: 'tt', namespace: 'shop' },
  spec,
});
const okTarget = {
  destination: { kind: 'ServiceAccount', name: 'b' },
  sources: [{ kind: 'ServiceAccount', name: 'a' }],
  rules: [{ kind: 'TCPRoute', name: 'all' }],
};
const group = (matches: unknown, version = 'v1alpha4') => ({
  apiVersion: `specs.smi-spec.io/${version}`,
  kind: 'HTTPRouteGroup',
  metadata: { name: 'routes' },
  ...(version === 'v1alpha1' || version === 'v1alpha2' ? { matches } : { spec: { matches } }),
});
const tcp = (spec: unknown, version = 'v1alpha4', kind = 'TCPRoute') => ({
  apiVersion: `specs.smi-spec.io/${version}`,
  kind,
  metadata: { name: 'l4' },
  spec,
});

function rejects(value: unknown, expected: string | RegExp): void {
  assert.throws(
    () => parseSmiResource(value),
    (e: unknown) => {
      if (!(e instanceof InvalidInputError)) return false;
      return typeof expected === 'string' ? e.message === expected : expected.test(e.message);
    },
    String(expected),
  );
}

test('the example rejection reads exactly as documented', () => {
  rejects(
    split({
      service: 'web',
      backends: [
        { service: 'web-v1', weight: 1 },
        { service: 'web-v2', weight: -1 },
      ],
    }),
    'TrafficSplit default/web: spec.backends[1].weight is -1; expected an integer ≥ 0',
  );
});

test('TrafficSplit rejections name the field', () => {
  assert.ok(parseSmiResource(split(okSplit)));
  rejects(
    split({ backends: okSplit.backends }),
    /^TrafficSplit default\/web: spec\.service is missing; expected the apex service name/,
  );
  rejects(split({ service: 'web' }), /spec\.backends is missing; expected a list of \{service, weight\}/);
  rejects(split({ service: 'web', backends: [] }), /spec\.backends is \[\]; expected at least one backend/);
  rejects(
    split({ service: 'web', backends: [{ service: 'web', weight: 1 }] }),
    /spec\.backends\[0\]\.service is "web"; expected a service other than the apex service web \(a split must not reference itself\)/,
  );
  rejects(
    split({ service: 'web', backends: [{ service: 'a', weight: 1.5 }] }),
    /spec\.backends\[0\]\.weight is 1\.5; expected an integer ≥ 0/,
  );
  rejects(
    split({ service: 'web', backends: [{ service: 'a', weight: '50' }] }),
    /spec\.backends\[0\]\.weight is "50"; expected an integer ≥ 0/,
  );
  rejects(split({ service: 'web', backends: [{ service: 'a' }] }), /spec\.backends\[0\]\.weight is missing/);
  rejects(
    split({
      service: 'web',
      backends: [
        { service: 'a', weight: 1 },
        { service: 'a', weight: 2 },
      ],
    }),
    /spec\.backends\[1\]\.service is "a"; expected each backend service listed once/,
  );
  rejects(
    split({ service: 'web', backends: [{ service: 'A_b', weight: 1 }] }),
    /spec\.backends\[0\]\.service is "A_b"; expected a backend service name that is a DNS-1123 name/,
  );
  rejects(
    split({ service: 'web', backends: [{ service: 'a', wieght: 1 }] }),
    /spec\.backends\[0\]\.wieght: unknown field; did you mean weight\?/,
  );
  rejects(
    split({ ...okSplit, matches: [{ kind: 'TCPRoute', name: 'x' }] }),
    /spec\.matches\[0\]\.kind is "TCPRoute"; expected HTTPRouteGroup/,
  );
  rejects(
    split({ ...okSplit, matches: [{ kind: 'HTTPRouteGroup' }] }),
    /spec\.matches\[0\]\.name is missing/,
  );
  rejects(
    split({ ...okSplit, matches: [{ kind: 'HTTPRouteGroup', name: 'g' }] }, 'v1alpha2'),
    /spec\.matches: unknown field \(TrafficSplit v1alpha2 spec has no such field\)/,
  );
  rejects(
    split({ service: 'web', backends: [{ service: 'a', weight: '-1' }] }, 'v1alpha1'),
    /spec\.backends\[0\]\.weight is "-1"; expected a quantity ≥ 0/,
  );
  rejects(
    split({ service: 'web', backends: [{ service: 'a', weight: '1u' }] }, 'v1alpha1'),
    /weight is "1u"; expected a quantity ≥ 0 in whole milli-units/,
  );
  rejects(
    split(okSplit, 'v1beta1'),
    /apiVersion is "split\.smi-spec\.io\/v1beta1"; expected one of split\.smi-spec\.io\/v1alpha1, /,
  );
  rejects(
    split(okSplit, 'v1alpha4', { name: 'Web' }),
    /^TrafficSplit default\/Web: metadata\.name is "Web"; expected a name that is a DNS-1123 name/,
  );
  rejects(split(okSplit, 'v1alpha4', {}), /^TrafficSplit default\/\(unnamed\): metadata\.name is missing/);
  rejects(
    split(okSplit, 'v1alpha4', { name: 'web', namespace: 'Shop' }),
    /metadata\.namespace is "Shop"; expected a namespace that is a DNS-1123 label/,
  );
  rejects(
    split(okSplit, 'v1alpha4', { name: 'web', lables: {} }),
    /metadata\.lables: unknown field; did you mean labels\?/,
  );
  rejects(
    split(okSplit, 'v1alpha4', { name: 'web', labels: { a: 1 } }),
    /metadata\.labels\.a is 1; expected a string/,
  );
  rejects(
    { ...split(okSplit), specs: {} },
    /^TrafficSplit default\/web: specs: unknown field; did you mean spec\?/,
  );
});

test('v1alpha1 quantity weights convert to milli-units', () => {
  const parsed = parseSmiResource(
    split(
      {
        service: 'web',
        backends: [
          { service: 'a', weight: '1' },
          { service: 'b', weight: '500m' },
          { service: 'c', weight: 2 },
          { service: 'd', weight: '1.5' },
        ],
      },
      'v1alpha1',
    ),
  )!;
  assert.deepEqual(
    parsed.resource.kind === 'TrafficSplit' && parsed.resource.spec.backends.map((b) => b.weight),
    [1000, 500, 2000, 1500],
  );
});

test('namespace defaults to default, or to the reader option', () => {
  assert.equal(parseSmiResource(split(okSplit))!.resource.metadata.namespace, 'default');
  assert.equal(
    parseSmiResource(split(okSplit), { defaultNamespace: 'team-a' })!.resource.metadata.namespace,
    'team-a',
  );
  const explicit = parseSmiResource(split(okSplit, 'v1alpha4', { name: 'web', namespace: 'shop' }), {
    defaultNamespace: 'team-a',
  });
  assert.equal(explicit!.resource.metadata.namespace, 'shop');
  const all0 = parseSmiResource(split({ service: 'web', backends: [{ service: 'a', weight: 0 }] }))!;
  assert.deepEqual(all0.warnings, [
    'TrafficSplit default/web: spec.backends: every weight is 0, so the split sends no traffic',
  ]);
});

test('TrafficTarget rejections name the field', () => {
  assert.ok(parseSmiResource(target(okTarget)));
  rejects(
    target({ ...okTarget, destination: undefined }),
    /^TrafficTarget shop\/tt: spec\.destination is missing; expected a subject/,
  );
  rejects(
    target({ ...okTarget, sources: [] }),
    /spec\.sources is \[\]; expected at least one source \(required from v1alpha3\)/,
  );
  rejects(target({ ...okTarget, rules: undefined }), /spec\.rules is missing/);
  rejects(
    target({ ...okTarget, rules: [{ kind: 'HTTPRoute', name: 'r' }] }),
    /spec\.rules\[0\]\.kind is "HTTPRoute"; expected one of HTTPRouteGroup, TCPRoute, UDPRoute \(access v1alpha3\)/,
  );
  rejects(
    target({ ...okTarget, rules: [{ kind: 'UDPRoute', name: 'r' }] }, 'v1alpha2'),
    /spec\.rules\[0\]\.kind is "UDPRoute"; expected one of HTTPRouteGroup, TCPRoute \(access v1alpha2\)/,
  );
  rejects(target({ ...okTarget, rules: [{ kind: 'TCPRoute' }] }), /spec\.rules\[0\]\.name is missing/);
  rejects(
    target({ ...okTarget, rules: [{ kind: 'TCPRoute', name: 'r', matches: [''] }] }),
    /spec\.rules\[0\]\.matches\[0\] is ""; expected a match name/,
  );
  rejects(
    target({ ...okTarget, sources: [{ kind: 'Pod', name: 'a' }] }),
    /spec\.sources\[0\]\.kind is "Pod"; expected ServiceAccount or Group/,
  );
  rejects(
    target({ ...okTarget, destination: { kind: 'ServiceAccount', name: 'b', port: 70000 } }, 'v1alpha2'),
    /spec\.destination\.port is 70000; expected a port number 1\.\.65535/,
  );
  rejects(
    target({ ...okTarget, destination: { kind: 'ServiceAccount', name: 'b', port: 'http' } }, 'v1alpha2'),
    /spec\.destination\.port is "http"; expected a port number/,
  );
  rejects(
    {
      apiVersion: 'access.smi-spec.io/v1alpha1',
      kind: 'TrafficTarget',
      metadata: { name: 'tt', namespace: 'shop' },
      destination: okTarget.destination,
      rules: [],
    },
    /^TrafficTarget shop\/tt: rules: unknown field/,
  );
  rejects(
    { apiVersion: 'access.smi-spec.io/v1alpha1', kind: 'TrafficTarget', metadata: { name: 'tt' }, specs: [] },
    /^TrafficTarget default\/tt: destination is missing/,
  );
  rejects(
    { ...target(okTarget), apiVersion: 'access.smi-spec.io/v1alpha4' },
    /apiVersion is "access\.smi-spec\.io\/v1alpha4"; expected one of access\.smi-spec\.io\/v1alpha1, access\.smi-spec\.io\/v1alpha2, access\.smi-spec\.io\/v1alpha3/,
  );
});

test('older TrafficTargets may omit sources and rules; that allows nothing and says so', () => {
  const parsed = parseSmiResource(
    target({ destination: { kind: 'ServiceAccount', name: 'b' } }, 'v1alpha2'),
  )!;
  assert.deepEqual(parsed.resource.kind === 'TrafficTarget' && parsed.resource.spec.rules, []);
  assert.match(parsed.warnings[0]!, /spec\.sources: empty, so this TrafficTarget allows no traffic/);
});

test('HTTPRouteGroup rejections name the field', () => {
  assert.ok(parseSmiResource(group([{ name: 'all', pathRegex: '.*', methods: ['*'] }])));
  rejects(
    group([{ pathRegex: '/a' }]),
    /^HTTPRouteGroup default\/routes: spec\.matches\[0\]\.name is missing; expected a match name/,
  );
  rejects(
    group([{ name: 'a', methods: ['get'] }]),
    /spec\.matches\[0\]\.methods\[0\] is "get"; expected one of \*, GET, HEAD, PUT, POST, DELETE, CONNECT, OPTIONS, TRACE, PATCH/,
  );
  rejects(
    group([{ name: 'a', methods: ['FETCH'] }], 'v1alpha1'),
    /^HTTPRouteGroup default\/routes: matches\[0\]\.methods\[0\] is "FETCH"/,
  );
  rejects(
    group([{ name: 'a', pathRegex: '/(a' }]),
    /spec\.matches\[0\]\.pathRegex is "\/\(a"; expected a valid RE2 regular expression/,
  );
  rejects(
    group([{ name: 'a', pathRegex: '/(?!admin)' }]),
    /pathRegex is "\/\(\?!admin\)"; expected a valid RE2 regular expression \(lookahead/,
  );
  rejects(group([{ name: 'a', pathRegex: '/(?<=x)y' }]), /\(lookbehind/);
  rejects(group([{ name: 'a', pathRegex: '/(a)\\1' }]), /\(backreference \\1/);
  rejects(
    group([{ name: 'a', headers: { 'user-agent': '(?=x)' } }]),
    /spec\.matches\[0\]\.headers\.user-agent is "\(\?=x\)"; expected a valid RE2 regular expression \(lookahead/,
  );
  rejects(
    group([{ name: 'a', headers: [{ 'user-agent': 'x', cookie: 'y' }] }]),
    /spec\.matches\[0\]\.headers\[0\] is \{"user-agent":"x","cookie":"y"\}; expected an object with exactly one header: regex pair/,
  );
  rejects(
    group([{ name: 'a', headers: [{ 'bad header': 'x' }] }]),
    /spec\.matches\[0\]\.headers\[0\]\.bad header is "bad header"; expected an HTTP header name/,
  );
  rejects(group([{ name: 'a', headers: { x: 5 } }]), /headers\.x is 5; expected a regular expression string/);
  rejects(
    group([{ name: 'a', headers: 'x' }]),
    /headers is "x"; expected a map of header: regex, or a list of single-entry maps/,
  );
  rejects(
    group([{ name: 'a' }, { name: 'a' }]),
    /spec\.matches\[1\]\.name is "a"; expected a name not used by another match/,
  );
  rejects(
    group([{ name: 'a', path: '/x' }]),
    /spec\.matches\[0\]\.path: unknown field; did you mean pathRegex\?/,
  );
  rejects(group(undefined), /spec\.matches is missing/);
  rejects(
    { ...group([{ name: 'a' }]), matches: [{ name: 'b' }] },
    /matches is \[\{"name":"b"\}\]; expected matches in one place only/,
  );
});

test('TCPRoute and UDPRoute rejections name the field', () => {
  rejects(
    tcp({ matches: { ports: [0] } }),
    /^TCPRoute default\/l4: spec\.matches\.ports\[0\] is 0; expected a port number 1\.\.65535/,
  );
  rejects(tcp({ matches: { ports: [65536] } }), /spec\.matches\.ports\[0\] is 65536/);
  rejects(tcp({ matches: { ports: ['80'] } }), /spec\.matches\.ports\[0\] is "80"; expected a port number/);
  rejects(tcp({ matches: {} }), /spec\.matches\.ports is missing; expected a list of ports/);
  rejects(tcp({}), /spec\.matches is missing/);
  rejects(
    tcp({ matches: { ports: [80] } }, 'v1alpha3'),
    /spec\.matches: unknown field \(TCPRoute v1alpha3 spec \(matches arrived in v1alpha4\) has no such field\)/,
  );
  rejects(tcp({}, 'v1alpha2'), /^TCPRoute default\/l4: spec: unknown field/);
  rejects(
    tcp({ matches: { ports: [53] } }, 'v1alpha3', 'UDPRoute'),
    /^UDPRoute default\/l4: apiVersion is "specs\.smi-spec\.io\/v1alpha3"; expected one of specs\.smi-spec\.io\/v1alpha4/,
  );
  rejects(
    tcp({ matches: { ports: [53, 53] } }, 'v1alpha4', 'UDPRoute'),
    /spec\.matches\.ports\[1\] is 53; expected each port listed once/,
  );
});

test('the dispatcher routes SMI kinds, returns undefined for others, rejects unknown SMI kinds', () => {
  assert.equal(parseSmiResource({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'x' } }), undefined);
  assert.equal(parseSmiResource({ apiVersion: 'meshplane.dev/v1alpha1', kind: 'Workload' }), undefined);
  assert.equal(parseSmiResource('not an object'), undefined);
  rejects(
    { apiVersion: 'split.smi-spec.io/v1alpha4', kind: 'TrafficSplitter', metadata: { name: 'x' } },
    /^TrafficSplitter default\/x: kind is "TrafficSplitter"; expected one of TrafficSplit in split\.smi-spec\.io/,
  );
  rejects(
    { apiVersion: 'specs.smi-spec.io/v1alpha4', kind: 'GRPCRoute', metadata: { name: 'x' } },
    /expected one of HTTPRouteGroup, TCPRoute, UDPRoute in specs\.smi-spec\.io/,
  );
  rejects(
    { apiVersion: 'access.smi-spec.io/v1alpha4', kind: 'IdentityBinding', metadata: { name: 'x' } },
    /IdentityBinding is in the unreleased access v1alpha4 draft/,
  );
  rejects(
    { apiVersion: 'metrics.smi-spec.io/v1alpha1', kind: 'TrafficMetrics', metadata: { name: 'x' } },
    /metrics\.smi-spec\.io is a read-only API/,
  );
});

test('errors name the manifest origin when there is one', () => {
  assert.throws(
    () =>
      parseSmiResource(split({ service: 'web', backends: [] }), {
        origin: { source: 'split.yaml', document: 2, line: 14 },
      }),
    (e: unknown) =>
      e instanceof InvalidInputError &&
      e.message ===
        'TrafficSplit default/web (split.yaml document 2 (line 14)): spec.backends is []; expected at least one backend' &&
      e.field === 'spec.backends',
  );
});
