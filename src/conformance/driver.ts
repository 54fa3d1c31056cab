/**
 * MeshDriver: everything the conformance runner needs from a mesh and the platform under it. The
 * runner talks to the mesh only through this interface and SMI resources, so another platform
 * (Kubernetes) can point the same suites at other meshes.
 * @module
 */
import type { KubernetesObject } from '../manifest/index.js';

/** ServedApi is one API group version the mesh serves and the kinds in it, as Kubernetes discovery lists them. */
export interface ServedApi {
  group: string;
  version: string;
  kinds: string[];
}

/** MeshInfo identifies the mesh under test and what it claims to serve. */
export interface MeshInfo {
  /** Name as reports show it, e.g. "meshplane". */
  name: string;
  version: string;
  /** The SMI API versions the mesh serves (its claims); the suites test each one. */
  served: ServedApi[];
}

/** SampleWorkload is one sample app to run: the platform decides how (process, Deployment…). */
export interface SampleWorkload {
  namespace: string;
  /** Workload name, e.g. "app-a". */
  name: string;
  serviceAccount: string;
  labels: Record<string, string>;
  /** Extra environment, e.g. SERVICE_NAME. */
  env: Record<string, string>;
  /** Port the app listens on (the Services' targetPort). */
  port: number;
}

/** Instance is one ready replica of a workload: where the runner calls the sample app directly. */
export interface Instance {
  /** Instance ("pod") name, as TrafficMetrics name it, e.g. "app-a-0". */
  name: string;
  /** Base URL of the app itself, reached without passing the instance's sidecar. */
  url: string;
}

/** SettleResult says how long a change took to reach the data plane. */
export interface SettleResult {
  waitedMs: number;
  /**
   * True when the driver knows the change is in effect everywhere (the mesh reports every proxy
   * acknowledged it); false when it only waited, so checks retry until the settle timeout.
   */
  exact: boolean;
  /** Why settling stopped early (e.g. a proxy rejected the configuration). */
  note?: string;
}

/** MetricsAnswer is one response of the mesh's TrafficMetrics API. */
export interface MetricsAnswer {
  status: number;
  body: unknown;
}

/** DriverCall bounds one driver operation. */
export interface DriverCall {
  signal: AbortSignal;
}

export interface MeshDriver {
  /** Driver name in reports: "local", "none". */
  readonly name: string;
  describe(call: DriverCall): Promise<MeshInfo>;
  /** createNamespace prepares a fresh namespace for one suite. */
  createNamespace(namespace: string, call: DriverCall): Promise<void>;
  /** deleteNamespace removes everything in the namespace, including workloads; it ignores what is already gone. */
  deleteNamespace(namespace: string, call: DriverCall): Promise<void>;
  /** workloadManifest is how this platform runs a sample app (applied with the Services around it). */
  workloadManifest(workload: SampleWorkload): KubernetesObject;
  /**
   * apply creates or updates every object, all or none.
   * @returns warnings the mesh returned
   * @throws an error carrying the mesh's reason when it rejects an object
   */
  apply(objects: KubernetesObject[], call: DriverCall): Promise<string[]>;
  /** delete removes every object; it fails when one does not exist. */
  delete(objects: KubernetesObject[], call: DriverCall): Promise<void>;
  /** waitReady resolves once each workload has a ready instance, or throws after timeoutMs. */
  waitReady(namespace: string, workloads: string[], timeoutMs: number, call: DriverCall): Promise<void>;
  instances(namespace: string, workload: string, call: DriverCall): Promise<Instance[]>;
  /** serviceUrl is how one sample app addresses a Service through the mesh. */
  serviceUrl(service: string, namespace: string, port: number): string;
  /** settle waits until the mesh's data plane runs the configuration last applied (at most timeoutMs). */
  settle(namespace: string, timeoutMs: number, call: DriverCall): Promise<SettleResult>;
  /**
   * getMetrics sends GET `path` (e.g. /apis/metrics.smi-spec.io/v1alpha1/namespaces/ns/pods/app-b-0)
   * to the mesh's TrafficMetrics API; undefined when the mesh has no such API at all.
   */
  getMetrics(path: string, call: DriverCall): Promise<MetricsAnswer | undefined>;
  /** close releases what the driver holds (processes, connections). */
  close(): Promise<void>;
}
