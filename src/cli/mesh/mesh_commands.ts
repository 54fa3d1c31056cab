/** `meshplane mesh up|down|status`: the lifecycle of a local mesh (control plane + local platform). */
import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Command } from 'commander';
import {
  CONTROL_PLANE_GRPC_PORT,
  CONTROL_PLANE_HTTP_PORT,
  DEFAULT_TRUST_DOMAIN,
} from '../../config/index.js';
import {
  accessModeName,
  parseHostPort,
  type AccessModeName,
  type ControlPlaneStatus,
  type MeshSettingsRecord,
} from '../../control/index.js';
import { AddressPool, DEFAULT_ADDRESS_RANGE } from '../../platform/index.js';
import { InvalidInputError } from '../../errors/index.js';
import type { IO } from '../io.js';
import { call, resolveApi } from './api_client.js';
import { MeshAlreadyRunningError, MeshStartFailedError } from './errors.js';
import { age, parseDuration, table, until } from './format.js';
import { LocalMesh } from './local_mesh.js';
import {
  isAlive,
  readMeshRecord,
  removeMeshRecord,
  stateDirOf,
  writeMeshRecord,
  type MeshRecord,
} from './state.js';

interface UpFlags {
  stateDir?: string;
  trustDomain: string;
  grpcAddress: string;
  apiAddress: string;
  addressRange: string;
  certTtl: string;
  proxyCommand?: string;
  sidecars: boolean;
  proxyLogLevel: string;
  permissive?: boolean;
  accessMode?: string;
  detach?: boolean;
}

const binPath = new URL('../bin.js', import.meta.url).pathname;

export function registerMeshCommands(program: Command, io: IO, setExitCode: (code: number) => void): void {
  const mesh = program.command('mesh').description('run a local mesh: control plane + local platform');
  mesh
    .command('up')
    .description('start the control plane and the local platform (foreground, or --detach)')
    .option(
      '--state-dir <dir>',
      'state directory: CA, resources, logs (default $MESHPLANE_STATE_DIR or ./.meshplane)',
    )
    .option('--trust-domain <domain>', 'SPIFFE trust domain', DEFAULT_TRUST_DOMAIN)
    .option(
      '--grpc-address <host:port>',
      'config stream + certificates',
      `127.0.0.1:${CONTROL_PLANE_GRPC_PORT}`,
    )
    .option('--api-address <host:port>', 'HTTP API', `127.0.0.1:${CONTROL_PLANE_HTTP_PORT}`)
    .option('--address-range <cidr>', 'loopback range for workload addresses', DEFAULT_ADDRESS_RANGE)
    .option('--cert-ttl <duration>', 'lifetime of workload certificates', '24h')
    .option('--proxy-command <command>', 'sidecar program and leading arguments (split on spaces)')
    .option('--no-sidecars', 'run workloads without sidecars (no mTLS, no HTTP_PROXY)')
    .option('--proxy-log-level <level>', 'log level passed to each sidecar', 'info')
    .option(
      '--access-mode <mode>',
      "SMI access: enforced (only what TrafficTargets allow) or permissive (every mesh peer); default: the state directory's, enforced when new",
    )
    .option('--permissive', 'same as --access-mode permissive')
    .option('--detach', 'run in the background; `meshplane mesh down` stops it')
    .action(async (flags: UpFlags) => meshUp(flags, io));
  mesh
    .command('down')
    .description('stop the mesh running in the state directory, with all its workloads')
    .option('--state-dir <dir>', 'state directory of the mesh')
    .action(async (flags: { stateDir?: string }) => setExitCode(await meshDown(flags, io)));
  mesh
    .command('status')
    .description(
      'control plane health and every proxy: connected, config version, ACK/NACK, certificate expiry',
    )
    .option('--state-dir <dir>', 'state directory of the mesh')
    .option('--api <url>', 'HTTP API of the mesh (default: from the state directory)')
    .option('-o, --output <format>', 'table or json', 'table')
    .action(async (flags: { stateDir?: string; api?: string; output: string }) => {
      const status = await call<ControlPlaneStatus>(await resolveApi(flags, io), 'GET', '/v1/status');
      io.stdout.write(
        flags.output === 'json' ? `${JSON.stringify(status, null, 2)}\n` : formatStatus(status),
      );
    });
  mesh
    .command('config')
    .description('show the mesh-wide settings, or change them while the mesh runs')
    .option('--state-dir <dir>', 'state directory of the mesh')
    .option('--api <url>', 'HTTP API of the mesh (default: from the state directory)')
    .option(
      '--access-mode <mode>',
      'enforced (only what TrafficTargets allow) or permissive (every mesh peer)',
    )
    .action(async (flags: { stateDir?: string; api?: string; accessMode?: string }) => {
      const mode =
        flags.accessMode === undefined ? undefined : accessModeName(flags.accessMode, '--access-mode');
      const api = await resolveApi(flags, io);
      const settings =
        mode === undefined
          ? await call<MeshSettingsRecord>(api, 'GET', '/v1/mesh/config')
          : await call<MeshSettingsRecord>(api, 'POST', '/v1/mesh/config', { accessMode: mode });
      io.stdout.write(`access mode: ${settings.accessMode}\n`);
    });
}

async function meshUp(flags: UpFlags, io: IO): Promise<void> {
  // Every flag is checked before anything starts.
  const stateDir = stateDirOf(flags.stateDir, io.env);
  parseHostPort(flags.grpcAddress, '--grpc-address');
  parseHostPort(flags.apiAddress, '--api-address');
  new AddressPool(flags.addressRange);
  const certTtlMs = parseDuration(flags.certTtl, '--cert-ttl');
  const accessMode = upAccessMode(flags);
  const proxyCommand = flags.sidecars
    ? (flags.proxyCommand?.split(/\s+/).filter(Boolean) ?? undefined)
    : null;
  const existing = await readMeshRecord(stateDir);
  if (existing && isAlive(existing.pid)) {
    throw new MeshAlreadyRunningError(
      `a mesh is already running in ${stateDir} (pid ${existing.pid}, API ${existing.api}); stop it with: meshplane mesh down`,
    );
  }
  if (flags.detach) return detach(flags, stateDir, io);

  const stop = new AbortController();
  io.signal?.addEventListener('abort', () => stop.abort(), { once: true });
  const log = (message: string): void => void io.stderr.write(`${new Date().toISOString()} ${message}\n`);
  const mesh = await LocalMesh.start({
    stateDir,
    trustDomain: flags.trustDomain,
    grpcAddress: flags.grpcAddress,
    httpAddress: flags.apiAddress,
    addressRange: flags.addressRange,
    certTtlMs,
    proxyCommand,
    proxyLogLevel: flags.proxyLogLevel,
    ...(accessMode ? { accessMode } : {}),
    onShutdownRequest: () => stop.abort(),
    log,
  });
  const record: MeshRecord = {
    pid: process.pid,
    api: mesh.apiUrl,
    grpc: mesh.grpcAddress,
    trustDomain: flags.trustDomain,
    stateDir,
    addressRange: flags.addressRange,
    startedAt: new Date().toISOString(),
  };
  await writeMeshRecord(record);
  io.stdout.write(
    `mesh up: trust domain ${record.trustDomain}, state ${stateDir}\n` +
      `  control plane gRPC ${record.grpc}, HTTP API ${record.api}\n` +
      `  workload addresses from ${record.addressRange}${proxyCommand === null ? ' (no sidecars)' : ''}\n` +
      `  access mode ${mesh.controlPlane!.meshSettings().accessMode}\n`,
  );
  if (!stop.signal.aborted)
    await new Promise((resolve) => stop.signal.addEventListener('abort', resolve, { once: true }));
  log('stopping the mesh');
  await mesh.stop();
  await removeMeshRecord(stateDir, process.pid);
  io.stdout.write('mesh down\n');
}

/** upAccessMode reads --access-mode / --permissive; undefined keeps the state directory's mode. */
function upAccessMode(flags: UpFlags): AccessModeName | undefined {
  const mode = flags.accessMode === undefined ? undefined : accessModeName(flags.accessMode, '--access-mode');
  if (flags.permissive && mode === 'enforced') {
    throw new InvalidInputError('--permissive', true, 'not together with --access-mode enforced');
  }
  return flags.permissive ? 'permissive' : mode;
}

/** detach starts `mesh up` again in its own session and waits until its API answers. */
async function detach(flags: UpFlags, stateDir: string, io: IO): Promise<void> {
  mkdirSync(stateDir, { recursive: true, mode: 0o700 });
  const logFile = join(stateDir, 'mesh.log');
  const args = [
    binPath, 'mesh', 'up', '--state-dir', stateDir, '--trust-domain', flags.trustDomain,
    '--grpc-address', flags.grpcAddress, '--api-address', flags.apiAddress, '--address-range', flags.addressRange,
    '--cert-ttl', flags.certTtl, '--proxy-log-level', flags.proxyLogLevel,
    ...(upAccessMode(flags) ? ['--access-mode', upAccessMode(flags)!] : []),
    ...(flags.sidecars ? (flags.proxyCommand ? ['--proxy-command', flags.proxyCommand] : []) : ['--no-sidecars']),
  ]; // prettier-ignore
  const fd = openSync(logFile, 'a', 0o600);
  const child = spawn(process.execPath, args, {
    detached: true,
    stdio: ['ignore', fd, fd],
    env: { ...process.env, ...io.env },
  });
  closeSync(fd);
  child.unref();
  let exited = false;
  child.once('exit', () => (exited = true));
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline && !exited) {
    const record = await readMeshRecord(stateDir);
    if (record && record.pid === child.pid) {
      const ok = await fetch(`${record.api}/healthz`).then(
        (r) => r.ok,
        () => false,
      );
      if (ok) {
        io.stdout.write(
          `mesh up in the background (pid ${record.pid}): gRPC ${record.grpc}, HTTP API ${record.api}\n  log ${logFile}; stop with: meshplane mesh down${flags.stateDir ? ` --state-dir ${stateDir}` : ''}\n`,
        );
        return;
      }
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  if (!exited) child.kill('SIGTERM');
  const tail = (await readFile(logFile, 'utf8').catch(() => '')).trim().split('\n').slice(-5).join('\n');
  throw new MeshStartFailedError(`the mesh did not come up; last lines of ${logFile}:\n${tail}`);
}

async function meshDown(flags: { stateDir?: string }, io: IO): Promise<number> {
  const stateDir = stateDirOf(flags.stateDir, io.env);
  const record = await readMeshRecord(stateDir);
  if (!record || !isAlive(record.pid)) {
    if (record) await removeMeshRecord(stateDir, record.pid);
    io.stdout.write(`no mesh is running in ${stateDir}\n`);
    return 0;
  }
  const { pid } = record;
  const asked = await fetch(`${record.api}/v1/shutdown`, { method: 'POST' }).then(
    (r) => r.ok,
    () => false,
  );
  if (!asked && pid !== process.pid) process.kill(pid, 'SIGTERM');
  const gone = async (): Promise<boolean> =>
    pid === process.pid ? (await readMeshRecord(stateDir)) === undefined : !isAlive(pid);
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (await gone()) {
      io.stdout.write(`mesh down (pid ${pid} stopped)\n`);
      return 0;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  io.stderr.write(`meshplane: the mesh (pid ${pid}) is still stopping after 30 s\n`);
  return 1;
}

/** formatStatus renders `mesh status` as a header and one row per proxy. */
export function formatStatus(s: ControlPlaneStatus, now = Date.now()): string {
  const head =
    `control plane   ${s.healthy ? 'healthy' : 'stopping'}, up ${age(s.startedAt, now)}, trust domain ${s.trustDomain}\n` +
    `  gRPC ${s.grpcAddress}, HTTP API ${s.httpAddress}, state ${s.stateDir}\n` +
    `  ${s.resources.workloads} workloads, ${s.resources.services} services, ${s.resources.serviceAccounts} service accounts; ` +
    `${s.instances.ready}/${s.instances.total} instances ready\n` +
    `  access mode ${s.accessMode}; SMI: ${s.resources.trafficSplits} traffic splits, ${s.resources.trafficTargets} traffic targets, ` +
    `${s.resources.httpRouteGroups} HTTP route groups, ${s.resources.tcpRoutes} TCP routes, ${s.resources.udpRoutes} UDP routes\n` +
    (s.warnings
      ? `  ${s.warnings} warning event${s.warnings === 1 ? '' : 's'} (meshplane get events -A)\n`
      : '');
  if (s.proxies.length === 0) return `${head}\nno proxies\n`;
  const rows = s.proxies.map((p) => [
    p.id,
    p.address,
    p.connected ? 'yes' : 'no',
    p.versionSent || '-',
    p.lastNack
      ? `NACK: ${p.lastNack.reason}`
      : p.versionAcked && p.versionAcked === p.versionSent
        ? 'ACK'
        : p.versionAcked
          ? `ACK ${p.versionAcked}`
          : '-',
    until(p.certNotAfter, now),
  ]);
  return `${head}\n${table(['PROXY', 'ADDRESS', 'CONNECTED', 'CONFIG VERSION', 'STATUS', 'CERT EXPIRES IN'], rows)}`;
}
