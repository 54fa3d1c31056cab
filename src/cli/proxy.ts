/**
 * `meshplane proxy`: runs one sidecar. Control-plane mode (the platform starts it this way) gets
 * config and certificates from the control plane; static mode (--config-file with --cert/--key/--ca)
 * reads them from files and reloads them when they change. Flags are checked before anything binds.
 * @module
 */
import { isIP } from 'node:net';
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import type { ConfigSource } from '../config/index.js';
import { InvalidInputError } from '../errors/index.js';
import { SidecarProxy, staticSourceFromFiles } from '../proxy/index.js';
import type { IO } from './io.js';
import type { CommandRegistrar } from './main.js';
import { VERSION } from './version.js';

const LEVELS = ['error', 'warn', 'info', 'debug'] as const;
type Level = (typeof LEVELS)[number];

export interface ProxyFlags {
  id?: string;
  namespace?: string;
  workload?: string;
  serviceAccount?: string;
  address: string;
  appPort?: string;
  controlPlane?: string;
  rootCa?: string;
  bootstrapTokenFile?: string;
  adminPort: string;
  outboundPort: string;
  inboundPort: string;
  logLevel: string;
  configFile?: string;
  cert?: string;
  key?: string;
  ca?: string;
}

/** ControlPlaneOptions is what control-plane mode hands to the control-plane client. */
export interface ControlPlaneOptions {
  node: { id: string; namespace: string; workload: string; serviceAccount: string; address: string };
  appPort: number;
  /** host:port of the config stream (15010). */
  controlPlane: string;
  rootCaPem: string;
  bootstrapToken: string;
}

/**
 * controlPlaneSource builds the ConfigSource of control-plane mode: the mesh's control-plane client.
 * It is loaded here, not up front, so a static-mode proxy never carries the gRPC stack.
 */
export async function controlPlaneSource(options: ControlPlaneOptions): Promise<ConfigSource> {
  const { ControlPlaneClient } = await import('../config/index.js');
  const { node } = options;
  return new ControlPlaneClient({
    node: {
      id: node.id,
      namespace: node.namespace,
      workload: node.workload,
      service_account: node.serviceAccount,
      address: node.address,
      labels: {},
      proxy_version: VERSION,
    },
    controlPlane: options.controlPlane,
    rootCaPem: options.rootCaPem,
    bootstrapToken: options.bootstrapToken,
  });
}

function port(flag: string, value: string | undefined): number {
  const n = Number(value);
  if (value === undefined || !/^\d+$/.test(value) || n < 1 || n > 65535)
    throw new InvalidInputError(flag, value, 'a port from 1 to 65535');
  return n;
}

function required(flag: string, value: string | undefined, mode: string): string {
  if (value === undefined || value === '')
    throw new InvalidInputError(flag, value, `a value (required in ${mode})`);
  return value;
}

function certificateFile(flag: string, file: string): string {
  const pem = readFile(flag, file);
  try {
    new X509Certificate(pem);
  } catch {
    throw new InvalidInputError(flag, file, 'a PEM certificate file (the mesh root CA)');
  }
  return pem;
}

function readFile(flag: string, file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    throw new InvalidInputError(
      flag,
      file,
      `a readable file (${(e as NodeJS.ErrnoException).code ?? 'unreadable'})`,
    );
  }
}

/** buildSource checks the flags and returns the ConfigSource for the chosen mode. */
export async function buildSource(
  flags: ProxyFlags,
  log: (level: Level, msg: string) => void,
): Promise<ConfigSource> {
  if (flags.configFile !== undefined) {
    return staticSourceFromFiles(
      { configFile: flags.configFile, certFile: flags.cert, keyFile: flags.key, caFile: flags.ca },
      (e) => log('warn', `reload rejected: ${e.message}`),
    );
  }
  if (flags.cert || flags.key || flags.ca)
    throw new InvalidInputError(
      '--cert/--key/--ca',
      [flags.cert, flags.key, flags.ca],
      'only together with --config-file',
    );
  const mode = 'control-plane mode (without --config-file)';
  const cp = required('--control-plane', flags.controlPlane, mode);
  if (!/^[^\s:]+:\d{1,5}$/.test(cp)) throw new InvalidInputError('--control-plane', cp, 'host:port');
  return controlPlaneSource({
    node: {
      id: required('--id', flags.id, mode),
      namespace: required('--namespace', flags.namespace, mode),
      workload: required('--workload', flags.workload, mode),
      serviceAccount: required('--service-account', flags.serviceAccount, mode),
      address: flags.address,
    },
    appPort: port('--app-port', required('--app-port', flags.appPort, mode)),
    controlPlane: cp,
    rootCaPem: certificateFile('--root-ca', required('--root-ca', flags.rootCa, mode)),
    bootstrapToken: readFile(
      '--bootstrap-token-file',
      required('--bootstrap-token-file', flags.bootstrapTokenFile, mode),
    ).trim(),
  });
}

/** runProxy starts the sidecar and serves until io.signal aborts. */
export async function runProxy(
  flags: ProxyFlags,
  io: IO,
  explicit: (name: string) => boolean,
): Promise<number> {
  if (!(LEVELS as readonly string[]).includes(flags.logLevel))
    throw new InvalidInputError('--log-level', flags.logLevel, LEVELS.join(', '));
  const threshold = LEVELS.indexOf(flags.logLevel as Level);
  const log = (level: Level, msg: string): void => {
    if (LEVELS.indexOf(level) <= threshold) io.stderr.write(`${new Date().toISOString()} ${level} ${msg}\n`);
  };
  if (isIP(flags.address) === 0)
    throw new InvalidInputError('--address', flags.address, 'an IPv4 or IPv6 address');
  const adminPort = port('--admin-port', flags.adminPort);
  const outbound = port('--outbound-port', flags.outboundPort);
  const inbound = port('--inbound-port', flags.inboundPort);
  if (flags.appPort !== undefined) port('--app-port', flags.appPort);
  const source = await buildSource(flags, log);
  const proxy = new SidecarProxy({
    source,
    address: flags.address,
    adminPort,
    accessLog: flags.logLevel === 'debug',
    listenerPorts: {
      outbound: explicit('outboundPort') ? outbound : undefined,
      inbound: explicit('inboundPort') ? inbound : undefined,
    },
  });
  proxy.on('config', (e) =>
    e.accepted
      ? log('info', `config version ${e.version} applied`)
      : log('warn', `config version ${e.version} rejected (NACK): ${e.error?.message}`),
  );
  proxy.on('identity', (e) =>
    e.error
      ? log('error', `certificate for ${e.spiffeId} rejected: ${e.error.message}`)
      : log('info', `identity ${e.spiffeId} installed, expires ${e.notAfter.toISOString()}`),
  );
  proxy.on('listener', (s) =>
    log(
      s.state === 'failed' ? 'error' : 'debug',
      `listener ${s.name} ${s.address}:${s.port} ${s.state}${s.error ? `: ${s.error}` : ''}`,
    ),
  );
  proxy.on('localReply', (r) => {
    const target = r.path.startsWith('/') || r.path === '' ? `${r.authority}${r.path}` : r.path;
    log('info', `${r.listener} ${r.method} ${target} -> ${r.status} ${r.reason}: ${r.message}`);
  });
  proxy.on('access', (a) => {
    const target = a.path.startsWith('/') ? `${a.authority}${a.path}` : a.path;
    const who = a.peer ? ` peer=${a.peer}` : '';
    const upstream = a.upstream ? ` upstream=${a.upstream} tries=${a.tries}` : '';
    log(
      'debug',
      `access ${a.listener} ${a.protocol} ${a.method} ${target} ${a.status} ${a.reason || '-'} ${a.durationUs}us cluster=${a.cluster || '-'}${upstream}${who}`,
    );
  });
  proxy.on('state', (s) => log(s === 'disconnected' ? 'warn' : 'info', `config source ${s}`));
  const stopped = new Promise<void>((resolve) => {
    if (io.signal?.aborted) resolve();
    io.signal?.addEventListener('abort', () => resolve(), { once: true });
  });
  try {
    await Promise.race([proxy.start(), stopped]);
    if (!io.signal?.aborted) {
      log('info', `proxy ${flags.id ?? flags.address} serving; admin on ${flags.address}:${proxy.adminPort}`);
      await stopped;
    }
  } finally {
    await proxy.close();
  }
  log('info', 'proxy stopped');
  return 0;
}

export const registerProxy: CommandRegistrar = (program: Command, io: IO, setExitCode) => {
  const cmd = program
    .command('proxy')
    .description('run a sidecar proxy (control-plane mode, or static mode with --config-file)')
    .option('--id <instance>', 'workload instance id, e.g. web-0.default')
    .option('--namespace <ns>', 'namespace of the workload')
    .option('--workload <name>', 'workload name')
    .option('--service-account <sa>', 'service account (the SPIFFE ID is spiffe://<td>/ns/<ns>/sa/<sa>)')
    .option('--address <ip>', "the instance's own loopback address", '127.0.0.1')
    .option('--app-port <port>', 'port the app listens on')
    .option('--control-plane <host:port>', 'config stream of the control plane')
    .option('--root-ca <file>', 'PEM root certificate of the control plane')
    .option('--bootstrap-token-file <file>', 'file holding the per-instance bootstrap token')
    .option('--admin-port <port>', 'admin listener port', '15000')
    .option('--outbound-port <port>', 'outbound listener port (overrides the config when given)', '15001')
    .option('--inbound-port <port>', 'inbound listener port (overrides the config when given)', '15006')
    .option('--log-level <level>', `one of ${LEVELS.join(', ')}`, 'info')
    .option('--config-file <file>', 'static mode: ProxyConfig as JSON or YAML (reloaded on change)')
    .option('--cert <file>', 'static mode: PEM certificate chain with a SPIFFE URI SAN')
    .option('--key <file>', 'static mode: PEM private key')
    .option('--ca <file>', 'static mode: PEM trust bundle');
  cmd.action(async (flags: ProxyFlags) => {
    setExitCode(await runProxy(flags, io, (name) => cmd.getOptionValueSource(name) === 'cli'));
  });
};
