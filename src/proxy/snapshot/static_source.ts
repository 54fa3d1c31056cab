/**
 * StaticConfigSource: a ConfigSource without a control plane. Tests push snapshots and identities
 * into it; `meshplane proxy --config-file` builds one from files (JSON or YAML config, PEM
 * certificate, key and CA) and reloads them when they change on disk.
 * @module
 */
import { readFileSync, unwatchFile, watchFile } from 'node:fs';
import { X509Certificate } from 'node:crypto';
import { createRequire } from 'node:module';
import type { ConfigSource, ConfigSourceState, ProxyConfig, WorkloadIdentity } from '../../config/index.js';
import { InvalidInputError } from '../../errors/index.js';
import { ProxyErrorCode } from '../errors.js';
import { uriSans } from '../tls/identity.js';
import { normalizeProxyConfig } from './normalize.js';

type ConfigHandler = (config: ProxyConfig) => Error | undefined;

export class StaticConfigSource implements ConfigSource {
  private configHandlers: ConfigHandler[] = [];
  private identityHandlers: Array<(id: WorkloadIdentity) => void> = [];
  private stateHandlers: Array<(s: ConfigSourceState) => void> = [];
  private started = false;

  constructor(
    private config: ProxyConfig | undefined,
    private identity: WorkloadIdentity | undefined,
  ) {}

  onConfig(handler: ConfigHandler): void {
    this.configHandlers.push(handler);
  }
  onIdentity(handler: (id: WorkloadIdentity) => void): void {
    this.identityHandlers.push(handler);
  }
  onState(handler: (s: ConfigSourceState) => void): void {
    this.stateHandlers.push(handler);
  }

  async start(): Promise<void> {
    this.started = true;
    for (const h of this.stateHandlers) h('connected');
    if (this.identity) for (const h of this.identityHandlers) h(this.identity);
    if (this.config) this.push(this.config);
  }

  /** push delivers a snapshot and returns the first NACK (or undefined when every handler ACKed). */
  push(config: ProxyConfig): Error | undefined {
    this.config = config;
    if (!this.started) return undefined;
    let nack: Error | undefined;
    for (const h of this.configHandlers) nack ??= h(config);
    return nack;
  }

  /** rotate delivers a new identity. */
  rotate(identity: WorkloadIdentity): void {
    this.identity = identity;
    if (this.started) for (const h of this.identityHandlers) h(identity);
  }

  async close(): Promise<void> {
    this.started = false;
    for (const h of this.stateHandlers) h('disconnected');
  }
}

/** StaticFiles names the files of static mode. */
export interface StaticFiles {
  configFile: string;
  certFile?: string;
  keyFile?: string;
  caFile?: string;
}

function read(field: string, file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    throw new InvalidInputError(
      field,
      file,
      `a readable file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`,
    );
  }
}

/** loadConfigFile reads a ProxyConfig from JSON or YAML and checks its shape. */
export function loadConfigFile(file: string): ProxyConfig {
  const text = read('--config-file', file);
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    raw = undefined;
  }
  try {
    // YAML is loaded only for YAML files: the parser costs ~8 MB of RSS, which a sidecar should not carry.
    raw ??= (createRequire(import.meta.url)('yaml') as { parse(t: string): unknown }).parse(text);
  } catch (e) {
    throw new InvalidInputError(
      '--config-file',
      file,
      `JSON or YAML (${(e as Error).message.split('\n')[0]})`,
      undefined,
      ProxyErrorCode.InvalidConfig,
    );
  }
  return normalizeProxyConfig(raw, file);
}

/** loadIdentityFiles reads a certificate chain, key and trust bundle and takes the SPIFFE ID from the leaf. */
export function loadIdentityFiles(certFile: string, keyFile: string, caFile: string): WorkloadIdentity {
  const certChainPem = read('--cert', certFile);
  const keyPem = read('--key', keyFile);
  const trustBundlePem = read('--ca', caFile);
  let leaf: X509Certificate;
  try {
    leaf = new X509Certificate(certChainPem);
  } catch (e) {
    throw new InvalidInputError('--cert', certFile, `a PEM certificate (${(e as Error).message})`);
  }
  const spiffeId = uriSans({ subjectaltname: leaf.subjectAltName } as never).find((u) =>
    u.startsWith('spiffe://'),
  );
  if (!spiffeId) throw new InvalidInputError('--cert', certFile, 'a certificate with a spiffe:// URI SAN');
  return { spiffeId, keyPem, certChainPem, trustBundlePem, notAfter: new Date(leaf.validTo) };
}

/**
 * staticSourceFromFiles builds a StaticConfigSource from files, failing before anything starts when
 * a file is missing or malformed. The files are watched: a changed config is pushed (and NACKed when
 * bad), a changed certificate or key is rotated in. `onReloadError` hears about unreadable changes.
 */
export function staticSourceFromFiles(
  files: StaticFiles,
  onReloadError: (e: Error) => void = () => {},
): StaticConfigSource {
  const tls = [files.certFile, files.keyFile, files.caFile];
  if (tls.some((f) => f !== undefined) && tls.some((f) => f === undefined))
    throw new InvalidInputError('--cert/--key/--ca', tls, 'all three files, or none');
  const config = loadConfigFile(files.configFile);
  const identity = files.certFile
    ? loadIdentityFiles(files.certFile, files.keyFile!, files.caFile!)
    : undefined;
  const source = new StaticConfigSource(config, identity);
  const watched: string[] = [];
  const watch = (file: string, reload: () => void): void => {
    watched.push(file);
    watchFile(file, { interval: 1000, persistent: false }, (cur, prev) => {
      if (cur.mtimeMs === prev.mtimeMs) return;
      try {
        reload();
      } catch (e) {
        onReloadError(e as Error);
      }
    });
  };
  // A NACK is reported by the proxy itself; only unreadable or malformed files are reported here.
  watch(files.configFile, () => void source.push(loadConfigFile(files.configFile)));
  if (files.certFile) {
    const rotate = (): void =>
      source.rotate(loadIdentityFiles(files.certFile!, files.keyFile!, files.caFile!));
    for (const f of tls) watch(f!, rotate);
  }
  const close = source.close.bind(source);
  source.close = async () => {
    for (const f of watched) unwatchFile(f);
    await close();
  };
  return source;
}
