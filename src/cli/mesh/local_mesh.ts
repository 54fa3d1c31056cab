/**
 * LocalMesh is a whole mesh in one process: the control plane and the local platform over one state
 * directory, bound together (the platform reports instances and gets bootstrap tokens; the control
 * plane hands it the desired Workloads and serves its logs). `meshplane mesh up` runs one; tests
 * start one in-process with their own state directory, ports and address range. The control plane
 * can be stopped and started again while the workloads keep running.
 * @module
 */
import {
  ControlPlane,
  toAccessMode,
  type AccessModeName,
  type ControlPlaneOptions,
  type MetricsScraperOptions,
  type WorkloadResource,
} from '../../control/index.js';
import {
  LocalPlatform,
  type ControlPlaneBinding,
  type RestartPolicy,
  type WorkloadSpec,
} from '../../platform/index.js';

export interface LocalMeshOptions {
  stateDir: string;
  trustDomain?: string;
  /** host:port of the control plane's gRPC listener (default 127.0.0.1:15010; port 0 picks one). */
  grpcAddress?: string;
  /** host:port of the HTTP API (default 127.0.0.1:15014; port 0 picks one). */
  httpAddress?: string;
  /** CIDR inside 127.0.0.0/8 for instance addresses (default 127.10.0.0/16). */
  addressRange?: string;
  certTtlMs?: number;
  /** SMI access mode to set at start; undefined keeps the state directory's (enforced when new). */
  accessMode?: AccessModeName;
  /** TrafficMetrics scraping (interval, window). */
  metrics?: MetricsScraperOptions;
  /**
   * Program and leading arguments of the sidecar; the platform appends the proxy flags. Default:
   * this package's `meshplane proxy`. null runs workloads without sidecars.
   */
  proxyCommand?: string[] | null;
  proxyLogLevel?: string;
  /** Working directory of workloads (default: the current directory). */
  cwd?: string;
  restart?: Partial<RestartPolicy>;
  stopGraceMs?: number;
  pushDebounceMs?: number;
  onShutdownRequest?: () => void;
  log?: (message: string) => void;
}

/**
 * Node options a sidecar runs with. A young generation capped at 1 MB per semi-space keeps a
 * proxy's resident memory ~5 MB lower under load, for a few more sub-millisecond scavenges a second:
 * its per-request garbage is short-lived, so each scavenge has little to copy.
 */
export const SIDECAR_NODE_OPTIONS: readonly string[] = ['--max-semi-space-size=1'];

/** defaultProxyCommand runs `meshplane proxy` from this package with the current Node. */
export function defaultProxyCommand(): string[] {
  return [process.execPath, ...SIDECAR_NODE_OPTIONS, new URL('../bin.js', import.meta.url).pathname, 'proxy'];
}

/** samplesDir is where the sample apps that ship with meshplane are ($(MESHPLANE_SAMPLES) in manifests). */
export const samplesDir = new URL('../../../samples', import.meta.url).pathname;

export class LocalMesh {
  readonly stateDir: string;
  readonly platform: LocalPlatform;
  readonly #options: LocalMeshOptions;
  #cp: ControlPlane | undefined;
  #grpcAddress: string;
  #httpAddress: string;
  #stopped = false;

  private constructor(options: LocalMeshOptions, cp: ControlPlane, platform: LocalPlatform) {
    this.#options = options;
    this.stateDir = options.stateDir;
    this.#cp = cp;
    this.#grpcAddress = cp.grpcAddress;
    this.#httpAddress = cp.httpAddress;
    this.platform = platform;
  }

  /** start brings up the control plane, then the platform, then the Workloads already stored. */
  static async start(options: LocalMeshOptions): Promise<LocalMesh> {
    let platform: LocalPlatform | undefined;
    const cp = await ControlPlane.start(controlPlaneOptions(options, () => platform));
    let mesh: LocalMesh | undefined;
    try {
      const proxyCommand = options.proxyCommand === undefined ? defaultProxyCommand() : options.proxyCommand;
      platform = new LocalPlatform({
        stateDir: options.stateDir,
        binding: binding(() => (mesh ? mesh.controlPlane : cp)),
        sidecar: proxyCommand
          ? {
              command: proxyCommand,
              controlPlane: cp.grpcAddress,
              rootCaFile: cp.rootCertFile,
              logLevel: options.proxyLogLevel,
            }
          : null,
        addressRange: options.addressRange,
        trustDomain: cp.trustDomain,
        cwd: options.cwd,
        env: { MESHPLANE_NODE: process.execPath, MESHPLANE_SAMPLES: samplesDir },
        restart: options.restart,
        stopGraceMs: options.stopGraceMs,
        log: options.log,
      });
      mesh = new LocalMesh(options, cp, platform);
      await cp.tokens.retainOnly(new Set()); // tokens of a previous run's instances are void
      mesh.#attach(cp);
      await platform.reconcile(cp.workloads().map(workloadSpec));
    } catch (error) {
      await platform?.stop();
      await cp.stop();
      throw error;
    }
    return mesh;
  }

  /** controlPlane is the running control plane, or undefined while it is stopped. */
  get controlPlane(): ControlPlane | undefined {
    return this.#cp;
  }

  get grpcAddress(): string {
    return this.#grpcAddress;
  }

  get httpAddress(): string {
    return this.#httpAddress;
  }

  /** apiUrl is the base URL of the HTTP API, e.g. http://127.0.0.1:15014. */
  get apiUrl(): string {
    return `http://${this.#httpAddress}`;
  }

  /** stopControlPlane stops only the control plane; workloads and their proxies keep running. */
  async stopControlPlane(): Promise<void> {
    const cp = this.#cp;
    this.#cp = undefined;
    await cp?.stop();
  }

  /** startControlPlane starts a new control plane on the same addresses and reports every instance to it. */
  async startControlPlane(): Promise<ControlPlane> {
    if (this.#cp) return this.#cp;
    // The access mode may have changed at run time; the new control plane keeps the stored one.
    const { accessMode: _startMode, ...options } = controlPlaneOptions(this.#options, () => this.platform);
    const cp = await ControlPlane.start({
      ...options,
      grpcAddress: this.#grpcAddress,
      httpAddress: this.#httpAddress,
    });
    this.#cp = cp;
    this.platform.resync();
    await cp.tokens.retainOnly(new Set(this.platform.instances().map((i) => i.id)));
    this.#attach(cp);
    await this.platform.reconcile(cp.workloads().map(workloadSpec));
    return cp;
  }

  /** stop ends every workload, then the control plane. */
  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    await this.platform.stop();
    await this.stopControlPlane();
  }

  #attach(cp: ControlPlane): void {
    cp.onWorkloads((workloads) => {
      if (this.#cp === cp) void this.platform.reconcile(workloads.map(workloadSpec));
    });
  }
}

function controlPlaneOptions(
  options: LocalMeshOptions,
  platform: () => LocalPlatform | undefined,
): ControlPlaneOptions {
  return {
    stateDir: options.stateDir,
    trustDomain: options.trustDomain,
    grpcAddress: options.grpcAddress,
    httpAddress: options.httpAddress,
    certTtlMs: options.certTtlMs,
    ...(options.accessMode ? { accessMode: toAccessMode(options.accessMode) } : {}),
    ...(options.metrics ? { metrics: options.metrics } : {}),
    pushDebounceMs: options.pushDebounceMs,
    onShutdownRequest: options.onShutdownRequest,
    log: options.log,
    logs: async (query, signal) => platform()?.readLog(query, signal),
  };
}

/** binding connects the platform to whichever control plane is current. */
function binding(current: () => ControlPlane | undefined): ControlPlaneBinding {
  return {
    bootstrapToken: async (identity) => {
      const cp = current();
      if (!cp || !cp.status().healthy) throw new Error('the control plane is not running');
      return cp.issueBootstrapToken(identity);
    },
    instanceChanged: (status) => current()?.reportInstance(status),
    instanceRemoved: async (id) => {
      await current()?.removeInstance(id);
    },
  };
}

/** workloadSpec maps a stored Workload to what the platform runs. */
export function workloadSpec(w: WorkloadResource): WorkloadSpec {
  const p = w.spec.readinessProbe;
  return {
    namespace: w.metadata.namespace,
    name: w.metadata.name,
    labels: w.metadata.labels,
    serviceAccount: w.spec.serviceAccount,
    replicas: w.spec.replicas,
    command: w.spec.command,
    env: w.spec.env,
    port: w.spec.port,
    ...(w.spec.workingDir === undefined ? {} : { workingDir: w.spec.workingDir }),
    readiness: {
      kind: p.httpGet ? 'http' : 'tcp',
      port: p.httpGet?.port ?? p.tcpSocket?.port ?? w.spec.port,
      ...(p.httpGet ? { path: p.httpGet.path } : {}),
      initialDelayMs: Math.round(p.initialDelaySeconds * 1000),
      periodMs: Math.round(p.periodSeconds * 1000),
      timeoutMs: Math.round(p.timeoutSeconds * 1000),
      successThreshold: p.successThreshold,
      failureThreshold: p.failureThreshold,
    },
  };
}
