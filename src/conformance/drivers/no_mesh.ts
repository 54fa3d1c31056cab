/**
 * NoMeshDriver: the sample apps as plain processes on loopback, with no mesh at all. SMI resources
 * are validated and stored but change nothing, as on a cluster that has the SMI CRDs and no mesh
 * implementing them; no proxy sits in front of the apps and no name service resolves
 * `<service>.<namespace>.svc.cluster.local`, so calls between apps fail. This is the run that shows
 * the suite can fail.
 * @module
 */
import { spawn, type ChildProcess } from 'node:child_process';
import type { KubernetesObject } from '../../manifest/index.js';
import { parseSmiResource, SMI_GROUPS, SUPPORTED_VERSIONS, type SmiKind } from '../../smi/index.js';
import { SAMPLE_APP_MAIN } from '../app/index.js';
import type { DriverCall, Instance, MeshDriver, MeshInfo, SampleWorkload, SettleResult } from '../driver.js';
import { withDeadline } from '../deadline.js';
import { DriverError, NotReadyError } from '../errors.js';

const WORKLOAD_API = 'meshplane.dev/v1alpha1';
const KIND_GROUPS: Record<SmiKind, string> = {
  TrafficSplit: SMI_GROUPS.split,
  TrafficTarget: SMI_GROUPS.access,
  HTTPRouteGroup: SMI_GROUPS.specs,
  TCPRoute: SMI_GROUPS.specs,
  UDPRoute: SMI_GROUPS.specs,
};

/** AppProcess is one sample app process; it reports its URL once it listens. */
class AppProcess {
  readonly child: ChildProcess;
  readonly ready: Promise<string>;
  url: string | undefined;
  #exited = false;
  #output = '';

  constructor(command: string[], env: Record<string, string>) {
    this.child = spawn(command[0]!, command.slice(1), { env, stdio: ['ignore', 'pipe', 'pipe'] });
    this.ready = new Promise<string>((resolve, reject) => {
      let stdout = '';
      this.child.stdout!.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
        const m = /listening on (http:\/\/\S+)/.exec(stdout);
        if (m && !this.url) {
          this.url = m[1]!;
          resolve(this.url);
        }
      });
      this.child.stderr!.on(
        'data',
        (chunk: Buffer) => (this.#output = (this.#output + chunk.toString()).slice(-2000)),
      );
      this.child.once('error', reject);
      this.child.once('exit', (code, signal) => {
        this.#exited = true;
        reject(new Error(`exited (${signal ?? `code ${code}`}) before listening: ${this.#output.trim()}`));
      });
    });
    this.ready.catch(() => undefined);
  }

  async stop(): Promise<void> {
    if (this.#exited) return;
    const gone = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 2000);
    await gone;
    clearTimeout(timer);
  }
}

interface NamespaceState {
  objects: Map<string, KubernetesObject>;
  processes: Map<string, AppProcess>;
}

function keyOf(o: KubernetesObject): string {
  const meta = (o.metadata ?? {}) as { name?: string; namespace?: string };
  return `${o.kind}/${meta.namespace ?? 'default'}/${meta.name ?? ''}`;
}

export class NoMeshDriver implements MeshDriver {
  readonly name = 'none';
  readonly #namespaces = new Map<string, NamespaceState>();

  async describe(): Promise<MeshInfo> {
    const served = new Map<string, { group: string; version: string; kinds: string[] }>();
    for (const [kind, versions] of Object.entries(SUPPORTED_VERSIONS) as [SmiKind, readonly string[]][]) {
      for (const version of versions) {
        const group = KIND_GROUPS[kind];
        const api = served.get(`${group}/${version}`) ?? { group, version, kinds: [] };
        api.kinds.push(kind);
        served.set(`${group}/${version}`, api);
      }
    }
    return { name: 'no mesh', version: '', served: [...served.values()] };
  }

  async createNamespace(namespace: string): Promise<void> {
    if (this.#namespaces.has(namespace)) throw new DriverError(`namespace ${namespace} already exists`);
    this.#namespaces.set(namespace, { objects: new Map(), processes: new Map() });
  }

  async deleteNamespace(namespace: string): Promise<void> {
    const state = this.#namespaces.get(namespace);
    this.#namespaces.delete(namespace);
    if (state) await Promise.all([...state.processes.values()].map((p) => p.stop()));
  }

  workloadManifest(w: SampleWorkload): KubernetesObject {
    return {
      apiVersion: WORKLOAD_API,
      kind: 'Workload',
      metadata: { name: w.name, namespace: w.namespace, labels: w.labels },
      spec: {
        serviceAccount: w.serviceAccount,
        replicas: 1,
        command: [process.execPath, SAMPLE_APP_MAIN],
        // No proxy, and no name service: service names resolve to nothing.
        env: { ...w.env, HOST: '127.0.0.1', PORT: '0', NAME_RESOLUTION: 'none' },
        port: w.port,
      },
    };
  }

  async apply(objects: KubernetesObject[]): Promise<string[]> {
    const warnings: string[] = [];
    const planned = objects.map((o) => {
      const state = this.#state(o);
      const parsed = this.#validate(o);
      if (parsed) warnings.push(...parsed);
      return { o, state };
    });
    for (const { o, state } of planned) {
      state.objects.set(keyOf(o), o);
      if (o.kind === 'Workload') {
        const name = (o.metadata as { name: string }).name;
        if (!state.processes.has(name)) {
          const spec = o.spec as { command: string[]; env: Record<string, string> };
          state.processes.set(
            name,
            new AppProcess(spec.command, { PATH: process.env.PATH ?? '', ...spec.env }),
          );
        }
      }
    }
    return warnings;
  }

  async delete(objects: KubernetesObject[]): Promise<void> {
    for (const o of objects) {
      if (!this.#state(o).objects.has(keyOf(o))) throw new DriverError(`${keyOf(o)} not found`);
    }
    for (const o of objects) {
      const state = this.#state(o);
      state.objects.delete(keyOf(o));
      if (o.kind === 'Workload') {
        const name = (o.metadata as { name: string }).name;
        await state.processes.get(name)?.stop();
        state.processes.delete(name);
      }
    }
  }

  async waitReady(
    namespace: string,
    workloads: string[],
    timeoutMs: number,
    call: DriverCall,
  ): Promise<void> {
    const state = this.#namespaces.get(namespace);
    for (const name of workloads) {
      const proc = state?.processes.get(name);
      if (!proc) throw new NotReadyError(`workload ${namespace}/${name} does not exist`);
      try {
        await withDeadline(call.signal, timeoutMs, (signal) =>
          Promise.race([
            proc.ready,
            new Promise<never>((_, reject) =>
              signal.addEventListener('abort', () => reject(signal.reason), { once: true }),
            ),
          ]),
        );
      } catch (error) {
        if (call.signal.aborted) throw call.signal.reason;
        throw new NotReadyError(`${namespace}/${name}: ${(error as Error).message}`);
      }
    }
  }

  async instances(namespace: string, workload: string): Promise<Instance[]> {
    const url = this.#namespaces.get(namespace)?.processes.get(workload)?.url;
    return url ? [{ name: `${workload}-0`, url }] : [];
  }

  serviceUrl(service: string, namespace: string, port: number): string {
    return `http://${service}.${namespace}.svc.cluster.local:${port}`;
  }

  async settle(): Promise<SettleResult> {
    return { waitedMs: 0, exact: true };
  }

  async getMetrics(): Promise<undefined> {
    return undefined;
  }

  async close(): Promise<void> {
    await Promise.all([...this.#namespaces.keys()].map((ns) => this.deleteNamespace(ns)));
  }

  #state(o: KubernetesObject): NamespaceState {
    const ns = ((o.metadata ?? {}) as { namespace?: string }).namespace ?? 'default';
    const state = this.#namespaces.get(ns);
    if (!state) throw new DriverError(`${keyOf(o)}: namespace ${ns} does not exist`);
    return state;
  }

  /** #validate accepts what a cluster with the SMI CRDs would: valid SMI, Services, accounts and its own Workloads. */
  #validate(o: KubernetesObject): string[] | undefined {
    try {
      const parsed = parseSmiResource(o);
      if (parsed) return parsed.warnings.map((w) => String(w));
    } catch (error) {
      throw new DriverError((error as Error).message, error);
    }
    const known = ['v1/Service', 'v1/ServiceAccount', `${WORKLOAD_API}/Workload`];
    if (!known.includes(`${o.apiVersion}/${o.kind}`))
      throw new DriverError(`${keyOf(o)}: unknown kind ${o.apiVersion}/${o.kind}`);
    return undefined;
  }
}
