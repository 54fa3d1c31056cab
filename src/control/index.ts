/**
 * The control plane: resource store, instance registry, certificate authority, bootstrap tokens,
 * config compiler, config stream server and HTTP API.
 * @module
 */
export { ControlPlane, DEFAULT_CERT_TTL_MS, parseHostPort } from './control_plane.js';
export type { ControlPlaneOptions, ControlPlaneStatus } from './control_plane.js';
export type { LogQuery, LogSource } from './http_api.js';
export type { InstanceRecord, InstancePhase } from './registry.js';
export type { ProxyStatus, NackRecord } from './proxy_status.js';
export type { ChangeResult, ApplyAction } from './apply.js';
export { compileProxyConfig, configVersion, selectedInstances, OUTBOUND_ROUTE_TABLE } from './compiler.js';
export type { MeshView } from './compiler.js';
export { CertificateAuthority } from './ca.js';
export { BootstrapTokens } from './tokens.js';
export type { TokenSubject } from './tokens.js';
export { parseManifests } from './resources/parse.js';
export { DEFAULT_NAMESPACE, DEFAULT_SERVICE_ACCOUNT, SIDECAR_PORTS } from './resources/validate.js';
export type * from './resources/types.js';
export type { ResourceView, EndpointsView, WorkloadStatus, ServiceStatus } from './views.js';
export * from './errors.js';
