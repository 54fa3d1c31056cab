/**
 * ControlPlane composes the mesh's control plane over one state directory: resource store, instance
 * registry, CA, bootstrap tokens, config compiler, the gRPC config/certificate server and the HTTP
 * API. The platform reports instances into it and reads desired workloads from it (see
 * ../platform for the other side); it can be stopped and started again over the same state directory
 * while the platform keeps running, and proxies reconnect to the new one.
 * @module
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import {
  CONTROL_PLANE_GRPC_PORT,
  CONTROL_PLANE_HTTP_PORT,
  DEFAULT_TRUST_DOMAIN,
  type AccessMode,
  type ProxyConfig,
} from '../config/index.js';
import { InvalidInputError } from '../errors/index.js';
import type { ChangeResult } from './apply.js';
import { CertificateAuthority } from './ca.js';
import { compileProxyConfig, type MeshView } from './compiler.js';
import { ConfigServer } from './config_server.js';
import { EventLog, type MeshEvent } from './events.js';
import { startHttpApi, type HttpApi, type LogSource } from './http_api.js';
import { MetricsScraper, type MetricsScraperOptions } from './metrics/scraper.js';
import { ProxyTracker, type ProxyStatus } from './proxy_status.js';
import { InstanceRegistry, type InstanceRecord } from './registry.js';
import { parseManifests } from './resources/parse.js';
import type { WorkloadResource } from './resources/types.js';
import {
  fromAccessMode,
  MeshSettingsStore,
  toAccessMode,
  type AccessModeName,
  type MeshSettingsRecord,
} from './settings.js';
import { analyseSmi } from './smi/findings.js';
import { ResourceStore } from './store.js';
import { BootstrapTokens, type TokenSubject } from './tokens.js';
import { VERSION } from './version.js';

export interface ControlPlaneOptions {
  /** Directory for the CA, resources and tokens; created 0700 when missing. */
  stateDir: string;
  trustDomain?: string;
  /** host:port of the gRPC listener (config stream + certificates); port 0 picks a free port. */
  grpcAddress?: string;
  /** host:port of the HTTP API; port 0 picks a free port. */
  httpAddress?: string;
  /** Lifetime of workload certificates (default 24 h). */
  certTtlMs?: number;
  /**
   * Access mode to set at start (persisted in the state directory); undefined keeps the stored
   * one, ENFORCED for a new mesh.
   */
  accessMode?: AccessMode;
  /** TrafficMetrics: scrape interval and window (defaults 5 s and 30 s). */
  metrics?: MetricsScraperOptions;
  /** Debounce of config pushes (default 100 ms, at most 1 s behind the first change). */
  pushDebounceMs?: number;
  /** Where GET /v1/logs reads from; the platform provides it. */
  logs?: LogSource;
  /** Called on POST /v1/shutdown (mesh down). */
  onShutdownRequest?: () => void;
  log?: (message: string) => void;
}

export interface ControlPlaneStatus {
  healthy: boolean;
  /** meshplane's version (package.json). */
  version: string;
  trustDomain: string;
  grpcAddress: string;
  httpAddress: string;
  stateDir: string;
  startedAt: string;
  uptimeSeconds: number;
  certTtlSeconds: number;
  /** Mesh-wide SMI access mode. */
  accessMode: AccessModeName;
  resources: {
    services: number;
    workloads: number;
    serviceAccounts: number;
    trafficSplits: number;
    trafficTargets: number;
    httpRouteGroups: number;
    tcpRoutes: number;
    udpRoutes: number;
  };
  /** Warning events whose condition still holds (see `meshplane get events`). */
  warnings: number;
  instances: { total: number; ready: number };
  proxies: ProxyStatus[];
}

/** ApplyResult is what apply and delete report: one line per resource, and accepted quirks. */
export interface ApplyResult {
  results: ChangeResult[];
  warnings: string[];
}

export const DEFAULT_CERT_TTL_MS = 24 * 3600 * 1000;

/** parseHostPort reads "host:port" (IPv6 in brackets); `field` names the flag in errors. */
export function parseHostPort(value: string, field: string): { host: string; port: number } {
  const m = /^(?:\[([0-9a-fA-F:]+)\]|([^:[\]]+)):(\d{1,5})$/.exec(value);
  const port = m ? Number(m[3]) : NaN;
  if (!m || port > 65535) throw new InvalidInputError(field, value, 'host:port, e.g. 127.0.0.1:15010');
  return { host: (m[1] ?? m[2])!, port };
}

export class ControlPlane {
  readonly stateDir: string;
  readonly trustDomain: string;
  readonly store: ResourceStore;
  readonly registry: InstanceRegistry;
  readonly tracker: ProxyTracker;
  readonly ca: CertificateAuthority;
  readonly tokens: BootstrapTokens;
  readonly settings: MeshSettingsStore;
  readonly events: EventLog;
  readonly metrics: MetricsScraper;
  readonly #options: ControlPlaneOptions;
  readonly #server: ConfigServer;
  readonly #startedAt = new Date();
  readonly #workloadListeners: ((workloads: WorkloadResource[]) => void)[] = [];
  #http: HttpApi | undefined;
  #stopped = false;

  private constructor(
    options: ControlPlaneOptions,
    parts: {
      store: ResourceStore;
      ca: CertificateAuthority;
      tokens: BootstrapTokens;
      settings: MeshSettingsStore;
    },
  ) {
    this.#options = options;
    this.stateDir = options.stateDir;
    this.trustDomain = parts.ca.trustDomain;
    this.store = parts.store;
    this.ca = parts.ca;
    this.tokens = parts.tokens;
    this.settings = parts.settings;
    this.events = new EventLog();
    this.registry = new InstanceRegistry();
    this.metrics = new MetricsScraper(() => this.registry.list(), options.metrics);
    this.tracker = new ProxyTracker();
    this.#server = new ConfigServer({
      ca: this.ca,
      tokens: this.tokens,
      registry: this.registry,
      tracker: this.tracker,
      snapshot: (id) => this.snapshot(id),
      certTtlMs: options.certTtlMs ?? DEFAULT_CERT_TTL_MS,
      debounceMs: options.pushDebounceMs,
      log: options.log,
    });
    this.#observe();
    this.store.onChange(() => {
      this.#observe();
      this.#server.changed();
      const workloads = this.store.workloads();
      for (const listener of this.#workloadListeners) listener(workloads);
    });
    this.registry.onChange((id) => {
      if (!this.registry.get(id)) this.tracker.forget(id);
      this.#server.changed();
    });
  }

  /** start opens the state directory and binds both listeners; bad options fail before any socket opens. */
  static async start(options: ControlPlaneOptions): Promise<ControlPlane> {
    const trustDomain = options.trustDomain ?? DEFAULT_TRUST_DOMAIN;
    if (!/^[a-z0-9]([a-z0-9.-]*[a-z0-9])?$/.test(trustDomain) || trustDomain.length > 255) {
      throw new InvalidInputError(
        'trustDomain',
        trustDomain,
        'a SPIFFE trust domain: lower-case letters, digits, "." and "-"',
      );
    }
    const grpc = parseHostPort(options.grpcAddress ?? `127.0.0.1:${CONTROL_PLANE_GRPC_PORT}`, 'grpcAddress');
    const http = parseHostPort(options.httpAddress ?? `127.0.0.1:${CONTROL_PLANE_HTTP_PORT}`, 'httpAddress');
    const ttl = options.certTtlMs ?? DEFAULT_CERT_TTL_MS;
    if (!Number.isInteger(ttl) || ttl < 1000)
      throw new InvalidInputError('certTtlMs', ttl, 'at least 1000 ms');
    await mkdir(options.stateDir, { recursive: true, mode: 0o700 });
    const [ca, store, tokens, settings] = await Promise.all([
      CertificateAuthority.loadOrCreate(join(options.stateDir, 'ca'), trustDomain),
      ResourceStore.open(join(options.stateDir, 'control', 'resources.json')),
      BootstrapTokens.open(join(options.stateDir, 'control', 'tokens.json')),
      MeshSettingsStore.open(join(options.stateDir, 'control', 'settings.json')),
    ]);
    if (options.accessMode !== undefined) {
      await settings.set({ ...settings.get(), accessMode: fromAccessMode(options.accessMode) });
    }
    const cp = new ControlPlane(options, { store, ca, tokens, settings });
    try {
      await cp.#server.listen(grpc.host, grpc.port);
      cp.metrics.start();
      cp.#http = await startHttpApi(cp, http.host, http.port, {
        logs: options.logs,
        onShutdown: options.onShutdownRequest,
      });
    } catch (error) {
      await cp.stop();
      throw error;
    }
    options.log?.(
      `control plane up: gRPC ${cp.grpcAddress}, HTTP ${cp.httpAddress}, trust domain ${trustDomain}, access ${settings.get().accessMode}`,
    );
    return cp;
  }

  get grpcAddress(): string {
    return this.#server.address;
  }

  get httpAddress(): string {
    return this.#http?.address ?? '';
  }

  /** rootCertFile is the mesh root certificate proxies trust (passed as --root-ca). */
  get rootCertFile(): string {
    return this.ca.rootCertFile;
  }

  // --- resources ----------------------------------------------------------------------------

  /** apply parses, validates and stores a manifest file's resources, all or none. */
  async apply(text: string, source: string): Promise<ApplyResult> {
    const { resources, warnings } = parseManifests(text, source);
    return { results: await this.store.apply(resources, source), warnings };
  }

  /** delete removes a manifest file's resources, all or none. */
  async delete(text: string, source: string, ignoreNotFound = false): Promise<ApplyResult> {
    const { resources, warnings } = parseManifests(text, source);
    return { results: await this.store.delete(resources, source, ignoreNotFound), warnings };
  }

  // --- mesh settings --------------------------------------------------------------------------

  /** meshSettings returns the mesh-wide settings (access mode). */
  meshSettings(): MeshSettingsRecord {
    return this.settings.get();
  }

  /** setAccessMode switches SMI enforcement for the whole mesh; every proxy gets the new mode. */
  async setAccessMode(mode: AccessModeName): Promise<MeshSettingsRecord> {
    const before = this.settings.get().accessMode;
    if (await this.settings.set({ ...this.settings.get(), accessMode: mode })) {
      this.events.record({
        type: 'Normal',
        reason: 'AccessModeChanged',
        message: `access mode changed from ${before} to ${mode}`,
        involvedObject: { kind: 'Mesh', namespace: '', name: this.trustDomain },
      });
      this.#options.log?.(`access mode ${mode}`);
      this.#server.changed();
    }
    return this.settings.get();
  }

  /** eventList returns the control plane's events, oldest first. */
  eventList(namespace?: string): MeshEvent[] {
    return this.events.list(namespace);
  }

  #observe(): void {
    this.events.observe(analyseSmi(this.store.services(), this.store.smi()));
  }

  /** onWorkloads is called with every Workload after each change of the store. */
  onWorkloads(listener: (workloads: WorkloadResource[]) => void): void {
    this.#workloadListeners.push(listener);
  }

  workloads(): WorkloadResource[] {
    return this.store.workloads();
  }

  // --- instances (reported by the platform) -----------------------------------------------

  /** issueBootstrapToken gives the platform the secret a new instance's sidecar presents once. */
  issueBootstrapToken(subject: TokenSubject): Promise<string> {
    return this.tokens.issue(subject);
  }

  reportInstance(record: InstanceRecord): void {
    this.registry.upsert(record);
  }

  /** removeInstance forgets an instance and revokes its token. */
  async removeInstance(id: string): Promise<void> {
    this.registry.remove(id);
    await this.tokens.revoke(id);
  }

  // --- config -------------------------------------------------------------------------------

  meshView(): MeshView {
    return {
      trustDomain: this.trustDomain,
      accessMode: toAccessMode(this.settings.get().accessMode),
      services: this.store.services(),
      workloads: this.store.workloads(),
      instances: this.registry.list(),
      smi: this.store.smi(),
    };
  }

  /** snapshot compiles the current config of one instance's proxy. */
  snapshot(instanceId: string): ProxyConfig | undefined {
    const self = this.registry.get(instanceId);
    return self && compileProxyConfig(this.meshView(), self);
  }

  status(): ControlPlaneStatus {
    const instances = this.registry.list();
    const smi = this.store.smi();
    const proxies = instances.map(
      (i) =>
        this.tracker.get(i.id) ?? {
          id: i.id,
          namespace: i.namespace,
          workload: i.workload,
          address: i.address,
          proxyVersion: '',
          connected: false,
          versionSent: '',
          versionAcked: '',
          certificatesIssued: 0,
        },
    );
    return {
      healthy: !this.#stopped,
      version: VERSION,
      trustDomain: this.trustDomain,
      grpcAddress: this.grpcAddress,
      httpAddress: this.httpAddress,
      stateDir: this.stateDir,
      startedAt: this.#startedAt.toISOString(),
      uptimeSeconds: Math.round((Date.now() - this.#startedAt.getTime()) / 1000),
      certTtlSeconds: Math.round((this.#options.certTtlMs ?? DEFAULT_CERT_TTL_MS) / 1000),
      accessMode: this.settings.get().accessMode,
      resources: {
        services: this.store.services().length,
        workloads: this.store.workloads().length,
        serviceAccounts: this.store.serviceAccounts().length,
        trafficSplits: smi.splits.length,
        trafficTargets: smi.targets.length,
        httpRouteGroups: smi.groups.length,
        tcpRoutes: smi.tcpRoutes.length,
        udpRoutes: smi.udpRoutes.length,
      },
      warnings: this.events.list().filter((e) => e.active && e.type === 'Warning').length,
      instances: { total: instances.length, ready: instances.filter((i) => i.ready).length },
      proxies,
    };
  }

  /** stop closes both listeners; proxies keep their last config and reconnect to the next control plane. */
  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    this.metrics.stop();
    await Promise.all([this.#server.close(), this.#http?.close()]);
  }
}
