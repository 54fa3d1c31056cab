/**
 * Test fixtures for whole-mesh tests: an in-process LocalMesh with the real `meshplane proxy`
 * sidecars and the shipped sample apps, stopped (every app and sidecar) when the test ends however it
 * ends; polling with bounded deadlines; plain HTTP requests from this process.
 */
import { request } from 'node:http';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ProxyConfig } from '../../config/index.js';
import type { InstanceStatus } from '../../platform/index.js';
import { LocalMesh, samplesDir, type LocalMeshOptions } from '../mesh/local_mesh.js';

/** until polls `check` until it returns something truthy; it fails after `timeoutMs`. */
export async function until<T>(
  what: string,
  check: () => T | undefined | false | Promise<T | undefined | false>,
  timeoutMs = 60_000,
  pollMs = 25,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, pollMs));
  }
}

/**
 * startMesh starts a LocalMesh on free ports in a fresh state directory and registers its stop with
 * the test: workloads, sidecars and the state directory go away even when the test fails.
 */
export async function startMesh(
  t: { after: (fn: () => Promise<void>) => void },
  options: Partial<LocalMeshOptions> & { addressRange: string },
): Promise<LocalMesh> {
  const stateDir = await mkdtemp(join(tmpdir(), 'meshplane-acceptance-'));
  let mesh: LocalMesh;
  try {
    mesh = await LocalMesh.start({
      stateDir,
      grpcAddress: '127.0.0.1:0',
      httpAddress: '127.0.0.1:0',
      stopGraceMs: 2000,
      ...options,
    });
  } catch (error) {
    await rm(stateDir, { recursive: true, force: true });
    throw error;
  }
  t.after(async () => {
    await mesh.stop();
    await rm(stateDir, { recursive: true, force: true });
  });
  return mesh;
}

/** sample reads a manifest shipped in samples/manifests. */
export function sample(name: string): Promise<string> {
  return readFile(join(samplesDir, 'manifests', name), 'utf8');
}

/**
 * converged waits until `ready` instances are ready and every proxy is connected and has ACKed the
 * config the control plane compiles for it now.
 */
export async function converged(mesh: LocalMesh, ready: number, timeoutMs = 60_000): Promise<void> {
  await until(
    `${ready} ready instances whose proxies all ACKed their current config`,
    () => {
      const cp = mesh.controlPlane;
      if (!cp) return false;
      const s = cp.status();
      return (
        s.instances.ready === ready &&
        s.proxies.length === s.instances.total &&
        s.proxies.every(
          (p) =>
            p.connected &&
            !p.lastNack &&
            p.versionAcked !== '' &&
            p.versionAcked === cp.snapshot(p.id)?.version,
        )
      );
    },
    timeoutMs,
  );
}

/** instance finds a running instance by name ("backend-1"). */
export function instance(mesh: LocalMesh, name: string, namespace = 'default'): InstanceStatus {
  const found = mesh.platform.instances().find((i) => i.name === name && i.namespace === namespace);
  if (!found) throw new Error(`no instance ${namespace}/${name}`);
  return found;
}

export interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** get sends one request from this process to host:port (a fresh connection, no proxy of its own). */
export function get(
  host: string,
  port: number,
  path: string,
  headers: Record<string, string> = {},
  method = 'GET',
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request({ host, port, path, method, headers, agent: false, timeout: 15_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: Buffer.concat(chunks).toString(),
        }),
      );
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`no answer from ${host}:${port}${path} in 15 s`)));
    req.on('error', reject);
    req.end();
  });
}

/** ConfigDump is what a sidecar's admin /config_dump says. */
export interface ConfigDump {
  version: string;
  source_state: string;
  identity: { spiffe_id: string; not_after: string } | null;
  last_nack: { version: string; error: string; at: string } | null;
  config: ProxyConfig | null;
}

/** configDump reads a sidecar's /config_dump on its admin port. */
export async function configDump(address: string): Promise<ConfigDump> {
  return JSON.parse((await get(address, 15000, '/config_dump')).body) as ConfigDump;
}

/** endpointsOf lists the instances a snapshot's cluster sends to, sorted. */
export function endpointsOf(config: ProxyConfig | null | undefined, cluster: string): string[] {
  return (config?.clusters.find((c) => c.name === cluster)?.endpoints ?? []).map((e) => e.instance).sort();
}
