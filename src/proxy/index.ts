/**
 * The sidecar proxy (data plane): SidecarProxy applies snapshots from a ConfigSource and serves the
 * outbound, inbound, TCP and admin listeners. StaticConfigSource runs it without a control plane.
 * @module
 */
export { SidecarProxy } from './proxy.js';
export type { SidecarProxyOptions, SidecarProxyEvents, ConfigEvent, IdentityEvent } from './proxy.js';
export type { ListenerStatus, ListenerState } from './listeners/manager.js';
export type { AccessLogEntry, LocalReplyEvent } from './listeners/context.js';
export {
  StaticConfigSource,
  staticSourceFromFiles,
  loadConfigFile,
  loadIdentityFiles,
} from './snapshot/static_source.js';
export type { StaticFiles } from './snapshot/static_source.js';
export { normalizeProxyConfig } from './snapshot/normalize.js';
export { validateProxyConfig } from './snapshot/validate.js';
export { ProxyError, ProxyErrorCode, REASON_HEADER, rescue } from './errors.js';
export type { LocalReply } from './errors.js';
export { XFCC_HEADER } from './http1/dispatchers.js';
export { ALPN_H2, ALPN_HTTP1, ALPN_TCP } from './tls/identity.js';
export { systemClock } from './clock.js';
export type { Clock, Timer } from './clock.js';
export type { LatencyRecorder } from './metrics/registry.js';
