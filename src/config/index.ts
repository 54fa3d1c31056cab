/**
 * The proxy-config contract: the only thing the control plane and the proxy share.
 * @module
 */
export type * from './types.js';
export { configServices, packageDefinition, protoPath, loaderOptions } from './proto.js';
export type { ConfigServices } from './proto.js';
export type { ConfigSource, ConfigSourceState, WorkloadIdentity } from './source.js';
