// The reference mesh's reliability acceptance tests, with the real `meshplane proxy` sidecars and the
// shipped sample apps under open-loop load from meshplane's own engine (bounded: a few seconds):
// the control plane goes away and comes back while requests flow (none fails; every proxy reconnects
// and ACKs the current config; `mesh status` shows it), and one of two endpoints is killed while
// idempotent requests flow (none fails; the endpoint leaves the pushed config within 2 s).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { run, type RunResult } from '../../perf/index.js';
import { main } from '../main.js';
import {
  configDump,
  converged,
  endpointsOf,
  get,
  instance,
  sample,
  startMesh,
  until,
} from '../testing/mesh_fixture.js';

const BACKEND = 'outbound|80||backend.default.svc.cluster.local';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** load sends GET http://backend/ through the frontend's sidecar, as the frontend app would. */
function load(frontendAddress: string, seconds: number): Promise<RunResult> {
  return run({
    url: `http://${frontendAddress}:15001/`,
    headers: { host: 'backend' },
    qps: 200,
    loadModel: 'open',
    connections: 8,
    duration: `${seconds}s`,
    warmup: 0,
    timeout: '5s',
  });
}

function summary(r: RunResult): string {
  return `${r.requests} requests, status ${JSON.stringify(r.statusCodes)}, errors ${JSON.stringify(r.errors.byKind)} ${JSON.stringify(r.errors.samples)}`;
}

async function meshStatus(api: string): Promise<string> {
  let out = '';
  const code = await main(['mesh', 'status', '--api', api], {
    stdout: { write: (s: string) => void (out += s) },
    stderr: { write: () => undefined },
    env: {},
  });
  assert.equal(code, 0);
  return out;
}

test('reliability under load: the control plane restarts and an endpoint dies, and no request fails', async (t) => {
  // A crashed app stays down for the length of the test, so its endpoint's removal is unambiguous.
  const mesh = await startMesh(t, { addressRange: '127.172.0.0/24', restart: { initialMs: 8000 } });
  await mesh.controlPlane!.apply(await sample('hello.yaml'), 'hello.yaml');
  await converged(mesh, 3);
  const frontend = instance(mesh, 'frontend-0');

  await t.test('the control plane goes away under load: requests keep flowing; back, every proxy converges', async () => {
    const before = await configDump(frontend.address);
    const running = load(frontend.address, 4);
    await sleep(1000);
    await mesh.stopControlPlane();
    const outage = await until('the frontend proxy to notice', async () => {
      const d = await configDump(frontend.address);
      return d.source_state === 'disconnected' && d;
    }, 5000, 20);
    assert.equal(outage.version, before.version, 'the last good config keeps serving');
    await sleep(1000);
    const cp = await mesh.startControlPlane();
    const result = await running;
    t.diagnostic(`load across the outage: ${summary(result)}`);
    assert.equal(result.errors.total, 0, summary(result));
    assert.deepEqual(Object.keys(result.statusCodes), ['200'], summary(result));
    assert.ok(result.requests >= 700, summary(result));

    await converged(mesh, 3, 20_000);
    const status = await meshStatus(mesh.apiUrl);
    const rows = status.split('\n').filter((l) => /^(frontend|backend)-\d\.default /.test(l));
    assert.equal(rows.length, 3, status);
    for (const row of rows) {
      const id = row.split(/\s+/)[0]!;
      assert.match(row, new RegExp(`\\s+yes\\s+${cp.snapshot(id)!.version}\\s+ACK\\s`), status);
    }
  }); // prettier-ignore

  await t.test('one of two endpoints dies under load: idempotent requests see no failure; it leaves the config within 2 s', async () => {
    assert.deepEqual(endpointsOf((await configDump(frontend.address)).config, BACKEND), ['backend-0', 'backend-1']);
    const victim = instance(mesh, 'backend-1');
    const running = load(frontend.address, 4);
    await sleep(1000);
    const killedAt = Date.now();
    process.kill(victim.appPid!, 'SIGKILL');
    await until('backend-1 to leave the frontend proxy config', async () =>
      endpointsOf((await configDump(frontend.address)).config, BACKEND).join() === 'backend-0', 2000, 10);
    const removedAfterMs = Date.now() - killedAt;
    t.diagnostic(`backend-1 left the pushed config ${removedAfterMs} ms after its app was killed`);
    assert.ok(removedAfterMs < 2000, `${removedAfterMs} ms`);
    assert.deepEqual(endpointsOf(mesh.controlPlane!.snapshot(frontend.id), BACKEND), ['backend-0']);
    const result = await running;
    t.diagnostic(`load across the crash: ${summary(result)}`);
    const stats = (await get(frontend.address, 15000, '/stats/prometheus')).body;
    const series = stats.split('\n').filter((l) => /^meshplane_proxy_(retries_total|outlier_ejections_total|upstream_connect_failures_total)\{/.test(l));
    t.diagnostic(`frontend sidecar: ${series.join('; ') || 'no retries, ejections or connect failures'}`);
    // The dead endpoint was asked before it left the config (10 requests per 50 ms): retries hid it.
    const retries = series.filter((l) => l.startsWith('meshplane_proxy_retries_total')).reduce((n, l) => n + Number(l.split(' ').pop()), 0);
    assert.ok(retries >= 1, series.join('; '));
    assert.equal(result.errors.total, 0, summary(result));
    assert.deepEqual(Object.keys(result.statusCodes), ['200'], summary(result));
    assert.ok(result.requests >= 700, summary(result));
  }); // prettier-ignore
});
