// SMI end to end through real sidecars: a local mesh with `meshplane proxy`, the sample apps, access
// enforced and permissive, a path rule, a 1000/500 canary split and TrafficMetrics from the proxies'
// own /stats/prometheus.
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { LocalMesh, samplesDir } from './local_mesh.js';

test('SMI through real sidecars: access, path rules, a canary split and TrafficMetrics', async (t) => {
  const stateDir = await mkdtemp(join(tmpdir(), 'meshplane-smi-e2e-'));
  const mesh = await LocalMesh.start({
    stateDir,
    grpcAddress: '127.0.0.1:0',
    httpAddress: '127.0.0.1:0',
    addressRange: '127.161.0.0/24',
    stopGraceMs: 2000,
  });
  t.after(async () => {
    await mesh.stop();
    await rm(stateDir, { recursive: true, force: true });
  });
  const cp = mesh.controlPlane!;
  const settled = async (ready: number) => {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const s = cp.status();
      if (
        s.instances.ready === ready &&
        s.proxies.every((p) => p.versionAcked !== '' && p.versionAcked === cp.snapshot(p.id)?.version)
      )
        return;
      assert.ok(Date.now() < deadline, 'mesh did not settle');
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  const hello = await readFile(join(samplesDir, 'manifests', 'hello.yaml'), 'utf8');
  await cp.apply(hello, 'hello.yaml');
  await settled(3);
  const frontend = mesh.platform.instances().find((i) => i.workload === 'frontend')!;
  const call = async (path = '/') => {
    const res = await fetch(
      `http://${frontend.address}:8080/call?url=${encodeURIComponent(`http://backend${path}`)}`,
    );
    const { upstream } = (await res.json()) as {
      upstream: { status: number; headers: Record<string, string>; body: { workload?: string } };
    };
    return {
      status: upstream.status,
      reason: upstream.headers['x-meshplane-reason'] ?? '',
      workload: upstream.body.workload,
    };
  };
  assert.deepEqual(await call(), { status: 200, reason: '', workload: 'backend' });

  const target = hello.slice(hello.indexOf('# Every HTTP request'));
  await cp.delete(target, 'target.yaml');
  await settled(3);
  assert.deepEqual(await call(), { status: 403, reason: 'access_denied', workload: undefined });
  await cp.setAccessMode('permissive');
  await settled(3);
  assert.equal((await call()).status, 200);
  await cp.setAccessMode('enforced');
  await cp.apply(target.replace("pathRegex: '/.*'", "pathRegex: '/allowed'"), 'target.yaml');
  await settled(3);
  assert.deepEqual([(await call('/allowed/x')).status, (await call('/other')).status], [200, 403]);

  await cp.apply(target, 'target.yaml');
  await cp.apply(await readFile(join(samplesDir, 'manifests', 'canary.yaml'), 'utf8'), 'canary.yaml');
  await settled(4);
  const counts: Record<string, number> = {};
  const n = 300;
  for (let i = 0; i < n; i++) {
    const r = await call();
    const key = `${r.status} ${r.workload}`;
    counts[key] = (counts[key] ?? 0) + 1;
  }
  const v2 = counts['200 backend-v2'] ?? 0;
  assert.equal(v2 + (counts['200 backend'] ?? 0), n, JSON.stringify(counts));
  // 1000/500 → p = 1/3; 99.9 % binomial interval for n = 300 is about ±27 requests.
  assert.ok(Math.abs(v2 - n / 3) < 30, `backend-v2 got ${v2} of ${n}`);

  const res = await fetch(
    `http://${cp.httpAddress}/apis/metrics.smi-spec.io/v1alpha2/namespaces/default/trafficsplits/backend-canary`,
  );
  const list = (await res.json()) as {
    items: { backend: { name: string }; metrics: { name: string; value: string }[] }[];
  };
  const success = Object.fromEntries(
    list.items.map((i) => [i.backend.name, Number(i.metrics.find((m) => m.name === 'success_count')!.value)]),
  );
  assert.deepEqual(success, { 'backend-v1': n - v2, 'backend-v2': v2 });
});
