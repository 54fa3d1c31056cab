/**
 * The control plane: resource store, instance registry, certificate authority, bootstrap tokens,
 * config compiler, config stream server and HTTP API.
 * @module
 */
export { ControlPlane, DEFAULT_CERT_TTL_MS, parseHostPort } from './control_plane.js';
export type { ApplyResult, ControlPlaneOptions, ControlPlaneStatus } from './control_plane.js';
export type { MeshEvent } from './events.js';
export { accessModeName, toAccessMode, fromAccessMode } from './settings.js';
export type { AccessModeName, MeshSettingsRecord } from './settings.js';
export type { MetricsScraperOptions } from './metrics/scraper.js';
export { DEFAULT_METRICS_INTERVAL_MS, DEFAULT_METRICS_WINDOW_MS } from './metrics/scraper.js';
export { REQUESTS_TOTAL, REQUEST_DURATION } from './metrics/proxy_stats.js';
export type { LogQuery, LogSource } from './http_api.js';
export type { InstanceRecord, InstancePhase } from './registry.js';
export type { ProxyStatus, NackRecord } from './proxy_status.js';
export type { ChangeResult, ApplyAction } from './apply.js';
export {
  compileProxyConfig,
  configVersion,
  selectedInstances,
  DEFAULT_ACCESS_MODE,
  OUTBOUND_ROUTE_TABLE,
} from './compiler.js';
export type { SmiState } from './smi/state.js';
export type { MeshView } from './compiler.js';
export { CertificateAuthority } from './ca.js';
export { BootstrapTokens } from './tokens.js';
export type { TokenSubject } from './tokens.js';
export { parseManifests } from './resources/parse.js';
export type { ParsedManifests } from './resources/parse.js';
export { DEFAULT_NAMESPACE, DEFAULT_SERVICE_ACCOUNT, SIDECAR_PORTS } from './resources/validate.js';
export type * from './resources/types.js';
export { displayName, kindGroup } from './resources/types.js';
export type {
  ResourceView,
  EndpointsView,
  WorkloadStatus,
  ServiceStatus,
  TrafficSplitStatus,
} from './views.js';
export * from './errors.js';
