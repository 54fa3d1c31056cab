/**
 * Platforms run workload instances. `local` supervises processes on this host, each replica on its
 * own loopback address with its sidecar.
 * @module
 */
export type * from './types.js';
export { LocalPlatform } from './local/platform.js';
export type { LocalPlatformOptions, LogRequest } from './local/platform.js';
export { AddressPool, DEFAULT_ADDRESS_RANGE } from './local/address_pool.js';
export { DEFAULT_RESTART_POLICY } from './local/process.js';
export type { RestartPolicy } from './local/process.js';
export { expandVariables } from './local/instance.js';
export * from './errors.js';
