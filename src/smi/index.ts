/**
 * Public surface of the SMI model: every SMI kind and version read, validated and converted into
 * one canonical (hub-version) model; the semantics the control plane needs (weights → shares,
 * HTTP/TCP route matching, merging a split's route groups); TrafficMetrics shapes and serialisers.
 * Pure: no I/O.
 * @module
 */
export type {
  HTTPHeaderMatch,
  HTTPMatch,
  HTTPRouteGroup,
  HttpMethod,
  IdentityBindingSubject,
  ObjectMeta,
  ParsedSmiResource,
  PortMatch,
  RouteKind,
  SmiKind,
  SmiResource,
  SmiVersion,
  SubjectKind,
  TCPRoute,
  TrafficSplit,
  TrafficSplitBackend,
  TrafficSplitMatch,
  TrafficTarget,
  TrafficTargetRule,
  UDPRoute,
} from './model.js';
export { HTTP_METHODS, HUB_VERSIONS, SMI_GROUPS, SUPPORTED_VERSIONS } from './model.js';
export type { ParseOptions } from './envelope.js';
export { isSmiApiVersion, parseSmiDocument, parseSmiResource } from './resource.js';
export { parseTrafficSplit } from './traffic_split.js';
export { parseTrafficTarget } from './traffic_target.js';
export { parseHTTPRouteGroup } from './http_route_group.js';
export { parseTCPRoute } from './tcp_route.js';
export { parseUDPRoute } from './udp_route.js';
export { toSmiManifest, type SmiManifest } from './serialize.js';
export { normaliseWeights, type BackendShare } from './weights.js';
export {
  compileHttpMatch,
  matchesHttpRequest,
  matchHttpRouteGroup,
  type CompiledHttpMatch,
  type HttpRequestInfo,
} from './http_match.js';
export { routeAllowsPort } from './port_match.js';
export {
  mergeSplitRoutes,
  splitSelector,
  type MergedHttpMatch,
  type MergedRoutes,
  type SplitSelector,
} from './route_merge.js';
export { compileRe2, translateRe2, type Re2Result } from './regex.js';
export { formatMilliQuantity, quantityToMilli, quantityToNumber } from './quantity.js';
export {
  METRICS_RESOURCES,
  metricsPath,
  trafficMetricsListToJson,
  trafficMetricsToJson,
  type MetricsBackend,
  type MetricsEdge,
  type ObjectReference,
  type TrafficMetricsListInput,
  type TrafficMetricsSample,
  type TrafficMetricsVersion,
} from './traffic_metrics.js';
