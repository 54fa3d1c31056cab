/**
 * What the platform runs and how it talks to the control plane. The platform never imports the
 * control plane: `meshplane mesh up` binds the two through ControlPlaneBinding.
 * @module
 */

/** ReadinessSpec: TCP connect, or HTTP GET answering 200-399, to the instance's address. */
export interface ReadinessSpec {
  kind: 'tcp' | 'http';
  port: number;
  /** HTTP path, for kind http. */
  path?: string;
  initialDelayMs: number;
  periodMs: number;
  timeoutMs: number;
  successThreshold: number;
  failureThreshold: number;
}

/** WorkloadSpec is one Workload as the platform needs it. */
export interface WorkloadSpec {
  namespace: string;
  name: string;
  labels: Record<string, string>;
  serviceAccount: string;
  replicas: number;
  /** Program and arguments; $(VAR) refers to the instance's environment, $$ is a literal $. */
  command: string[];
  env: Record<string, string>;
  port: number;
  workingDir?: string;
  readiness: ReadinessSpec;
}

export type InstancePhase = 'Pending' | 'Starting' | 'Running' | 'CrashLoop' | 'Terminating';

/** InstanceStatus is everything the platform reports about one replica. */
export interface InstanceStatus {
  /** Node id of its proxy: "<workload>-<replica>.<namespace>". */
  id: string;
  name: string;
  namespace: string;
  workload: string;
  replica: number;
  serviceAccount: string;
  address: string;
  port: number;
  labels: Record<string, string>;
  inboundPort: number;
  outboundPort: number;
  adminPort: number;
  phase: InstancePhase;
  ready: boolean;
  restarts: number;
  startedAt?: string;
  appPid?: number;
  proxyPid?: number;
  message?: string;
}

/** InstanceIdentity is what a bootstrap token is issued for. */
export interface InstanceIdentity {
  instanceId: string;
  namespace: string;
  workload: string;
  serviceAccount: string;
}

/** ControlPlaneBinding is the control plane as the platform sees it. */
export interface ControlPlaneBinding {
  /** bootstrapToken issues the secret the instance's sidecar presents to get its first certificate. */
  bootstrapToken(identity: InstanceIdentity): Promise<string>;
  /** instanceChanged reports every change of an instance (phase, readiness, restarts, pids). */
  instanceChanged(status: InstanceStatus): void;
  /** instanceRemoved says an instance is gone for good (its token may be revoked). */
  instanceRemoved(id: string): void | Promise<void>;
}

/** SidecarOptions describes how to start each instance's proxy. */
export interface SidecarOptions {
  /** Program and leading arguments; the platform appends the proxy flags (docs/mesh.md). */
  command: string[];
  /** host:port of the control plane's gRPC listener. */
  controlPlane: string;
  /** Mesh root certificate file. */
  rootCaFile: string;
  logLevel?: string;
  /** How long the app's start waits for the sidecar's /ready (default 15 s); the app starts anyway after. */
  readyTimeoutMs?: number;
}
