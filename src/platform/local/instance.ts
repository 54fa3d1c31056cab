/**
 * LocalInstance is one replica of a Workload on this host: its own loopback address, its sidecar
 * (started first, with a bootstrap token file), its app (started once the sidecar is ready, with
 * HOST, PORT and HTTP_PROXY), a readiness loop, and status reports to the control plane.
 * @module
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import {
  nodeId,
  PROXY_ADMIN_PORT,
  PROXY_INBOUND_PORT,
  PROXY_OUTBOUND_PORT,
  spiffeId,
} from '../../config/index.js';
import type {
  ControlPlaneBinding,
  InstancePhase,
  InstanceStatus,
  SidecarOptions,
  WorkloadSpec,
} from '../types.js';
import { logPath } from './logs.js';
import { probeHttp, probeTcp } from './probe.js';
import { SupervisedProcess, type ExitInfo, type RestartPolicy } from './process.js';
import type { Watchdog } from './watchdog.js';

/** InstanceContext is what every instance of a platform shares. */
export interface InstanceContext {
  stateDir: string;
  cwd: string;
  trustDomain: string;
  sidecar: SidecarOptions | null;
  binding: ControlPlaneBinding;
  watchdog?: Watchdog;
  baseEnv: Record<string, string>;
  restart?: Partial<RestartPolicy>;
  stopGraceMs: number;
  log: (message: string) => void;
}

/** Proxy variables inherited from the mesh's own environment are replaced by the sidecar's. */
const proxyVariables = ['HTTP_PROXY', 'http_proxy', 'HTTPS_PROXY', 'https_proxy', 'NO_PROXY', 'no_proxy'];

export class LocalInstance {
  readonly id: string;
  readonly name: string;
  readonly replica: number;
  readonly address: string;
  readonly specHash: string;
  #spec: WorkloadSpec;
  readonly #ctx: InstanceContext;
  #app: SupervisedProcess | undefined;
  #proxy: SupervisedProcess | undefined;
  #phase: InstancePhase = 'Pending';
  #ready = false;
  #everReady = false;
  #message: string | undefined;
  #startedAt: string | undefined;
  #probeTimer: NodeJS.Timeout | undefined;
  #successes = 0;
  #failures = 0;
  #stopped = false;

  constructor(spec: WorkloadSpec, replica: number, address: string, specHash: string, ctx: InstanceContext) {
    this.#spec = spec;
    this.replica = replica;
    this.address = address;
    this.specHash = specHash;
    this.#ctx = ctx;
    this.name = `${spec.name}-${replica}`;
    this.id = nodeId(this.name, spec.namespace);
  }

  get spec(): WorkloadSpec {
    return this.#spec;
  }

  /** logFile is where the app's (or the sidecar's) stdout and stderr go. */
  logFile(container: 'app' | 'proxy'): string {
    return logPath(this.#ctx.stateDir, this.#spec.namespace, this.name, container);
  }

  get tokenFile(): string {
    return join(this.#ctx.stateDir, 'instances', this.#spec.namespace, this.name, 'bootstrap-token');
  }

  status(): InstanceStatus {
    return {
      id: this.id,
      name: this.name,
      namespace: this.#spec.namespace,
      workload: this.#spec.name,
      replica: this.replica,
      serviceAccount: this.#spec.serviceAccount,
      address: this.address,
      port: this.#spec.port,
      labels: { ...this.#spec.labels },
      inboundPort: PROXY_INBOUND_PORT,
      outboundPort: PROXY_OUTBOUND_PORT,
      adminPort: PROXY_ADMIN_PORT,
      phase: this.#phase,
      ready: this.#ready,
      restarts: (this.#app?.restarts ?? 0) + (this.#proxy?.restarts ?? 0),
      ...(this.#startedAt ? { startedAt: this.#startedAt } : {}),
      ...(this.#app?.pid ? { appPid: this.#app.pid } : {}),
      ...(this.#proxy?.pid ? { proxyPid: this.#proxy.pid } : {}),
      ...(this.#message ? { message: this.#message } : {}),
    };
  }

  /** update takes changes that need no restart (labels, readiness probe). */
  update(spec: WorkloadSpec): void {
    this.#spec = spec;
    this.#report();
  }

  /** start brings the instance up; it returns once both processes were started (or the instance was stopped). */
  async start(): Promise<void> {
    this.#report();
    const token = await this.#bootstrapToken();
    if (this.#stopped || token === undefined) return;
    await mkdir(join(this.tokenFile, '..'), { recursive: true, mode: 0o700 });
    await writeFile(this.tokenFile, `${token}\n`, { mode: 0o600 });
    const sidecar = this.#ctx.sidecar;
    if (sidecar) {
      this.#proxy = this.#process('proxy', [...sidecar.command, ...this.sidecarFlags(sidecar)], process.env);
      this.#proxy.start();
      await this.#waitForSidecar(sidecar.readyTimeoutMs ?? 15_000);
      if (this.#stopped) return;
    }
    const env = this.appEnv();
    const argv = this.#spec.command.map((arg) => expandVariables(arg, env));
    this.#app = this.#process('app', argv, env);
    this.#phase = 'Starting';
    this.#startedAt = new Date().toISOString();
    this.#app.start();
    this.#report();
    this.#scheduleProbe(this.#spec.readiness.initialDelayMs);
  }

  /** stop ends the app, then its sidecar, and tells the control plane the instance is gone. */
  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    clearTimeout(this.#probeTimer);
    this.#phase = 'Terminating';
    this.#ready = false;
    this.#report();
    await this.#app?.stop(this.#ctx.stopGraceMs);
    await this.#proxy?.stop(this.#ctx.stopGraceMs);
    await rm(join(this.tokenFile, '..'), { recursive: true, force: true });
    await this.#ctx.binding.instanceRemoved(this.id);
  }

  /** sidecarFlags is the proxy command line contract (docs/mesh.md). */
  sidecarFlags(sidecar: SidecarOptions): string[] {
    return [
      '--id', this.id,
      '--namespace', this.#spec.namespace,
      '--workload', this.#spec.name,
      '--service-account', this.#spec.serviceAccount,
      '--address', this.address,
      '--app-port', String(this.#spec.port),
      '--control-plane', sidecar.controlPlane,
      '--root-ca', sidecar.rootCaFile,
      '--bootstrap-token-file', this.tokenFile,
      '--admin-port', String(PROXY_ADMIN_PORT),
      '--outbound-port', String(PROXY_OUTBOUND_PORT),
      '--inbound-port', String(PROXY_INBOUND_PORT),
      '--log-level', sidecar.logLevel ?? 'info',
    ]; // prettier-ignore
  }

  /** appEnv is the app's environment: the mesh's own, then the instance's, then spec.env. */
  appEnv(): NodeJS.ProcessEnv {
    const env: NodeJS.ProcessEnv = { ...process.env };
    for (const name of proxyVariables) delete env[name];
    const own: Record<string, string> = {
      HOST: this.address,
      PORT: String(this.#spec.port),
      MESHPLANE_INSTANCE: this.name,
      MESHPLANE_NAMESPACE: this.#spec.namespace,
      MESHPLANE_WORKLOAD: this.#spec.name,
      MESHPLANE_SERVICE_ACCOUNT: this.#spec.serviceAccount,
      MESHPLANE_SPIFFE_ID: spiffeId(this.#ctx.trustDomain, this.#spec.namespace, this.#spec.serviceAccount),
    };
    if (this.#ctx.sidecar) {
      const proxy = `http://${this.address}:${PROXY_OUTBOUND_PORT}`;
      const direct = `localhost,127.0.0.1,${this.address}`;
      Object.assign(own, { HTTP_PROXY: proxy, http_proxy: proxy, NO_PROXY: direct, no_proxy: direct });
    }
    return { ...env, ...this.#ctx.baseEnv, ...own, ...this.#spec.env };
  }

  #process(container: 'app' | 'proxy', argv: string[], env: NodeJS.ProcessEnv): SupervisedProcess {
    return new SupervisedProcess({
      name: `${this.#spec.namespace}/${this.name} ${container}`,
      argv,
      env,
      cwd: this.#spec.workingDir ? resolve(this.#ctx.cwd, this.#spec.workingDir) : this.#ctx.cwd,
      logFile: this.logFile(container),
      restart: this.#ctx.restart,
      watchdog: this.#ctx.watchdog,
      onStart: () => {
        if (container === 'app' && this.#phase === 'CrashLoop') this.#phase = 'Starting';
        this.#report();
      },
      onExit: (info) => this.#exited(container, info),
    });
  }

  #exited(container: 'app' | 'proxy', info: ExitInfo): void {
    if (this.#stopped) return;
    const how = info.error ?? (info.signal ? `killed by ${info.signal}` : `exited with code ${info.code}`);
    const next =
      info.restartInMs === undefined ? '' : `; restarting in ${(info.restartInMs / 1000).toFixed(1)} s`;
    this.#message = `${container} ${how}${next}`;
    this.#ctx.log(`${this.#spec.namespace}/${this.name}: ${this.#message}`);
    this.#ready = false;
    this.#successes = 0;
    if (container === 'app') this.#phase = 'CrashLoop';
    this.#report();
  }

  async #bootstrapToken(): Promise<string | undefined> {
    for (;;) {
      if (this.#stopped) return undefined;
      try {
        return await this.#ctx.binding.bootstrapToken({
          instanceId: this.id,
          namespace: this.#spec.namespace,
          workload: this.#spec.name,
          serviceAccount: this.#spec.serviceAccount,
        });
      } catch (error) {
        this.#message = `waiting for the control plane: ${(error as Error).message}`;
        await new Promise((r) => setTimeout(r, 1000));
      }
    }
  }

  async #waitForSidecar(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.#stopped && Date.now() < deadline) {
      if (await probeHttp(this.address, PROXY_ADMIN_PORT, '/ready', 500)) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    if (!this.#stopped)
      this.#ctx.log(
        `${this.#spec.namespace}/${this.name}: sidecar not ready after ${timeoutMs} ms; starting the app anyway`,
      );
  }

  #scheduleProbe(delayMs: number): void {
    clearTimeout(this.#probeTimer);
    if (this.#stopped) return;
    this.#probeTimer = setTimeout(() => void this.#probe(), delayMs);
  }

  async #probe(): Promise<void> {
    const r = this.#spec.readiness;
    let ok = this.#app?.running === true;
    if (ok) {
      ok =
        r.kind === 'http'
          ? await probeHttp(this.address, r.port, r.path ?? '/', r.timeoutMs)
          : await probeTcp(this.address, r.port, r.timeoutMs);
    }
    if (ok && this.#ctx.sidecar) ok = await probeHttp(this.address, PROXY_ADMIN_PORT, '/ready', r.timeoutMs);
    if (this.#stopped) return;
    if (ok) {
      this.#failures = 0;
      if (!this.#ready && ++this.#successes >= r.successThreshold) {
        this.#ready = true;
        this.#everReady = true;
        this.#phase = 'Running';
        this.#message = undefined;
      }
    } else {
      this.#successes = 0;
      if (this.#ready && ++this.#failures >= r.failureThreshold) {
        this.#ready = false;
        this.#message = 'readiness probe failing';
      }
    }
    if (this.#app?.running && this.#phase === 'CrashLoop')
      this.#phase = this.#everReady ? 'Running' : 'Starting';
    this.#report();
    this.#scheduleProbe(r.periodMs);
  }

  #report(): void {
    this.#ctx.binding.instanceChanged(this.status());
  }
}

/** expandVariables replaces $(NAME) with the environment's value (Kubernetes semantics; unknown names stay, $$ is $). */
export function expandVariables(arg: string, env: NodeJS.ProcessEnv): string {
  return arg.replace(/\$\$|\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g, (match, name?: string) =>
    match === '$$' ? '$' : (env[name!] ?? match),
  );
}
