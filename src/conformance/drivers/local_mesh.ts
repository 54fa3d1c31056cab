/**
 * LocalMeshDriver: meshplane's local mesh through its control plane's HTTP API (docs/mesh.md):
 * `POST /v1/apply|delete`, `GET /v1/workloads|instances|status|config/:id`, Kubernetes discovery
 * (`GET /apis`, `GET /apis/<group>/<version>`) for the SMI versions it claims, and the TrafficMetrics
 * API under `/apis/metrics.smi-spec.io/`. Sample apps run as Workloads on this host.
 * @module
 */
import { stringify } from 'yaml';
import type { KubernetesObject } from '../../manifest/index.js';
import { SMI_GROUPS } from '../../smi/index.js';
import { SAMPLE_APP_MAIN } from '../app/index.js';
import type {
  DriverCall,
  Instance,
  MeshDriver,
  MeshInfo,
  MetricsAnswer,
  SampleWorkload,
  ServedApi,
  SettleResult,
} from '../driver.js';
import { withDeadline } from '../deadline.js';
import { DriverError, NotReadyError } from '../errors.js';

export interface LocalMeshDriverOptions {
  /** Base URL of the control plane's HTTP API, e.g. http://127.0.0.1:15014. */
  api: string;
  /** Node binary the Workloads run the sample app with (default: this process's). */
  node?: string;
  /** How often settle/waitReady poll the API (default 50 ms). */
  pollMs?: number;
}

interface InstanceRecord {
  id: string;
  name: string;
  namespace: string;
  workload: string;
  address: string;
  port: number;
  ready: boolean;
  phase?: string;
  message?: string;
}

interface ProxyStatus {
  id: string;
  versionAcked: string;
  lastNack?: { version: string; reason: string };
}

/** StoredView is a stored resource as GET /v1/<plural> lists it. */
interface StoredView {
  metadata: { name: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  spec?: unknown;
}

interface WorkloadView {
  metadata: { name: string };
  spec: { replicas: number };
  status?: { readyReplicas: number; instances?: InstanceRecord[] };
}

const SOURCE = 'smi-conformance';

export class LocalMeshDriver implements MeshDriver {
  readonly name = 'local';
  readonly #api: string;
  readonly #node: string;
  readonly #pollMs: number;
  /** Everything applied per namespace, so teardown can delete it. */
  readonly #applied = new Map<string, Map<string, KubernetesObject>>();
  #served: ServedApi[] | undefined;

  constructor(options: LocalMeshDriverOptions) {
    this.#api = options.api.replace(/\/$/, '');
    this.#node = options.node ?? process.execPath;
    this.#pollMs = options.pollMs ?? 50;
  }

  async describe(call: DriverCall): Promise<MeshInfo> {
    const status = await this.#json<{ version?: string; meshVersion?: string }>(
      'GET',
      '/v1/status',
      undefined,
      call,
    );
    const served = await this.#discover(call);
    this.#served = served;
    return { name: 'meshplane', version: status.version ?? status.meshVersion ?? 'unknown', served };
  }

  /** #discover reads Kubernetes discovery documents; a mesh without them claims nothing. */
  async #discover(call: DriverCall): Promise<ServedApi[]> {
    const groups = await this.#request('GET', '/apis', undefined, call);
    if (groups.status === 404) return [];
    if (groups.status !== 200) throw new DriverError(`GET ${this.#api}/apis answered ${groups.status}`);
    const list =
      (groups.body as { groups?: { name?: string; versions?: { version?: string }[] }[] }).groups ?? [];
    const smiGroups = Object.values(SMI_GROUPS) as string[];
    const served: ServedApi[] = [];
    for (const group of list) {
      if (!group.name || !smiGroups.includes(group.name)) continue;
      for (const { version } of group.versions ?? []) {
        if (!version) continue;
        const resources = await this.#request('GET', `/apis/${group.name}/${version}`, undefined, call);
        const kinds = ((resources.body as { resources?: { kind?: string }[] })?.resources ?? [])
          .map((r) => r.kind)
          .filter((k): k is string => typeof k === 'string');
        served.push({ group: group.name, version, kinds: [...new Set(kinds)] });
      }
    }
    return served;
  }

  async createNamespace(namespace: string): Promise<void> {
    // Namespaces are implicit in the local mesh: resources carry theirs.
    this.#applied.set(namespace, new Map());
  }

  /**
   * deleteNamespace deletes what the runner applied there and whatever the API still lists in it:
   * SMI resources one by one (so a mesh that rejects a kind cannot block the rest), then the
   * Services, Workloads and accounts together, then waits until the instances are gone.
   */
  async deleteNamespace(namespace: string, call: DriverCall): Promise<void> {
    const all = new Map<string, KubernetesObject>();
    for (const [plural, apiVersion, kind] of [
      ['serviceaccounts', 'v1', 'ServiceAccount'],
      ['workloads', 'meshplane.dev/v1alpha1', 'Workload'],
      ['services', 'v1', 'Service'],
    ] as const) {
      const path = `/v1/${plural}?namespace=${encodeURIComponent(namespace)}`;
      const { items } = await this.#json<{ items: StoredView[] }>('GET', path, undefined, call);
      for (const item of items) {
        const { name, labels, annotations } = item.metadata;
        const object = {
          apiVersion,
          kind,
          metadata: { name, namespace, labels, annotations },
          ...(item.spec ? { spec: item.spec } : {}),
        };
        all.set(keyOf(object), object);
      }
    }
    // What the runner applied wins over what the API lists: it is exactly what the mesh accepted.
    for (const o of this.#applied.get(namespace)?.values() ?? []) all.set(keyOf(o), o);
    this.#applied.delete(namespace);
    const problems: string[] = [];
    const remove = async (objects: KubernetesObject[]): Promise<void> => {
      if (objects.length === 0) return;
      try {
        await this.#json(
          'POST',
          '/v1/delete',
          { manifest: toYaml(objects), source: SOURCE, ignoreNotFound: true },
          call,
        );
      } catch (error) {
        problems.push((error as Error).message);
      }
    };
    const objects = [...all.values()];
    for (const o of objects.filter((o) => o.apiVersion.includes('.smi-spec.io/'))) await remove([o]);
    await remove(objects.filter((o) => !o.apiVersion.includes('.smi-spec.io/')));
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline && !call.signal.aborted) {
      if ((await this.#instanceRecords(namespace, call)).length === 0) {
        if (problems.length > 0)
          throw new DriverError(`deleting namespace ${namespace}: ${problems.join('; ')}`);
        return;
      }
      await sleep(this.#pollMs * 4);
    }
    problems.push(`its instances were still running 30 s after their Workloads were deleted`);
    throw new DriverError(`deleting namespace ${namespace}: ${problems.join('; ')}`);
  }

  workloadManifest(w: SampleWorkload): KubernetesObject {
    return {
      apiVersion: 'meshplane.dev/v1alpha1',
      kind: 'Workload',
      metadata: { name: w.name, namespace: w.namespace, labels: w.labels },
      spec: {
        serviceAccount: w.serviceAccount,
        replicas: 1,
        command: [this.#node, SAMPLE_APP_MAIN],
        env: w.env,
        port: w.port,
        readinessProbe: { httpGet: { path: '/metrics', port: w.port }, periodSeconds: 0.2 },
      },
    };
  }

  async apply(objects: KubernetesObject[], call: DriverCall): Promise<string[]> {
    const answer = await this.#json<{ warnings?: unknown; results?: { warnings?: unknown }[] }>(
      'POST',
      '/v1/apply',
      { manifest: toYaml(objects), source: SOURCE },
      call,
    );
    for (const o of objects) this.#track(o).set(keyOf(o), o);
    const warnings = [answer.warnings, ...(answer.results ?? []).map((r) => r.warnings)].flatMap((w) =>
      Array.isArray(w) ? w : [],
    );
    return warnings.map((w) => String(w));
  }

  async delete(objects: KubernetesObject[], call: DriverCall): Promise<void> {
    await this.#json(
      'POST',
      '/v1/delete',
      { manifest: toYaml(objects), source: SOURCE, ignoreNotFound: false },
      call,
    );
    for (const o of objects) this.#track(o).delete(keyOf(o));
  }

  async waitReady(
    namespace: string,
    workloads: string[],
    timeoutMs: number,
    call: DriverCall,
  ): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let views: WorkloadView[] = [];
    while (!call.signal.aborted) {
      ({ items: views } = await this.#json<{ items: WorkloadView[] }>(
        'GET',
        `/v1/workloads?namespace=${encodeURIComponent(namespace)}`,
        undefined,
        call,
      ));
      const pending = workloads.filter((name) => {
        const view = views.find((v) => v.metadata.name === name);
        return !view || (view.status?.readyReplicas ?? 0) < Math.max(1, view.spec.replicas);
      });
      if (pending.length === 0) return;
      if (Date.now() >= deadline) {
        const detail = pending.map((name) => {
          const view = views.find((v) => v.metadata.name === name);
          const instance = view?.status?.instances?.[0];
          return `${name}: ${view ? `${view.status?.readyReplicas ?? 0}/${view.spec.replicas} ready${instance ? ` (${instance.phase ?? ''}${instance.message ? `: ${instance.message}` : ''})` : ''}` : 'not found'}`;
        });
        throw new NotReadyError(`workloads not ready after ${timeoutMs} ms: ${detail.join('; ')}`);
      }
      await sleep(this.#pollMs * 2);
    }
    throw call.signal.reason;
  }

  async instances(namespace: string, workload: string, call: DriverCall): Promise<Instance[]> {
    return (await this.#instanceRecords(namespace, call))
      .filter((i) => i.workload === workload && i.ready)
      .map((i) => ({
        name: i.name,
        url: `http://${i.address.includes(':') ? `[${i.address}]` : i.address}:${i.port}`,
      }));
  }

  serviceUrl(service: string, namespace: string, port: number): string {
    return `http://${service}.${namespace}.svc.cluster.local:${port}`;
  }

  /**
   * settle waits until every proxy of the namespace has ACKed the config the control plane compiles
   * for it now (GET /v1/config/:id gives its version, GET /v1/status what each proxy ACKed).
   */
  async settle(namespace: string, timeoutMs: number, call: DriverCall): Promise<SettleResult> {
    const started = Date.now();
    let lagging: string[] = [];
    while (!call.signal.aborted) {
      const records = await this.#instanceRecords(namespace, call);
      const status = await this.#json<{ proxies?: ProxyStatus[] }>('GET', '/v1/status', undefined, call);
      const proxies = new Map((status.proxies ?? []).map((p) => [p.id, p]));
      lagging = [];
      for (const record of records) {
        const proxy = proxies.get(record.id);
        if (!proxy) continue; // no sidecar (a mesh run with --no-sidecars)
        const config = await this.#request(
          'GET',
          `/v1/config/${encodeURIComponent(record.id)}`,
          undefined,
          call,
        );
        if (config.status !== 200) continue; // the instance went away meanwhile
        const version = (config.body as { version?: string }).version ?? '';
        if (proxy.lastNack?.version === version) {
          return {
            waitedMs: Date.now() - started,
            exact: true,
            note: `proxy ${record.id} rejected config ${version}: ${proxy.lastNack.reason}`,
          };
        }
        if (proxy.versionAcked !== version)
          lagging.push(`${record.id} (ACKed ${proxy.versionAcked || 'nothing'}, current ${version})`);
      }
      if (lagging.length === 0) return { waitedMs: Date.now() - started, exact: true };
      if (Date.now() - started >= timeoutMs) break;
      await sleep(this.#pollMs);
    }
    return {
      waitedMs: Date.now() - started,
      exact: false,
      note: `after ${timeoutMs} ms these proxies had not ACKed their current config: ${lagging.join(', ')}`,
    };
  }

  async getMetrics(path: string, call: DriverCall): Promise<MetricsAnswer | undefined> {
    const served = this.#served ?? (await this.#discover(call));
    if (!served.some((api) => api.group === SMI_GROUPS.metrics)) return undefined;
    return this.#request('GET', path, undefined, call);
  }

  async close(): Promise<void> {}

  #track(o: KubernetesObject): Map<string, KubernetesObject> {
    const ns = ((o.metadata ?? {}) as { namespace?: string }).namespace ?? 'default';
    let tracked = this.#applied.get(ns);
    if (!tracked) this.#applied.set(ns, (tracked = new Map()));
    return tracked;
  }

  async #instanceRecords(namespace: string, call: DriverCall): Promise<InstanceRecord[]> {
    const { items } = await this.#json<{ items: InstanceRecord[] }>(
      'GET',
      `/v1/instances?namespace=${encodeURIComponent(namespace)}`,
      undefined,
      call,
    );
    return items;
  }

  async #request(
    method: 'GET' | 'POST',
    path: string,
    body: unknown,
    call: DriverCall,
  ): Promise<MetricsAnswer> {
    let res: { status: number; text: string };
    try {
      res = await withDeadline(call.signal, 30_000, async (signal) => {
        const r = await fetch(`${this.#api}${path}`, {
          method,
          signal,
          ...(body === undefined
            ? {}
            : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
        });
        return { status: r.status, text: await r.text() };
      });
    } catch (error) {
      if (call.signal.aborted) throw call.signal.reason;
      const cause = (error as { cause?: { code?: string } }).cause;
      throw new DriverError(
        `no mesh answers at ${this.#api} (${cause?.code ?? (error as Error).message}); start one with: meshplane mesh up`,
        error,
      );
    }
    const { text } = res;
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON: keep the text
    }
    return { status: res.status, body: parsed };
  }

  async #json<T>(method: 'GET' | 'POST', path: string, body: unknown, call: DriverCall): Promise<T> {
    const answer = await this.#request(method, path, body, call);
    if (answer.status >= 200 && answer.status < 300) return answer.body as T;
    const error = (answer.body as { error?: { code?: string; message?: string } } | undefined)?.error;
    throw new DriverError(
      `${method} ${path}: the mesh answered ${answer.status}${error ? ` ${error.code ?? ''}: ${error.message ?? ''}` : `: ${String(answer.body).slice(0, 200)}`}`,
    );
  }
}

function keyOf(o: KubernetesObject): string {
  const meta = (o.metadata ?? {}) as { name?: string; namespace?: string };
  return `${o.kind}/${meta.namespace ?? 'default'}/${meta.name ?? ''}`;
}

function toYaml(objects: KubernetesObject[]): string {
  return objects.map((o) => stringify(o, { lineWidth: 0 })).join('---\n');
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
