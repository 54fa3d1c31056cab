// CLI transcripts for SMI against a real control plane (HTTP API on loopback): apply, get and delete
// every kind in every version, all-or-nothing files, cross-resource refusals, conformance-suite
// quirks as warnings, events, and the access mode at run time.
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { startTestControlPlane, tempDir } from '../../control/testing/fixtures.js';
import { main } from '../main.js';

const fixtures = new URL('../../control/testing/fixtures/', import.meta.url).pathname;

async function setup(t: { after: (fn: () => Promise<void>) => void }) {
  const env = await startTestControlPlane();
  const dir = await tempDir('meshplane-smi-cli-');
  t.after(async () => {
    await env.cleanup();
    await dir.remove();
  });
  const api = ['--api', `http://${env.cp.httpAddress}`];
  const run = async (...args: string[]) => {
    let out = '';
    let err = '';
    const code = await main([...args, ...api], {
      stdout: { write: (s: string) => (out += s) },
      stderr: { write: (s: string) => (err += s) },
      env: {},
    });
    return { code, out, err };
  };
  const file = async (name: string, text: string) => {
    const path = join(dir.path, name);
    await writeFile(path, text);
    return path;
  };
  assert.equal((await run('apply', '-f', join(fixtures, 'mesh-base.yaml'))).code, 0);
  return { ...env, run, file };
}

const smiFile = join(fixtures, 'smi-all-versions.yaml');

test('every SMI kind and version applies, shows in get (canonical form) and deletes', async (t) => {
  const { cp, run } = await setup(t);
  const applied = await run('apply', '-f', smiFile);
  assert.equal(applied.code, 0, applied.err);
  assert.deepEqual(applied.out.trim().split('\n'), [
    ...['v1alpha1', 'v1alpha2', 'v1alpha3', 'v1alpha4'].map(
      (v) => `trafficsplit.split.smi-spec.io/split-${v} created`,
    ),
    ...['v1alpha1', 'v1alpha2', 'v1alpha3', 'v1alpha4'].map(
      (v) => `httproutegroup.specs.smi-spec.io/routes-${v} created`,
    ),
    ...['v1alpha1', 'v1alpha2', 'v1alpha3', 'v1alpha4'].map(
      (v) => `tcproute.specs.smi-spec.io/tcp-${v} created`,
    ),
    'udproute.specs.smi-spec.io/udp-v1alpha4 created',
    ...['v1alpha1', 'v1alpha2', 'v1alpha3'].map(
      (v) => `traffictarget.access.smi-spec.io/target-${v} created`,
    ),
  ]);
  assert.match(
    (await run('apply', '-f', smiFile)).out,
    /^trafficsplit.split.smi-spec.io\/split-v1alpha1 unchanged\n/,
  );

  const splits = await run('get', 'ts', '-o', 'wide');
  assert.match(
    splits.out,
    /^NAME\s+SERVICE\s+BACKENDS\s+AGE\s+MATCHES\s+SHARES\s+WRITTEN AS\nsplit-v1alpha1\s+web\s+web-v1:1000,web-v2:500\s+\d+s\s+<all requests>\s+9091: web-v1 66.7%, web-v2 33.3%\s+split.smi-spec.io\/v1alpha1\n/,
  );
  assert.match(
    splits.out,
    /split-v1alpha3\s+cart\s+cart-v1:0,cart-v2:100\s+\d+s\s+routes-v1alpha4\s+<apex service not found>/,
  );
  assert.match(
    (await run('get', 'tt')).out,
    /target-v1alpha1\s+web:9091\s+client\s+HTTPRouteGroup\/routes-v1alpha1\[metrics\][^\n]*\ntarget-v1alpha2\s+web\s+client\s+TCPRoute\/tcp-v1alpha2/,
  );
  assert.match((await run('get', 'htr')).out, /routes-v1alpha4\s+android,api\s+\d+s\n$/);
  assert.match((await run('get', 'tcproutes')).out, /tcp-v1alpha1\s+<all>[\s\S]*tcp-v1alpha4\s+9091\s/);
  const udp = await run('get', 'ur', '-o', 'wide');
  assert.match(udp.out, /udp-v1alpha4\s+8301,8302\s+\d+s\s+not carried \(UDP bypasses the mesh\)/);
  assert.match(udp.err, /UDP does not pass through the mesh/);

  // -o yaml shows the hub version, with headers in the CRD's list form whatever was written.
  const yaml = (await run('get', 'htr', 'routes-v1alpha2', '-o', 'yaml')).out;
  assert.match(yaml, /apiVersion: specs.smi-spec.io\/v1alpha4\n {4}kind: HTTPRouteGroup/);
  assert.match(yaml, /meshplane.dev\/source-api-version: specs.smi-spec.io\/v1alpha2/);
  assert.match(yaml, /headers:\n {12}- user-agent: .\*Android.\*\n {12}- cookie:/);
  const json = JSON.parse((await run('get', 'ts', 'split-v1alpha1', '-o', 'json')).out) as {
    items: { spec: unknown; status: { ports: { backends: { share: number }[] }[] } }[];
  };
  assert.deepEqual(json.items[0]!.spec, {
    service: 'web',
    backends: [
      { service: 'web-v1', weight: 1000 },
      { service: 'web-v2', weight: 500 },
    ],
  });
  assert.deepEqual(
    json.items[0]!.status.ports[0]!.backends.map((b) => Math.round(b.share * 3)),
    [2, 1],
  );

  // Dangling references are allowed and reported as events.
  const events = (await run('get', 'events')).out;
  assert.match(
    events,
    /Warning\s+ApexServiceNotFound\s+trafficsplit\/split-v1alpha2\s+apex service "shop" does not exist/,
  );
  assert.match(events, /Normal\s+UDPNotInMesh\s+udproute\/udp-v1alpha4/);
  assert.equal(cp.status().resources.trafficSplits, 4);

  const deleted = await run('delete', '-f', smiFile);
  assert.equal(deleted.code, 0, deleted.err);
  assert.equal(deleted.out.trim().split('\n').length, 16);
  assert.equal((await run('get', 'ts')).err, 'No resources found in default namespace.\n');
  assert.equal(cp.status().warnings, 0, 'nothing dangles any more (the events stay as history)');
});

test('a file with a bad SMI document in the middle applies nothing, and the error names the field', async (t) => {
  const { cp, run, file } = await setup(t);
  const bad: [string, RegExp][] = [
    [
      'apiVersion: split.smi-spec.io/v1alpha4\nkind: TrafficSplit\nmetadata: {name: broken}\nspec: {service: web, backends: [{service: web-v1, weight: -1}]}\n',
      /TrafficSplit default\/broken \(bad.yaml document 2 \(line 6\)\): spec.backends\[0\].weight is -1; expected an integer ≥ 0/,
    ],
    [
      'apiVersion: split.smi-spec.io/v1alpha4\nkind: TrafficSplit\nmetadata: {name: loop}\nspec: {service: web, backends: [{service: web, weight: 1}]}\n',
      /spec.backends\[0\].service is "web"; expected a service other than the apex service web \(a split must not reference itself\)/,
    ],
    [
      'apiVersion: specs.smi-spec.io/v1alpha4\nkind: HTTPRouteGroup\nmetadata: {name: r}\nspec: {matches: [{name: m, pathRegex: "(?=x)"}]}\n',
      /spec.matches\[0\].pathRegex is "\(\?=x\)"/,
    ],
    [
      'apiVersion: specs.smi-spec.io/v1alpha4\nkind: HTTPRouteGroup\nmetadata: {name: r}\nspec: {matches: [{name: m, methods: [FETCH]}]}\n',
      /spec.matches\[0\].methods\[0\] is "FETCH"/,
    ],
    [
      'apiVersion: access.smi-spec.io/v1alpha3\nkind: TrafficTarget\nmetadata: {name: t}\nspec: {destination: {kind: ServiceAccount, name: web}, rules: [{kind: HTTPRouteGroup, name: routes-v1alpha4, matches: [nope]}], sources: [{kind: ServiceAccount, name: client}]}\n',
      /bad.yaml: TrafficTarget "default\/t": spec.rules\[0\].matches\[0\] is "nope"; expected a match of HTTPRouteGroup "routes-v1alpha4" \(android, api\)/,
    ],
    [
      'apiVersion: split.smi-spec.io/v1alpha4\nkind: TrafficSplit\nmetadata: {name: nested}\nspec: {service: api-v1, backends: [{service: web-v1, weight: 1}]}\n',
      /bad.yaml: TrafficSplit "default\/nested": spec.service is "api-v1"; expected a service that is not a backend of another TrafficSplit/,
    ],
    [
      'apiVersion: split.smi-spec.io/v1alpha4\nkind: TrafficSplit\nmetadata: {name: twin}\nspec: {service: web, backends: [{service: web-v2, weight: 1}]}\n',
      /spec.service is "web"; expected a service no other TrafficSplit splits \(TrafficSplit "split-v1alpha1" already splits it\)/,
    ],
  ];
  assert.equal((await run('apply', '-f', smiFile)).code, 0);
  // The good documents around the bad one would change the store if apply were not all-or-nothing.
  const route = (name: string) =>
    `apiVersion: specs.smi-spec.io/v1alpha4\nkind: TCPRoute\nmetadata: {name: ${name}}\nspec: {matches: {ports: []}}\n`;
  for (const [doc, message] of bad) {
    const before = JSON.stringify(cp.store.resources());
    const text = `${route('newcomer')}---\n${doc}---\n${route('latecomer')}`;
    const r = await run('apply', '-f', await file('bad.yaml', text));
    assert.equal(r.code, 2, r.out);
    assert.match(r.err, message);
    assert.equal(JSON.stringify(cp.store.resources()), before, 'nothing applied');
  }
});

test('conformance-suite quirks apply with warnings; the access mode changes at run time', async (t) => {
  const { cp, run, file } = await setup(t);
  const quirks = await file(
    'quirks.yaml',
    `apiVersion: specs.smi-spec.io/v1alpha4
kind: HTTPRouteGroup
metadata: {name: http-rg}
matches: [{name: testMatch, pathRegex: /metrics, methods: ['*']}]
---
apiVersion: access.smi-spec.io/v1alpha3
kind: TrafficTarget
metadata: {name: service-targets}
spec:
  destination: {kind: ServiceAccount, name: web, port: '9091'}
  rules: [{kind: HTTPRouteGroup, name: http-rg, matches: [testMatch]}]
  sources: [{kind: ServiceAccount, name: client}]
`,
  );
  const applied = await run('apply', '-f', quirks);
  assert.equal(applied.code, 0, applied.err);
  assert.match(
    applied.err,
    /^Warning: HTTPRouteGroup default\/http-rg: matches: specs v1alpha4 keeps matches under spec/,
  );
  assert.match(
    applied.err,
    /Warning: TrafficTarget default\/service-targets: spec.destination.port: port is not part of access v1alpha3/,
  );

  assert.equal((await run('mesh', 'config')).out, 'access mode: enforced\n');
  assert.equal((await run('mesh', 'config', '--access-mode', 'permissive')).out, 'access mode: permissive\n');
  assert.equal(cp.meshView().accessMode, 'ACCESS_MODE_PERMISSIVE');
  assert.match(
    (await run('mesh', 'status')).out,
    /access mode permissive; SMI: 0 traffic splits, 1 traffic targets/,
  );
  assert.match(
    (await run('get', 'events')).out,
    /Normal\s+AccessModeChanged\s+mesh\/cluster.local\s+access mode changed from enforced to permissive/,
  );
  const wrong = await run('mesh', 'config', '--access-mode', 'open');
  assert.equal(wrong.code, 2);
  assert.match(wrong.err, /--access-mode is "open"; expected "enforced" .* or "permissive"/);
  assert.equal(cp.meshSettings().accessMode, 'permissive');
});
