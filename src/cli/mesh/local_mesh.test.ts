// A whole local mesh in-process (control plane + platform), with sidecars that follow the real config
// stream: every proxy connects and ACKs, endpoints leave the pushed config within 2 s of a crash, and
// proxies keep their config while the control plane is down and reconnect when it is back.
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { ProxyConfig } from '../../config/index.js';
import { LocalMesh, samplesDir } from './local_mesh.js';

const configSidecar = [process.execPath, new URL('../testing/config_sidecar.js', import.meta.url).pathname];

/** until polls `check` until it holds; the default deadline allows for a loaded machine. */
async function until<T>(
  what: string,
  check: () => T | undefined | false | Promise<T | undefined | false>,
  timeoutMs = 60_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

async function configDump(
  address: string,
): Promise<{ identity: string; state: string; config?: ProxyConfig }> {
  return (await (await fetch(`http://${address}:15000/config_dump`)).json()) as {
    identity: string;
    state: string;
    config?: ProxyConfig;
  };
}

function backendEndpoints(dump: { config?: ProxyConfig }): string[] {
  const cluster = dump.config?.clusters.find(
    (c) => c.name === 'outbound|80||backend.default.svc.cluster.local',
  );
  return (cluster?.endpoints ?? []).map((e) => e.instance).sort();
}

test('a local mesh: proxies connect and ACK, endpoints follow crashes, and the control plane can restart', async (t) => {
  const stateDir = await mkdtemp(join(tmpdir(), 'meshplane-mesh-'));
  const mesh = await LocalMesh.start({
    stateDir,
    grpcAddress: '127.0.0.1:0',
    httpAddress: '127.0.0.1:0',
    addressRange: '127.42.0.0/24',
    proxyCommand: configSidecar,
    restart: { initialMs: 300, maxMs: 1000 },
    stopGraceMs: 2000,
  });
  t.after(async () => {
    await mesh.stop();
    await rm(stateDir, { recursive: true, force: true });
  });
  await mesh.controlPlane!.apply(
    await readFile(join(samplesDir, 'manifests', 'hello.yaml'), 'utf8'),
    'hello.yaml',
  );
  const cp = mesh.controlPlane!;
  await until('three ready instances with connected, ACKing proxies', () => {
    const s = cp.status();
    return (
      s.instances.ready === 3 &&
      s.proxies.length === 3 &&
      s.proxies.every(
        (p) => p.connected && p.versionAcked !== '' && p.versionAcked === cp.snapshot(p.id)?.version,
      ) &&
      s
    );
  });
  const frontend = mesh.platform.instances().find((i) => i.workload === 'frontend')!;
  const dump = await configDump(frontend.address);
  assert.equal(dump.identity, 'spiffe://cluster.local/ns/default/sa/frontend');
  assert.deepEqual(backendEndpoints(dump), ['backend-0', 'backend-1']);
  assert.ok(dump.config!.route_tables[0]!.virtual_hosts.some((v) => v.domains.includes('backend')));

  // A crash: the endpoint leaves the frontend proxy's config within 2 s.
  const backend1 = mesh.platform.instances().find((i) => i.name === 'backend-1')!;
  const crashedAt = Date.now();
  await fetch(`http://${backend1.address}:9090/admin/exit`, { method: 'POST' });
  await until(
    'backend-1 out of the pushed config',
    async () => backendEndpoints(await configDump(frontend.address)).join() === 'backend-0',
    2000,
  );
  const removedAfter = Date.now() - crashedAt;
  assert.ok(removedAfter < 2000, `removed after ${removedAfter} ms`);
  await until(
    'backend-1 back after its restart',
    async () => backendEndpoints(await configDump(frontend.address)).length === 2,
  );

  // The control plane goes away: proxies keep their config; a new one gets every proxy back.
  const version = (await configDump(frontend.address)).config!.version;
  await mesh.stopControlPlane();
  await until(
    'frontend proxy disconnected',
    async () => (await configDump(frontend.address)).state === 'disconnected',
  );
  assert.equal((await configDump(frontend.address)).config!.version, version, 'last good config kept');
  const again = await mesh.startControlPlane();
  await until('all proxies reconnected and ACKed', () => {
    const s = again.status();
    return (
      s.proxies.length === 3 &&
      s.proxies.every((p) => p.connected && p.versionAcked === again.snapshot(p.id)?.version)
    );
  });
  assert.equal(
    (await configDump(frontend.address)).config!.version,
    version,
    'nothing changed, same version',
  );
});
