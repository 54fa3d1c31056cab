/**
 * The config compiler: a pure function from the mesh (resources + instances) and one proxy to that
 * proxy's ProxyConfig snapshot. No sockets, timers or clocks; the same input gives the same snapshot
 * and the same version (a hash of the content), so an unchanged mesh never pushes a new version.
 *
 * Every proxy sees every service in the mesh:
 *   listeners    outbound (HTTP, :15001), inbound (mTLS, :15006 → inbound|<app port>),
 *                one TCP listener per Workload spec.upstreams entry (localPort → service cluster,
 *                or the weighted backends of a TrafficSplit in tcp_clusters)
 *   route table  "outbound": one virtual host per HTTP service port, found by authority; an apex
 *                service of a TrafficSplit routes to its weighted backends (./smi/split.ts)
 *   clusters     outbound|<port>||<fqdn> per service port (mTLS to peers' :15006), inbound|<port>
 *   policies     the TrafficTargets whose destination is this proxy's service account (./smi/access.ts)
 * @module
 */
import { createHash } from 'node:crypto';
import {
  inboundClusterName,
  outboundClusterName,
  serviceFqdn,
  spiffeId,
  virtualHostDomains,
  type AccessMode,
  type Cluster,
  type Endpoint,
  type Listener,
  type ProxyConfig,
  type RetryPolicy,
  type Route,
  type UpstreamProtocol,
  type VirtualHost,
  type WeightedCluster,
} from '../config/index.js';
import type { InstanceRecord } from './registry.js';
import {
  matchesSelector,
  type ServicePort,
  type ServiceResource,
  type WorkloadResource,
} from './resources/types.js';
import { compileAccessPolicies } from './smi/access.js';
import { splitRoutes, splitsByApex, tcpSplit } from './smi/split.js';
import { EMPTY_SMI, type SmiState } from './smi/state.js';

/** MeshView is everything the compiler reads. */
export interface MeshView {
  trustDomain: string;
  /**
   * ENFORCED (default): a workload accepts only what a TrafficTarget allows. PERMISSIVE: every
   * authenticated mesh peer may call every workload.
   */
  accessMode?: AccessMode;
  services: ServiceResource[];
  workloads: WorkloadResource[];
  instances: InstanceRecord[];
  /** SMI resources; none when absent. */
  smi?: SmiState;
}

/** DEFAULT_ACCESS_MODE is the access mode of a new mesh. */
export const DEFAULT_ACCESS_MODE: AccessMode = 'ACCESS_MODE_ENFORCED';

/** OUTBOUND_ROUTE_TABLE is the route table the outbound listener uses. */
export const OUTBOUND_ROUTE_TABLE = 'outbound';
export const CONNECT_TIMEOUT_MS = 1000;
export const DEFAULT_RETRY: RetryPolicy = {
  max_retries: 2,
  per_try_timeout_ms: 0,
  budget_ratio: 0.2,
  min_retries_per_second: 10,
};

/** ServiceEndpoint is one instance behind one service port. */
export interface ServiceEndpoint {
  instance: InstanceRecord;
  ready: boolean;
}

/** selectedInstances lists the instances a Service selects, ready or not, in address order. */
export function selectedInstances(service: ServiceResource, instances: InstanceRecord[]): ServiceEndpoint[] {
  return instances
    .filter(
      (i) => i.namespace === service.metadata.namespace && matchesSelector(service.spec.selector, i.labels),
    )
    .map((instance) => ({ instance, ready: instance.ready && instance.phase !== 'Terminating' }))
    .sort((a, b) => compareAddresses(a.instance.address, b.instance.address));
}

/** compileProxyConfig builds the snapshot for the proxy of instance `self`. */
export function compileProxyConfig(view: MeshView, self: InstanceRecord): ProxyConfig {
  const services = [...view.services].sort((a, b) => fqdnOf(a).localeCompare(fqdnOf(b)));
  const smi = view.smi ?? EMPTY_SMI;
  const splits = splitsByApex(services, smi);
  const splitOf = (svc: ServiceResource) => splits.get(`${svc.metadata.namespace}/${svc.metadata.name}`);
  const listeners: Listener[] = [
    listener('outbound', self.address, self.outboundPort, 'OUTBOUND', 'HTTP', {
      route_table: OUTBOUND_ROUTE_TABLE,
    }),
    listener('inbound', self.address, self.inboundPort, 'INBOUND', inboundProtocol(services, self), {
      local_cluster: inboundClusterName(self.port),
    }),
  ];
  const workload = view.workloads.find(
    (w) => w.metadata.namespace === self.namespace && w.metadata.name === self.workload,
  );
  for (const upstream of workload?.spec.upstreams ?? []) {
    const svc = services.find(
      (s) => s.metadata.namespace === upstream.namespace && s.metadata.name === upstream.service,
    );
    if (!svc || !svc.spec.ports.some((p) => p.port === upstream.port)) continue; // deleted since; nothing to reach
    const split = splitOf(svc);
    const weighted = split && tcpSplit(split, upstream.port);
    const heaviest = weighted?.reduce((a, b) => (b.weight > a.weight ? b : a));
    listeners.push(
      listener(`upstream|${upstream.localPort}`, self.address, upstream.localPort, 'OUTBOUND', 'TCP', {
        tcp_cluster: heaviest?.cluster ?? outboundClusterName(upstream.port, fqdnOf(svc)),
        tcp_clusters: weighted ?? [],
      }),
    );
  }

  const virtualHosts: VirtualHost[] = [];
  const clusters: Cluster[] = [];
  for (const svc of services) {
    const endpoints = selectedInstances(svc, view.instances).filter((e) => e.ready);
    for (const port of svc.spec.ports) {
      const clusterName = outboundClusterName(port.port, fqdnOf(svc));
      clusters.push(outboundCluster(view.trustDomain, svc, port, clusterName, endpoints));
      if (port.appProtocol === 'tcp') continue;
      const split = splitOf(svc);
      virtualHosts.push({
        name: `${fqdnOf(svc)}:${port.port}`,
        domains: virtualHostDomains(svc.metadata.name, svc.metadata.namespace, port.port, self.namespace),
        routes: (split && splitRoutes(split, port.port, clusterName, routeAction)) ?? [
          defaultRoute(clusterName),
        ],
      });
    }
  }
  clusters.push({
    name: inboundClusterName(self.port),
    service: '',
    lb_policy: 'ROUND_ROBIN',
    endpoints: [
      { address: self.address, port: self.port, identity: '', weight: 1, instance: self.name, labels: {} },
    ],
    connect_timeout_ms: CONNECT_TIMEOUT_MS,
    mtls: false,
    upstream_protocol: 'UPSTREAM_PROTOCOL_UNSPECIFIED',
    outlier_detection: null,
  });

  const config: ProxyConfig = {
    version: '',
    mesh: { trust_domain: view.trustDomain, access_mode: view.accessMode ?? DEFAULT_ACCESS_MODE },
    listeners,
    route_tables: [{ name: OUTBOUND_ROUTE_TABLE, virtual_hosts: virtualHosts }],
    clusters,
    policies: compileAccessPolicies(view.trustDomain, smi, services, self),
  };
  config.version = configVersion(config);
  return config;
}

/** configVersion is the first 16 hex digits of SHA-256 over the snapshot without its version. */
export function configVersion(config: ProxyConfig): string {
  return createHash('sha256')
    .update(JSON.stringify({ ...config, version: '' }))
    .digest('hex')
    .slice(0, 16);
}

function fqdnOf(svc: ServiceResource): string {
  return serviceFqdn(svc.metadata.name, svc.metadata.namespace);
}

function listener(
  name: string,
  address: string,
  port: number,
  direction: Listener['direction'],
  protocol: Listener['protocol'],
  targets: Partial<Pick<Listener, 'route_table' | 'tcp_cluster' | 'local_cluster' | 'tcp_clusters'>>,
): Listener {
  return {
    name,
    address,
    port,
    direction,
    protocol,
    route_table: '',
    tcp_cluster: '',
    local_cluster: '',
    tcp_clusters: [],
    ...targets,
  };
}

/** inboundProtocol is TCP only when every Service port that selects this instance is opaque TCP. */
function inboundProtocol(services: ServiceResource[], self: InstanceRecord): Listener['protocol'] {
  const ports = services
    .filter((s) => s.metadata.namespace === self.namespace && matchesSelector(s.spec.selector, self.labels))
    .flatMap((s) => s.spec.ports);
  return ports.length > 0 && ports.every((p) => p.appProtocol === 'tcp') ? 'TCP' : 'HTTP';
}

function defaultRoute(cluster: string): Route {
  return {
    name: 'default',
    match: { path_regex: '', methods: [], headers: [] },
    action: routeAction([{ cluster, weight: 100 }]),
  };
}

function routeAction(clusters: WeightedCluster[]): NonNullable<Route['action']> {
  return { clusters, timeout_ms: 0, retry: { ...DEFAULT_RETRY } };
}

function outboundCluster(
  trustDomain: string,
  svc: ServiceResource,
  port: ServicePort,
  name: string,
  endpoints: ServiceEndpoint[],
): Cluster {
  const upstream: Record<ServicePort['appProtocol'], UpstreamProtocol> = {
    http: 'UPSTREAM_PROTOCOL_UNSPECIFIED',
    http2: 'HTTP2',
    grpc: 'HTTP2',
    tcp: 'UPSTREAM_PROTOCOL_UNSPECIFIED',
  };
  return {
    name,
    service: fqdnOf(svc),
    lb_policy: 'LEAST_REQUEST',
    endpoints: endpoints.map(({ instance }): Endpoint => ({
      address: instance.address,
      port: instance.inboundPort,
      identity: spiffeId(trustDomain, instance.namespace, instance.serviceAccount),
      weight: 1,
      instance: instance.name,
      labels: sortedLabels(instance.labels),
    })),
    connect_timeout_ms: CONNECT_TIMEOUT_MS,
    mtls: true,
    upstream_protocol: upstream[port.appProtocol],
    outlier_detection: { consecutive_errors: 5, base_ejection_time_ms: 30_000, max_ejection_percent: 50 },
  };
}

/** sortedLabels copies labels in key order, so equal label sets hash the same. */
function sortedLabels(labels: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** compareAddresses orders dotted IPv4 addresses numerically. */
function compareAddresses(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < 4; i++) if (pa[i] !== pb[i]) return (pa[i] ?? 0) - (pb[i] ?? 0);
  return 0;
}
