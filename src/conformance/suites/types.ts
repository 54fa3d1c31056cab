/**
 * The shape of a conformance suite: numbered steps, each applying or deleting resources and then
 * asserting something. Steps are data; checks.ts and metrics_checks.ts interpret their checks.
 * @module
 */
import type { KubernetesObject } from '../../manifest/index.js';

/** AppName is one of the three sample apps of the original suite. */
export type AppName = 'app-a' | 'app-b' | 'app-c';

export const APP_NAMES: readonly AppName[] = ['app-a', 'app-b', 'app-c'];

/** SuiteName is an SMI specification the suite covers, as Meshery names it. */
export type SuiteName = 'traffic-access' | 'traffic-split' | 'traffic-spec' | 'traffic-metrics';

/** Target is a request one sample app makes to a Service, e.g. GET app-b /echo. */
export interface Target {
  service: string;
  path: string;
  /** Default GET. */
  method?: string;
  /** Extra request headers (the sample app records them with the outcome). */
  headers?: Record<string, string>;
}

/** Call asks `from` to make a request (through its sidecar) `count` times (default 1). */
export interface Call extends Target {
  from: AppName;
  /** The `body` field of /call: sent downstream for POST, PATCH and PUT. */
  body?: string;
  count?: number;
}

/** Expectation is one assertion on the sample apps' metrics after a phase's calls. */
export type Expectation =
  /** `app`'s RespSucceeded and RespFailed hold exactly these requests (any order). */
  | { kind: 'outcomes'; app: AppName; succeeded: Target[]; failed: Target[] }
  /** `app`'s ReqReceived is exactly `from` (callers' ServiceName values, in order). */
  | { kind: 'received'; app: AppName; from: string[] }
  /** The number of entries in `app`'s ReqReceived compares to `value` ('sent': every request of the phase). */
  | { kind: 'receivedCount'; app: AppName; op: '==' | '>' | '>='; value: number | 'sent' }
  /** The ReqReceived entries of `apps` add up to every request of the phase. */
  | { kind: 'receivedTotal'; apps: AppName[] }
  /** ReqReceived lengths of two apps compare (the original split checks). */
  | { kind: 'compare'; left: AppName; op: '>' | '<'; right: AppName }
  /**
   * The requests of the phase landed on the backends in proportion to their weights: every
   * request reached one backend, and each backend's count lies in the binomial acceptance
   * interval of its share (α = SPLIT_CHECK_ALPHA).
   */
  | { kind: 'split'; backends: { app: AppName; weight: number }[] };

/** Phase resets every app's metrics, makes its calls, then checks its expectations. */
export interface Phase {
  calls: Call[];
  expect: Expectation[];
}

/** MetricsCheck names one check of the TrafficMetrics API (see metrics_checks.ts). */
export type MetricsCheck =
  'countsPerResource' | 'edges' | 'v1alpha2Shapes' | 'trafficSplitBackends' | 'unknownResource';

/** Check is what a step asserts. */
export type Check =
  /** The mesh serves `kind` in `apiVersion` (Kubernetes: the CRD or API exists). */
  | { kind: 'served'; apiVersion: string; resource: string }
  /** The sample app is deployed: every workload has a ready instance. */
  | { kind: 'deployed' }
  | { kind: 'traffic'; phases: Phase[] }
  | { kind: 'metrics'; check: MetricsCheck };

/** Deployment is the sample app layout a suite deploys. */
export type Deployment = 'access' | 'split';

/** Manifests builds a step's objects for the suite's namespace. */
export type Manifests = (namespace: string) => KubernetesObject[];

/** Step is one numbered step. Order inside a step: deploy, apply, delete, settle, check. */
export interface Step {
  /** Short camelCase name, as the original suite's custom checks were named (trafficDefault…). */
  name: string;
  /** One line: what the step does and asserts. */
  summary: string;
  /** One of the 24 steps of the original learn-layer5 suite. */
  original?: boolean;
  deploy?: Deployment;
  apply?: Manifests;
  delete?: Manifests;
  check?: Check;
}

/** Claims answers whether the mesh serves a kind at an apiVersion. */
export interface Claims {
  serves(apiVersion: string, kind: string): boolean;
}

/** Suite is one SMI specification's steps; which steps exist can depend on the versions the mesh claims. */
export interface Suite {
  name: SuiteName;
  /** Reported as Meshery's smi_version, e.g. "v0.6.0/v1alpha3". */
  specVersion: string;
  steps(claims: Claims): Step[];
}
