/**
 * LocalPlatform runs Workloads as processes on this host. reconcile() takes the desired Workloads and
 * starts, replaces or stops replicas to match: a change of service account, command, env, port or
 * working directory replaces the replica; labels and the readiness probe change in place. Every
 * process group is also registered with a watchdog, so nothing outlives the mesh process.
 * @module
 */
import { createHash } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { DEFAULT_TRUST_DOMAIN } from '../../config/index.js';
import type { ControlPlaneBinding, InstanceStatus, SidecarOptions, WorkloadSpec } from '../types.js';
import { AddressPool } from './address_pool.js';
import { LocalInstance, type InstanceContext } from './instance.js';
import { fileExists, logPath, readLog } from './logs.js';
import type { RestartPolicy } from './process.js';
import { Watchdog } from './watchdog.js';

export interface LocalPlatformOptions {
  /** Logs go to <stateDir>/logs, bootstrap tokens to <stateDir>/instances. */
  stateDir: string;
  binding: ControlPlaneBinding;
  /** How to start sidecars; null runs apps without one (no HTTP_PROXY, no mTLS). */
  sidecar: SidecarOptions | null;
  /** CIDR inside 127.0.0.0/8 the instance addresses come from (default 127.10.0.0/16). */
  addressRange?: string;
  trustDomain?: string;
  /** Working directory of apps without spec.workingDir, and base of relative ones (default: cwd). */
  cwd?: string;
  /** Variables every app gets (before its own and spec.env). */
  env?: Record<string, string>;
  restart?: Partial<RestartPolicy>;
  /** SIGTERM-to-SIGKILL grace when stopping (default 5 s). */
  stopGraceMs?: number;
  /** Start the orphan watchdog (default true). */
  watchdog?: boolean;
  log?: (message: string) => void;
}

/** LogRequest names one log of one replica. */
export interface LogRequest {
  namespace: string;
  workload: string;
  replica: number;
  container: 'app' | 'proxy';
  follow: boolean;
  tail?: number;
}

export class LocalPlatform {
  readonly #pool: AddressPool;
  readonly #ctx: InstanceContext;
  readonly #instances = new Map<string, LocalInstance>();
  readonly #watchdog: Watchdog | undefined;
  #queue: Promise<void> = Promise.resolve();
  #stopped = false;

  constructor(options: LocalPlatformOptions) {
    this.#pool = new AddressPool(options.addressRange);
    this.#watchdog = options.watchdog === false ? undefined : new Watchdog();
    this.#ctx = {
      stateDir: options.stateDir,
      cwd: options.cwd ?? process.cwd(),
      trustDomain: options.trustDomain ?? DEFAULT_TRUST_DOMAIN,
      sidecar: options.sidecar,
      binding: options.binding,
      watchdog: this.#watchdog,
      baseEnv: options.env ?? {},
      restart: options.restart,
      stopGraceMs: options.stopGraceMs ?? 5000,
      log: options.log ?? (() => {}),
    };
  }

  /** addressRange is the CIDR instance addresses come from. */
  get addressRange(): string {
    return this.#pool.range;
  }

  /** reconcile makes the running replicas match `workloads`; calls are applied one after another. */
  reconcile(workloads: WorkloadSpec[]): Promise<void> {
    const run = this.#queue.then(() => this.#reconcile(workloads));
    this.#queue = run.catch((error: unknown) =>
      this.#ctx.log(`reconcile failed: ${(error as Error).message}`),
    );
    return this.#queue;
  }

  instances(): InstanceStatus[] {
    return [...this.#instances.values()].map((i) => i.status()).sort((a, b) => a.id.localeCompare(b.id));
  }

  /** resync reports every instance again, e.g. to a control plane that just restarted. */
  resync(): void {
    for (const instance of this.#instances.values()) this.#ctx.binding.instanceChanged(instance.status());
  }

  /** readLog streams one replica's log, or resolves undefined when there is none. */
  async readLog(request: LogRequest, signal: AbortSignal): Promise<AsyncIterable<Uint8Array> | undefined> {
    const path = logPath(
      this.#ctx.stateDir,
      request.namespace,
      `${request.workload}-${request.replica}`,
      request.container,
    );
    if (!(await fileExists(path))) return undefined;
    return readLog(path, { follow: request.follow, tail: request.tail, signal });
  }

  /** stop ends every instance and the watchdog; nothing is left running. */
  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    await this.#queue;
    await Promise.all([...this.#instances.values()].map((i) => this.#remove(i)));
    this.#watchdog?.close();
  }

  async #reconcile(workloads: WorkloadSpec[]): Promise<void> {
    if (this.#stopped) return;
    await mkdir(this.#ctx.stateDir, { recursive: true, mode: 0o700 });
    const wanted = new Map<string, { spec: WorkloadSpec; hash: string }>();
    for (const spec of workloads) {
      const hash = specHash(spec);
      for (let replica = 0; replica < spec.replicas; replica++) {
        wanted.set(`${spec.namespace}/${spec.name}-${replica}`, { spec, hash });
      }
    }
    const stops: Promise<void>[] = [];
    for (const [key, instance] of this.#instances) {
      const want = wanted.get(key);
      if (want && want.hash === instance.specHash) instance.update(want.spec);
      else stops.push(this.#remove(instance));
    }
    await Promise.all(stops);
    const starts: Promise<void>[] = [];
    for (const [key, { spec, hash }] of wanted) {
      if (this.#instances.has(key)) continue;
      const replica = Number(key.slice(key.lastIndexOf('-') + 1));
      const instance = new LocalInstance(spec, replica, this.#pool.allocate(), hash, this.#ctx);
      this.#instances.set(key, instance);
      this.#ctx.log(`starting ${spec.namespace}/${instance.name} on ${instance.address}`);
      // Do not wait for readiness or the sidecar here: one slow replica must not hold up the others.
      starts.push(
        instance.start().catch((error: unknown) => this.#ctx.log(`${key}: ${(error as Error).message}`)),
      );
    }
    void Promise.all(starts);
  }

  async #remove(instance: LocalInstance): Promise<void> {
    const key = `${instance.spec.namespace}/${instance.name}`;
    this.#ctx.log(`stopping ${key}`);
    await instance.stop();
    if (this.#instances.get(key) === instance) this.#instances.delete(key);
    this.#pool.release(instance.address);
  }
}

/** specHash covers what needs new processes when it changes. */
function specHash(spec: WorkloadSpec): string {
  const { serviceAccount, command, env, port, workingDir } = spec;
  return createHash('sha256')
    .update(JSON.stringify({ serviceAccount, command, env, port, workingDir }))
    .digest('hex');
}
