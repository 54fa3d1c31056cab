/**
 * The proxy-config contract: the only thing the control plane and the proxy share, plus the proxy's
 * side of the wire (ControlPlaneClient) and the names both sides agree on.
 * @module
 */
export type * from './types.js';
export { protoPath, loaderOptions } from './proto.js';
export type { ConfigSource, ConfigSourceState, WorkloadIdentity } from './source.js';
export { ControlPlaneClient } from './client.js';
export type { ControlPlaneClientOptions, ControlPlaneClientFiles, LogLevel } from './client.js';
export { ExponentialBackoff } from './backoff.js';
export type { BackoffOptions } from './backoff.js';
export {
  CertificateRefusedError,
  ClientClosedError,
  CONFIG_ERR_CERTIFICATE_REFUSED,
  CONFIG_ERR_CLIENT_CLOSED,
} from './errors.js';
export * from './naming.js';
export { createKeyAndCsr, workloadKeyAlgorithm } from './x509.js';
export type { KeyAndCsr } from './x509.js';
