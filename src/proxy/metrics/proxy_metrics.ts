/**
 * ProxyMetrics: every metric the sidecar exports on /stats/prometheus, named in one style
 * (`meshplane_proxy_<what>_<unit>`). docs/proxy.md lists them; the SMI TrafficMetrics API reads
 * requests_total and request_duration_seconds: on inbound the caller's source_identity (SPIFFE ID)
 * and source_instance (the node id in its certificate's CN), on outbound the destination_service and
 * the destination_instance that answered, so edges get per-pod counts and latencies.
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

/**
 * RequestStats is what one (direction, cluster, peer) records per finished request. On outbound the
 * series are also kept per destination instance (the endpoint that answered), so that the mesh can
 * tell pod-to-pod edges apart; the peer instance of inbound requests is part of the peer.
 */
export class RequestStats {
  private readonly codes = new Map<string, Counter>();
  private readonly latencies = new Map<string, LatencyRecorder>();

  constructor(
    private readonly requests: Family<Counter>,
    private readonly duration: Family<PrometheusHistogram>,
    /** direction, cluster, virtual_host, source_identity, source_instance, destination_service. */
    private readonly labels: readonly string[],
    private readonly perDestination: boolean,
  ) {}

  /**
   * done counts one finished request with its status code, (for local replies) reason and, on
   * outbound, the instance of the endpoint that served it ('' when none did).
   */
  done(status: number, reason: string, latencyUs: number, destinationInstance = ''): void {
    const instance = this.perDestination ? destinationInstance : '';
    const key = `${instance}|${status}|${reason}`;
    let c = this.codes.get(key);
    if (!c) {
      c = this.requests.get(...this.labels, instance, String(status), reason);
      this.codes.set(key, c);
    }
    c.value++;
    let h = this.latencies.get(instance);
    if (!h) {
      h = this.duration.get(...this.labels, instance);
      this.latencies.set(instance, h);
    }
    h.record(latencyUs);
  }
}

export class ProxyMetrics {
  readonly registry = new MetricsRegistry();
  readonly requests = this.registry.counter(
    'meshplane_proxy_requests_total',
    'Requests finished, by direction, cluster, peer, status code and local-reply reason.',
    [
      'direction',
      'cluster',
      'virtual_host',
      'source_identity',
      'source_instance',
      'destination_service',
      'destination_instance',
      'code',
      'reason',
    ],
  );
  readonly duration = this.registry.histogram(
    'meshplane_proxy_request_duration_seconds',
    'Time from the request head to the last response byte, by direction, cluster and peer.',
    [
      'direction',
      'cluster',
      'virtual_host',
      'source_identity',
      'source_instance',
      'destination_service',
      'destination_instance',
    ],
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

  /**
   * forRequests returns the recorder of one (direction, cluster, peer), creating it once. The peer is
   * the caller on inbound (SPIFFE ID, and its instance: the node id its certificate names) and the
   * destination service FQDN on outbound, where the route's virtual host (the service the app asked
   * for: a TrafficSplit's apex) is kept too.
   */
  forRequests(
    direction: Direction,
    cluster: string,
    peer: string,
    detail: { peerInstance?: string; virtualHost?: string } = {},
  ): RequestStats {
    const instance = detail.peerInstance ?? '';
    const vhost = detail.virtualHost ?? '';
    const key = `${direction}\u0000${cluster}\u0000${peer}\u0000${instance}\u0000${vhost}`;
    let s = this.requestStats.get(key);
    if (!s) {
      const labels =
        direction === 'inbound'
          ? [direction, cluster, vhost, peer, instance, '']
          : [direction, cluster, vhost, '', '', peer];
      s = new RequestStats(this.requests, this.duration, labels, direction === 'outbound');
      this.requestStats.set(key, s);
    }
    return s;
  }

  render(): string {
    return this.registry.render();
  }
}

export type { Counter, Gauge, PrometheusHistogram };
