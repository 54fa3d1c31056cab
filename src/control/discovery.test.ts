// Kubernetes discovery of the SMI groups on the control plane's HTTP API: the group list, one group,
// a version's resource list, the metrics group's own list, 404 for what is not served, and the
// mesh version in /v1/status.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { test } from 'node:test';
import { startTestControlPlane } from './testing/fixtures.js';

test('GET /apis lists the SMI groups and versions apply reads; each version lists its kinds', async (t) => {
  const { cp, cleanup } = await startTestControlPlane();
  t.after(cleanup);
  const get = async (path: string, status = 200) => {
    const res = await fetch(`http://${cp.httpAddress}${path}`);
    assert.equal(res.status, status, path);
    return (await res.json()) as Record<string, unknown>;
  };
  const list = (await get('/apis')) as { kind: string; groups: { name: string; versions: { version: string }[]; preferredVersion: { groupVersion: string } }[] };
  assert.equal(list.kind, 'APIGroupList');
  assert.deepEqual(
    list.groups.map((g) => [g.name, g.versions.map((v) => v.version), g.preferredVersion.groupVersion]),
    [
      ['split.smi-spec.io', ['v1alpha4', 'v1alpha3', 'v1alpha2', 'v1alpha1'], 'split.smi-spec.io/v1alpha4'],
      ['access.smi-spec.io', ['v1alpha3', 'v1alpha2', 'v1alpha1'], 'access.smi-spec.io/v1alpha3'],
      ['specs.smi-spec.io', ['v1alpha4', 'v1alpha3', 'v1alpha2', 'v1alpha1'], 'specs.smi-spec.io/v1alpha4'],
      ['metrics.smi-spec.io', ['v1alpha2', 'v1alpha1'], 'metrics.smi-spec.io/v1alpha2'],
    ],
  );
  assert.equal((await get('/apis/access.smi-spec.io')).kind, 'APIGroup');
  const kinds = async (gv: string) => ((await get(`/apis/${gv}`)) as { resources: { kind: string; name: string }[] }).resources.map((r) => `${r.name}:${r.kind}`);
  assert.deepEqual(await kinds('specs.smi-spec.io/v1alpha4'), ['httproutegroups:HTTPRouteGroup', 'tcproutes:TCPRoute', 'udproutes:UDPRoute']);
  assert.deepEqual(await kinds('specs.smi-spec.io/v1alpha2'), ['httproutegroups:HTTPRouteGroup', 'tcproutes:TCPRoute']);
  assert.deepEqual(await kinds('split.smi-spec.io/v1alpha1'), ['trafficsplits:TrafficSplit']);
  assert.ok((await kinds('metrics.smi-spec.io/v1alpha1')).every((k) => k.endsWith(':TrafficMetrics')));
  await get('/apis/split.smi-spec.io/v1alpha5', 404);
  await get('/apis/access.smi-spec.io/v1alpha4', 404); // the IdentityBinding draft was never released
  await get('/apis/apps', 404);

  const { version } = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  assert.equal((await get('/v1/status')).version, version);
}); // prettier-ignore
