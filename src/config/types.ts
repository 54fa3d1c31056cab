/**
 * TypeScript shapes of the messages in proxy_config.proto, as @grpc/proto-loader decodes them with
 * `keepCase`, `enums: String`, `longs: Number` and `defaults` (every field present). Kept by hand so the
 * names read like the proto; proto.test.ts checks they stay in step with the .proto file.
 * @module
 */

export interface Node {
  id: string;
  namespace: string;
  workload: string;
  service_account: string;
  address: string;
  labels: Record<string, string>;
  proxy_version: string;
}

export interface Status {
  code: number;
  message: string;
}

export interface ConfigRequest {
  node: Node | null;
  version_info: string;
  response_nonce: string;
  error_detail: Status | null;
}

export interface ConfigResponse {
  version_info: string;
  nonce: string;
  config: ProxyConfig | null;
}

export interface CertificateRequest {
  node: Node | null;
  csr_pem: string;
  bootstrap_token: string;
}

export interface CertificateResponse {
  certificate_chain_pem: string;
  trust_bundle_pem: string;
  spiffe_id: string;
  not_after_unix_ms: number;
}

export interface ProxyConfig {
  version: string;
  mesh: MeshSettings | null;
  listeners: Listener[];
  route_tables: RouteTable[];
  clusters: Cluster[];
  policies: AuthorizationPolicy[];
}

export type AccessMode = 'ACCESS_MODE_UNSPECIFIED' | 'ACCESS_MODE_PERMISSIVE' | 'ACCESS_MODE_ENFORCED';

export interface MeshSettings {
  trust_domain: string;
  access_mode: AccessMode;
}

export type ListenerDirection = 'DIRECTION_UNSPECIFIED' | 'OUTBOUND' | 'INBOUND';
export type ListenerProtocol = 'PROTOCOL_UNSPECIFIED' | 'HTTP' | 'TCP';

export interface Listener {
  name: string;
  address: string;
  port: number;
  direction: ListenerDirection;
  protocol: ListenerProtocol;
  route_table: string;
  tcp_cluster: string;
  local_cluster: string;
  /** OUTBOUND TCP split per connection (SMI TrafficSplit); when non-empty it replaces tcp_cluster. */
  tcp_clusters: WeightedCluster[];
}

export interface RouteTable {
  name: string;
  virtual_hosts: VirtualHost[];
}

export interface VirtualHost {
  name: string;
  domains: string[];
  routes: Route[];
}

export interface Route {
  name: string;
  match: RouteMatch | null;
  action: RouteAction | null;
}

export interface RouteMatch {
  path_regex: string;
  methods: string[];
  headers: HeaderMatch[];
}

export interface HeaderMatch {
  name: string;
  value_regex: string;
}

export interface RouteAction {
  clusters: WeightedCluster[];
  timeout_ms: number;
  retry: RetryPolicy | null;
}

export interface WeightedCluster {
  cluster: string;
  weight: number;
}

export interface RetryPolicy {
  max_retries: number;
  per_try_timeout_ms: number;
  budget_ratio: number;
  min_retries_per_second: number;
}

export type LbPolicy = 'LB_POLICY_UNSPECIFIED' | 'ROUND_ROBIN' | 'LEAST_REQUEST';
export type UpstreamProtocol = 'UPSTREAM_PROTOCOL_UNSPECIFIED' | 'HTTP1' | 'HTTP2';

export interface Cluster {
  name: string;
  service: string;
  lb_policy: LbPolicy;
  endpoints: Endpoint[];
  connect_timeout_ms: number;
  mtls: boolean;
  upstream_protocol: UpstreamProtocol;
  outlier_detection: OutlierDetection | null;
}

export interface Endpoint {
  address: string;
  port: number;
  identity: string;
  weight: number;
  instance: string;
  labels: Record<string, string>;
}

export interface OutlierDetection {
  consecutive_errors: number;
  base_ejection_time_ms: number;
  max_ejection_percent: number;
}

export interface AuthorizationPolicy {
  name: string;
  source_identities: string[];
  http_matches: RouteMatch[];
  tcp_matches: TcpMatch[];
}

export interface TcpMatch {
  ports: number[];
}
