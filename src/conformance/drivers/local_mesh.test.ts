// The local-mesh driver against a real in-process mesh (control plane + local platform): deploy,
// readiness, settling on the proxies' ACKs, SMI applies, and teardown. Then the whole suite through
// `meshplane mesh validate` against the reference mesh with its real sidecars, once the mesh claims
// SMI; every step must pass.
import assert from 'node:assert/strict';
import { randomInt } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { LocalMesh, main } from '../../cli/index.js';
import { runConformance } from '../runner.js';
import type { SampleWorkload } from '../driver.js';
import { LocalMeshDriver } from './local_mesh.js';

const VERSION = (JSON.parse(await readFile(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string }).version; // prettier-ignore

/** A config-stream sidecar: real certificates and config ACKs, no data path. */
const configSidecar = [
  process.execPath,
  new URL('../../cli/testing/config_sidecar.js', import.meta.url).pathname,
];

/** A loopback /24 few other tests use, so parallel runs on one host do not collide. */
function addressRange(): string {
  return `127.${randomInt(100, 200)}.${randomInt(1, 250)}.0/24`;
}

async function startMesh(proxyCommand: string[] | undefined) {
  const stateDir = await mkdtemp(join(tmpdir(), 'meshplane-conformance-'));
  const mesh = await LocalMesh.start({
    stateDir,
    grpcAddress: '127.0.0.1:0',
    httpAddress: '127.0.0.1:0',
    addressRange: addressRange(),
    ...(proxyCommand ? { proxyCommand } : {}),
    restart: { initialMs: 300, maxMs: 1000 },
    stopGraceMs: 2000,
  });
  return {
    mesh,
    stop: async () => {
      await mesh.stop();
      await rm(stateDir, { recursive: true, force: true });
    },
  };
}

test('the local driver deploys through the mesh API, settles on proxy ACKs and tears everything down', async (t) => {
  const { mesh, stop } = await startMesh(configSidecar);
  t.after(stop);
  const driver = new LocalMeshDriver({ api: mesh.apiUrl });
  const info = await driver.describe({ signal: AbortSignal.timeout(10_000) });
  assert.equal(info.name, 'meshplane');
  assert.equal(info.version, VERSION, 'GET /v1/status carries the version');
  // Kubernetes discovery lists every SMI kind at every version the mesh reads.
  const served = Object.fromEntries(info.served.map((api) => [`${api.group}/${api.version}`, api.kinds]));
  assert.deepEqual(served['access.smi-spec.io/v1alpha3'], ['TrafficTarget']);
  assert.deepEqual(served['split.smi-spec.io/v1alpha1'], ['TrafficSplit']);
  assert.deepEqual(served['specs.smi-spec.io/v1alpha4'], ['HTTPRouteGroup', 'TCPRoute', 'UDPRoute']);
  assert.deepEqual(served['specs.smi-spec.io/v1alpha1'], ['HTTPRouteGroup', 'TCPRoute']);
  assert.deepEqual(served['metrics.smi-spec.io/v1alpha1'], ['TrafficMetrics']);
  assert.equal(info.served.length, 4 + 3 + 4 + 2);

  const run = await runConformance(driver, { suites: ['traffic-access'], trafficScale: 0.1, readyTimeoutMs: 60_000 });
  const suite = run.suites[0]!;
  const steps = Object.fromEntries(suite.steps.map((s) => [s.name, s]));
  assert.equal(steps.deployApp!.status, 'passed', steps.deployApp!.reasons.join('; '));
  assert.ok(steps.deployApp!.settleMs !== undefined, 'the deploy waited for the proxies to ACK');
  assert.deepEqual(steps.deployApp!.warnings, [], 'every proxy ACKed its config in time');
  assert.equal(steps.trafficTargetServed!.status, 'passed');
  assert.equal(steps.allowTcpRoute!.status, 'passed', 'the mesh accepts the SMI resources');
  // Sidecars without a data path: calls through HTTP_PROXY get no response, and the steps say so.
  assert.equal(steps.trafficDefault!.status, 'failed');
  assert.match(steps.trafficDefault!.reasons.at(-1)!, /the call from app-a \(GET app-b \/echo\) got no HTTP response/);
  assert.equal(suite.teardownError, undefined);

  // Teardown deleted every resource and every instance of the namespace.
  const api = (path: string) => fetch(`${mesh.apiUrl}${path}?namespace=${suite.namespace}`).then((r) => r.json()) as Promise<{ items: unknown[] }>;
  for (const path of ['/v1/workloads', '/v1/services', '/v1/serviceaccounts', '/v1/instances', '/v1/traffictargets', '/v1/tcproutes', '/v1/udproutes', '/v1/httproutegroups']) {
    assert.deepEqual((await api(path)).items, [], path);
  }
}); // prettier-ignore

test('the local driver runs the sample app as a Workload and reports the mesh unreachable clearly', async () => {
  const closed = await new Promise<number>((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
  const driver = new LocalMeshDriver({ api: `http://127.0.0.1:${closed}` });
  const w: SampleWorkload = { namespace: 'ns', name: 'app-a', serviceAccount: 'service-a', labels: { app: 'app-a' }, env: { SERVICE_NAME: 'app-a' }, port: 9091 };
  const manifest = driver.workloadManifest(w);
  assert.equal(manifest.kind, 'Workload');
  assert.deepEqual((manifest.spec as { command: string[] }).command.slice(1), [new URL('../app/main.js', import.meta.url).pathname]);
  await assert.rejects(driver.describe({ signal: AbortSignal.timeout(5000) }), new RegExp(`no mesh answers at http://127\\.0\\.0\\.1:${closed} \\(ECONNREFUSED\\); start one with: meshplane mesh up`));
}); // prettier-ignore

test('meshplane mesh validate passes every step against the reference mesh', async (t) => {
  const { mesh, stop } = await startMesh(undefined); // the real sidecar: `meshplane proxy`
  t.after(stop);
  const info = await new LocalMeshDriver({ api: mesh.apiUrl }).describe({ signal: AbortSignal.timeout(10_000) });
  if (!info.served.some((api) => api.group.endsWith('.smi-spec.io'))) {
    t.skip('the local mesh serves no SMI API yet (GET /apis lists no smi-spec.io group)');
    return;
  }
  let out = '';
  let err = '';
  const io = { stdout: { write: (s: string) => (out += s) }, stderr: { write: (s: string) => (err += s) }, env: {} };
  const code = await main(['mesh', 'validate', '--spec', 'smi', '--api', mesh.apiUrl, '-o', 'json'], io);
  const doc = JSON.parse(out) as { totals: { steps: number; passed: number }; suites: { name: string; steps: { number: number; name: string; status: string; reasons: string[] }[] }[] };
  const notPassed = doc.suites.flatMap((s) => s.steps.filter((st) => st.status !== 'passed').map((st) => `${s.name} ${st.number} ${st.name}: ${st.reasons.join('; ')}`));
  assert.deepEqual(notPassed, [], err);
  assert.equal(code, 0);
  assert.equal(doc.totals.passed, doc.totals.steps);
}); // prettier-ignore
