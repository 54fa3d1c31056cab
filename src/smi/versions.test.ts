import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseSmiDocument } from './resource.js';
import { toSmiManifest } from './serialize.js';
import { fixture } from './testing/fixtures.js';
import type { ParsedSmiResource, SmiResource } from './model.js';

function parseAll(name: string): ParsedSmiResource[] {
  return fixture(name).map((doc) => {
    const parsed = parseSmiDocument(doc);
    assert.ok(parsed, `${name} document ${doc.origin.document} is SMI`);
    return parsed;
  });
}

/** canonical drops the field that records the written version, so versions compare equal. */
function canonical(r: SmiResource): Omit<SmiResource, 'sourceApiVersion'> {
  const { sourceApiVersion: _written, ...rest } = r;
  return rest;
}

test('TrafficSplit v1alpha1–v1alpha4 convert to the same canonical v1alpha4 resource', () => {
  const [v1, v2, v3, v4] = parseAll('traffic-split.yaml').map((p) => p.resource);
  assert.deepEqual(
    [v1, v2, v3, v4].map((r) => r!.sourceApiVersion),
    ['v1alpha1', 'v1alpha2', 'v1alpha3', 'v1alpha4'].map((v) => `split.smi-spec.io/${v}`),
  );
  assert.deepEqual(v4, {
    kind: 'TrafficSplit',
    apiVersion: 'split.smi-spec.io/v1alpha4',
    metadata: { name: 'shop-canary', namespace: 'shop', labels: {}, annotations: {} },
    sourceApiVersion: 'split.smi-spec.io/v1alpha4',
    spec: {
      service: 'checkout',
      backends: [
        { service: 'checkout-v1', weight: 750 },
        { service: 'checkout-v2', weight: 250 },
      ],
      matches: [{ kind: 'HTTPRouteGroup', name: 'beta-testers' }],
    },
  });
  assert.deepEqual(canonical(v1!), canonical(v2!));
  assert.deepEqual(canonical(v3!), canonical(v4!));
  assert.deepEqual(canonical(v2!), canonical({ ...v4!, spec: { ...v4!.spec, matches: [] } } as SmiResource));
});

test('TrafficTarget v1alpha1–v1alpha3 convert to the same canonical v1alpha3 resource', () => {
  const parsed = parseAll('traffic-target.yaml');
  for (const p of parsed) assert.deepEqual(p.warnings, []);
  const [v1, v2, v3] = parsed.map((p) => p.resource);
  assert.deepEqual(v3, {
    kind: 'TrafficTarget',
    apiVersion: 'access.smi-spec.io/v1alpha3',
    metadata: { name: 'metrics-scrape', namespace: 'shop', labels: {}, annotations: {} },
    sourceApiVersion: 'access.smi-spec.io/v1alpha3',
    spec: {
      destination: { kind: 'ServiceAccount', name: 'checkout', namespace: 'shop' },
      sources: [
        { kind: 'ServiceAccount', name: 'prometheus', namespace: 'monitoring' },
        { kind: 'ServiceAccount', name: 'frontend', namespace: 'shop' },
      ],
      rules: [
        { kind: 'HTTPRouteGroup', name: 'ops-routes', matches: ['metrics'] },
        { kind: 'TCPRoute', name: 'db-port', matches: [] },
      ],
    },
  });
  assert.deepEqual(canonical(v1!), canonical(v3!));
  assert.deepEqual(canonical(v2!), canonical(v3!));
});

test('HTTPRouteGroup v1alpha1–v1alpha4 convert alike; both header forms read the same', () => {
  const [v1, v2, v3, v4] = parseAll('http-route-group.yaml').map((p) => p.resource);
  assert.deepEqual(canonical(v2!), canonical(v3!));
  assert.deepEqual(canonical(v3!), canonical(v4!));
  assert.deepEqual(v4!.kind === 'HTTPRouteGroup' && v4!.spec.matches[2], {
    name: 'android-insiders',
    methods: [],
    headers: [
      { name: 'user-agent', regex: '.*Android.*' },
      { name: 'cookie', regex: '^(.*?;)?(type=insider)(;.*)?$' },
    ],
  });
  assert.ok(v1!.kind === 'HTTPRouteGroup' && v4!.kind === 'HTTPRouteGroup');
  assert.deepEqual(v1!.spec.matches, v4!.spec.matches.slice(0, 2));
  assert.deepEqual(v4!.spec.matches[0], {
    name: 'metrics',
    methods: ['GET'],
    pathRegex: '/metrics',
    headers: [],
  });
});

test('TCPRoute v1alpha1–v1alpha4 without ports mean every port; v1alpha4 ports and UDPRoute are read', () => {
  const resources = parseAll('tcp-route.yaml').map((p) => p.resource);
  const [v1, v2, v3, v4, mysql, dns] = resources;
  for (const r of [v1, v2, v3]) assert.deepEqual(canonical(r!), canonical(v4!));
  assert.deepEqual(v4!.kind === 'TCPRoute' && v4!.spec, { matches: { ports: [] } });
  assert.deepEqual(mysql!.kind === 'TCPRoute' && mysql!.spec, {
    matches: { name: 'mysql-ports', ports: [3306, 6446] },
  });
  assert.equal(dns!.kind, 'UDPRoute');
  assert.deepEqual(dns!.kind === 'UDPRoute' && dns!.spec.matches, { ports: [53] });
});

test('the conformance suite quirks are accepted, each with a warning', () => {
  const [group, target] = parseAll('conformance-quirks.yaml');
  assert.equal(group!.resource.kind, 'HTTPRouteGroup');
  assert.deepEqual(group!.resource.kind === 'HTTPRouteGroup' && group!.resource.spec.matches, [
    { name: 'testMatch', methods: ['*'], pathRegex: '/metrics', headers: [] },
  ]);
  assert.equal(group!.resource.metadata.namespace, 'default');
  assert.deepEqual(group!.warnings, [
    'HTTPRouteGroup default/http-rg: matches: specs v1alpha4 keeps matches under spec; read top-level matches as spec.matches',
  ]);
  assert.deepEqual(target!.resource.kind === 'TrafficTarget' && target!.resource.spec.destination, {
    kind: 'ServiceAccount',
    name: 'service-b',
    namespace: 'default',
  });
  assert.equal(target!.warnings.length, 1);
  assert.match(
    target!.warnings[0]!,
    /^TrafficTarget default\/service-targets: spec\.destination\.port: port is not part of access v1alpha3/,
  );
});

test('v1alpha1/v1alpha2 destination ports are kept and written back losslessly', () => {
  const [parsed] = fixture('traffic-target.yaml').slice(1, 2);
  const obj = structuredClone(parsed!.object) as unknown as {
    spec: { destination: Record<string, unknown> };
  };
  obj.spec.destination.port = 8080;
  const result = parseSmiDocument({ ...parsed!, object: obj as never })!;
  assert.equal(result.resource.kind === 'TrafficTarget' && result.resource.spec.destination.port, 8080);
  const written = toSmiManifest(result.resource);
  assert.equal(written.apiVersion, 'access.smi-spec.io/v1alpha2');
  assert.deepEqual(parseSmiDocument({ ...parsed!, object: written as never })!.resource, result.resource);
});

test('toSmiManifest writes the hub version, which reads back to the same resource', () => {
  const all = [
    'traffic-split.yaml',
    'traffic-target.yaml',
    'http-route-group.yaml',
    'tcp-route.yaml',
  ].flatMap(parseAll);
  for (const { resource } of all) {
    const written = toSmiManifest(resource);
    const again = parseSmiDocument({ object: written as never, origin: { source: 'written', document: 1 } })!;
    assert.deepEqual(canonical(again.resource), canonical(resource));
    assert.equal(again.resource.sourceApiVersion, resource.apiVersion);
  }
  const group = all.find(
    (p) => p.resource.kind === 'HTTPRouteGroup' && p.resource.spec.matches.length === 3,
  )!;
  const headers = (toSmiManifest(group.resource).spec as { matches: { headers?: unknown }[] }).matches[2]!
    .headers;
  assert.deepEqual(headers, [{ 'user-agent': '.*Android.*' }, { cookie: '^(.*?;)?(type=insider)(;.*)?$' }]);
});
