/**
 * InstanceRegistry holds the workload instances the platform runs and their readiness. The platform
 * reports every change; the compiler turns ready instances into endpoints.
 * @module
 */

/** InstancePhase follows one replica through its life. */
export type InstancePhase =
  | 'Pending' // address allocated, processes not started yet
  | 'Starting' // processes started, readiness not yet passed
  | 'Running' // app process up (ready tells whether it passes its probe)
  | 'CrashLoop' // app exited; a restart is scheduled with back-off
  | 'Terminating'; // being stopped

/** InstanceRecord is one replica of a Workload as the control plane sees it. */
export interface InstanceRecord {
  /** Node id of its proxy: "<workload>-<replica>.<namespace>". */
  id: string;
  /** "<workload>-<replica>". */
  name: string;
  namespace: string;
  workload: string;
  replica: number;
  serviceAccount: string;
  /** Its own loopback address ("pod IP"). */
  address: string;
  /** The app's port (Workload spec.port). */
  port: number;
  labels: Record<string, string>;
  inboundPort: number;
  outboundPort: number;
  adminPort: number;
  phase: InstancePhase;
  /** True when the app passes its readiness probe (and the sidecar is ready, when there is one). */
  ready: boolean;
  restarts: number;
  startedAt?: string;
  appPid?: number;
  proxyPid?: number;
  message?: string;
}

export class InstanceRegistry {
  readonly #instances = new Map<string, InstanceRecord>();
  readonly #listeners: ((id: string) => void)[] = [];

  onChange(listener: (id: string) => void): void {
    this.#listeners.push(listener);
  }

  /** upsert records an instance's latest state; unchanged reports do not notify. */
  upsert(record: InstanceRecord): void {
    const old = this.#instances.get(record.id);
    if (old && JSON.stringify(old) === JSON.stringify(record)) return;
    this.#instances.set(record.id, { ...record, labels: { ...record.labels } });
    this.#emit(record.id);
  }

  remove(id: string): void {
    if (this.#instances.delete(id)) this.#emit(id);
  }

  get(id: string): InstanceRecord | undefined {
    return this.#instances.get(id);
  }

  list(): InstanceRecord[] {
    return [...this.#instances.values()].sort((a, b) => a.id.localeCompare(b.id));
  }

  #emit(id: string): void {
    for (const listener of this.#listeners) listener(id);
  }
}
