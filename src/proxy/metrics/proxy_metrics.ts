/**
 * ProxyMetrics: every metric the sidecar exports on /stats/prometheus, named in one style
 * (`meshplane_proxy_<what>_<unit>`). docs/proxy.md lists them; the SMI TrafficMetrics API reads
 * requests_total (source_identity on inbound, destination_service on outbound).
 * @module
 */
import {
  type Counter,
  type Family,
  type Gauge,
  type LatencyRecorder,
  MetricsRegistry,
  type PrometheusHistogram,
} from './registry.js';

/** Direction of a request as seen by this proxy. */
export type Direction = 'inbound' | 'outbound';

/** RequestStats is what one (direction, cluster, peer) pair records per finished request. */
export class RequestStats {
  private readonly codes = new Map<string, Counter>();

  constructor(
    private readonly family: Family<Counter>,
    private readonly labels: readonly string[],
    readonly latency: LatencyRecorder,
  ) {}

  /** done counts one finished request with its status code and (for local replies) reason. */
  done(status: number, reason: string, latencyUs: number): void {
    const key = reason === '' ? String(status) : `${status}|${reason}`;
    let c = this.codes.get(key);
    if (!c) {
      c = this.family.get(...this.labels, String(status), reason);
      this.codes.set(key, c);
    }
    c.value++;
    this.latency.record(latencyUs);
  }
}

export class ProxyMetrics {
  readonly registry = new MetricsRegistry();
  readonly requests = this.registry.counter(
    'meshplane_proxy_requests_total',
    'Requests finished, by direction, cluster, peer, status code and local-reply reason.',
    ['direction', 'cluster', 'source_identity', 'destination_service', 'code', 'reason'],
  );
  readonly duration = this.registry.histogram(
    'meshplane_proxy_request_duration_seconds',
    'Time from the request head to the last response byte, per cluster.',
    ['direction', 'cluster'],
  );
  readonly downstreamTotal = this.registry.counter(
    'meshplane_proxy_downstream_connections_total',
    'Connections accepted, by listener.',
    ['listener'],
  );
  readonly downstreamActive = this.registry.gauge(
    'meshplane_proxy_downstream_connections_active',
    'Connections open now, by listener.',
    ['listener'],
  );
  readonly upstreamTotal = this.registry.counter(
    'meshplane_proxy_upstream_connections_total',
    'Upstream connections opened, by cluster.',
    ['cluster'],
  );
  readonly upstreamActive = this.registry.gauge(
    'meshplane_proxy_upstream_connections_active',
    'Upstream connections open now (busy or idle in the pool), by cluster.',
    ['cluster'],
  );
  readonly connectFailures = this.registry.counter(
    'meshplane_proxy_upstream_connect_failures_total',
    'Upstream connection attempts that failed (refused, timed out, TLS or identity mismatch).',
    ['cluster'],
  );
  readonly retries = this.registry.counter(
    'meshplane_proxy_retries_total',
    'Requests retried, by cluster and what triggered the retry.',
    ['cluster', 'reason'],
  );
  readonly retryBudgetExhausted = this.registry.counter(
    'meshplane_proxy_retry_budget_exhausted_total',
    'Retries not made because the retry budget was spent.',
    ['cluster'],
  );
  readonly ejections = this.registry.counter(
    'meshplane_proxy_outlier_ejections_total',
    'Endpoints ejected by outlier detection.',
    ['cluster'],
  );
  readonly ejected = this.registry.gauge(
    'meshplane_proxy_outlier_ejected_endpoints',
    'Endpoints ejected now.',
    ['cluster'],
  );
  readonly configUpdates = this.registry.counter(
    'meshplane_proxy_config_updates_total',
    'Config snapshots received, by result (ack or nack).',
    ['result'],
  );
  readonly configInfo = this.registry.gauge(
    'meshplane_proxy_config_info',
    'Always 1; the version label is the snapshot being served.',
    ['version'],
  );
  readonly tlsFailures = this.registry.counter(
    'meshplane_proxy_tls_handshake_failures_total',
    'TLS handshakes that failed: side=downstream on inbound listeners (plaintext, no or foreign-CA client certificate), side=upstream on mTLS connects (by cluster).',
    ['side', 'listener', 'cluster'],
  );
  readonly tlsResumed = this.registry.counter(
    'meshplane_proxy_upstream_tls_resumed_total',
    'Upstream mTLS connections that resumed an earlier session (abbreviated handshake).',
    ['cluster'],
  );
  readonly identityExpiry = this.registry.gauge(
    'meshplane_proxy_identity_expiry_timestamp_seconds',
    'Unix time at which the current workload certificate expires.',
  );
  readonly identityRotations = this.registry.counter(
    'meshplane_proxy_identity_rotations_total',
    'Workload certificates installed (the first one and every rotation).',
  );
  readonly tcpConnections = this.registry.counter(
    'meshplane_proxy_tcp_connections_total',
    'TCP pass-through (and CONNECT) connections, by direction and cluster.',
    ['direction', 'cluster'],
  );
  readonly tcpBytes = this.registry.counter(
    'meshplane_proxy_tcp_bytes_total',
    'Bytes passed through TCP connections, by direction, cluster and flow (sent upstream, received).',
    ['direction', 'cluster', 'flow'],
  );
  readonly listenerUp = this.registry.gauge(
    'meshplane_proxy_listener_up',
    '1 when the listener is bound, 0 when binding failed.',
    ['listener'],
  );

  private readonly requestStats = new Map<string, RequestStats>();

  /** forRequests returns the per-(direction, cluster, peer) recorder, creating it once. */
  forRequests(direction: Direction, cluster: string, peer: string): RequestStats {
    const key = `${direction}\u0000${cluster}\u0000${peer}`;
    let s = this.requestStats.get(key);
    if (!s) {
      const labels =
        direction === 'inbound' ? [direction, cluster, peer, ''] : [direction, cluster, '', peer];
      s = new RequestStats(this.requests, labels, this.duration.get(direction, cluster));
      this.requestStats.set(key, s);
    }
    return s;
  }

  render(): string {
    return this.registry.render();
  }
}

export type { Counter, Gauge, PrometheusHistogram };
