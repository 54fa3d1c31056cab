/**
 * The SMP messages as TypeScript types: the canonical in-memory form every codec reads into and
 * writes from. Field names are the JSON (lowerCamelCase) names of the proto fields; scalars hold
 * proto3 defaults when absent (`''`, `0`, `false`, `[]`, `{}`), nested messages are `undefined`
 * when absent, enums hold their value names, int64 fields are numbers.
 * @module
 */
import type { Timestamp } from './timestamp.js';

/** Protocol is `PerformanceTestConfig.Client.Protocol`. */
export type Protocol =
  'PROTOCOL_INVALID' | 'PROTOCOL_HTTP' | 'PROTOCOL_TCP' | 'PROTOCOL_UDP' | 'PROTOCOL_GRPC';

/** MeshType is `ServiceMesh.Type`. */
export type MeshType =
  | 'INVALID_MESH'
  | 'APP_MESH'
  | 'CONSUL'
  | 'ISTIO'
  | 'KUMA'
  | 'LINKERD'
  | 'TRAEFIK_MESH'
  | 'OCTARINE'
  | 'NETWORK_SERVICE_MESH'
  | 'TANZU'
  | 'OPEN_SERVICE_MESH'
  | 'NGINX_SERVICE_MESH'
  | 'CILIUM_SERVICE_MESH';

/** ApplicationProtocol is `ApplicationMetadata.ApplicationProtocol`. */
export type ApplicationProtocol = 'PROTOCOL_INVALID' | 'PROTOCOL_HTTP' | 'PROTOCOL_HTTPS';

/** PerformanceTestClient is `PerformanceTestConfig.Client`: one load generator and what it sends. */
export interface PerformanceTestClient {
  /** True when the client runs inside the mesh (no ingress). */
  internal: boolean;
  /** Free text in the spec; Meshery uses "fortio", "wrk2", "nighthawk". */
  loadGenerator: string;
  protocol: Protocol;
  connections: number;
  /** Requested requests per second over all connections; 0 = as fast as possible. */
  rps: number;
  headers: Record<string, string>;
  cookies: Record<string, string>;
  body: string;
  contentType: string;
  endpointUrls: string[];
  sslCertificate: string;
  additionalOptions: string;
}

/** PerformanceTestConfig is what to run: clients, endpoints and a Go-syntax duration. */
export interface PerformanceTestConfig {
  smpVersion: string;
  id: string;
  name: string;
  labels: Record<string, string>;
  clients: PerformanceTestClient[];
  /** Go `time.ParseDuration` syntax, e.g. "30s". */
  duration: string;
}

/** Latency is `PerformanceTestResult.Latency`, in milliseconds (meshplane writes milliseconds; see docs/smp.md). */
export interface Latency {
  min: number;
  average: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

/** PerformanceTestResult is the SMP summary of one run. */
export interface PerformanceTestResult {
  smpVersion: string;
  id: string;
  labels: Record<string, string>;
  startTime?: Timestamp;
  endTime?: Timestamp;
  latenciesMs?: Latency;
  actualQps: number;
  detailsUri: string;
  testId: string;
  meshConfigId: string;
  envId: string;
}

/** ServiceMesh identifies the mesh under test. */
export interface ServiceMesh {
  type: MeshType;
  version: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

/** GatewayUsage is the shape of `ServiceMeshConfig.IngressGateway`, `.EgressGateway` and `.Sidecar`. */
export interface GatewayUsage {
  count: number;
  cpuMcores: number;
  memMb: number;
  rps: number;
  bps: number;
}

/** MeshTelemetry is `ServiceMeshConfig.MeshTelemetry`. */
export interface MeshTelemetry {
  count: number;
  cpuMcores: number;
  memMb: number;
  rps: number;
}

/** MeshPolicy is `ServiceMeshConfig.MeshPolicy`. */
export interface MeshPolicy extends MeshTelemetry {
  cacheHitRate: number;
}

/** MeshControlPlane is `ServiceMeshConfig.MeshControlPlane`. */
export interface MeshControlPlane {
  count: number;
  cpuMcores: number;
  memMb: number;
  endpoints: number;
  services: number;
  sidecars: number;
  virtualServices: number;
  destinationRules: number;
  ldsLatencyMs: number;
  cdsLatencyMs: number;
}

/** ApplicationMetadata describes the application under test. */
export interface ApplicationMetadata {
  applicationName: string;
  applicationVersion: string;
  helmchartName: string;
  helmchartVersion: string;
  cnabspecVersion: string;
  composeVersion: string;
  clusterName: string;
  k8sVersionSupported: string;
  applicationProtocol: ApplicationProtocol;
}

/** ServiceMeshConfig records the mesh configuration and what it consumed. */
export interface ServiceMeshConfig {
  smpVersion: string;
  id: string;
  labels: Record<string, string>;
  ingressGateway?: GatewayUsage;
  sidecar?: GatewayUsage;
  meshTelemetry?: MeshTelemetry;
  meshPolicy?: MeshPolicy;
  meshControlPlane?: MeshControlPlane;
  meshPolicyEnabled: boolean;
  meshTelemetryEnabled: boolean;
  mtlsEnabled: boolean;
  proxyConcurrency: number;
  meshBuild: string;
  proxyBuild: string;
  expGroupUuid: string;
  expUuid: string;
  profile: string;
  meshType?: ServiceMesh;
  applicationMetadata?: ApplicationMetadata;
}

/** TrafficMetadata describes how traffic reached the application. */
export interface TrafficMetadata {
  loadBalanceName: string;
  loadBalanceIp: string;
  hostEndpoint: string;
  prometheusUrl: string;
  httpHeaders: string;
  userAgent: string;
  pingHealthEndpoint: string;
}

/** EnvironmentNode is `EnvironmentConfig.Node`. */
export interface EnvironmentNode {
  type: string;
  cores: number;
  memMb: number;
}

/** IndividualWorkload is `EnvironmentConfig.IndividualWorkload`. */
export interface IndividualWorkload {
  name: string;
  count: number;
  cpuMcores: number;
  memMb: number;
}

/** EnvironmentConfig records the infrastructure a test ran on. */
export interface EnvironmentConfig {
  smpVersion: string;
  id: string;
  labels: Record<string, string>;
  kubernetesVersion: string;
  nodes: EnvironmentNode[];
  individualWorkloads: IndividualWorkload[];
  trafficMetadata?: TrafficMetadata;
}

/** SmpMessages maps each top-level SMP message name to its TypeScript type. */
export interface SmpMessages {
  PerformanceTestConfig: PerformanceTestConfig;
  PerformanceTestResult: PerformanceTestResult;
  ServiceMeshConfig: ServiceMeshConfig;
  EnvironmentConfig: EnvironmentConfig;
  ServiceMesh: ServiceMesh;
  ApplicationMetadata: ApplicationMetadata;
  TrafficMetadata: TrafficMetadata;
}

/** SmpMessageName is a name the codecs accept. */
export type SmpMessageName = keyof SmpMessages;

/** SMP_MESSAGE_NAMES lists every name of SmpMessageName. */
export const SMP_MESSAGE_NAMES: readonly SmpMessageName[] = [
  'PerformanceTestConfig',
  'PerformanceTestResult',
  'ServiceMeshConfig',
  'EnvironmentConfig',
  'ServiceMesh',
  'ApplicationMetadata',
  'TrafficMetadata',
];
