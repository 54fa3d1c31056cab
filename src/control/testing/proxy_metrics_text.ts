/**
 * Prometheus text in the sidecar's exact format (meshplane_proxy_requests_total and the
 * meshplane_proxy_request_duration_seconds histogram, as the proxy's metrics registry renders them:
 * empty labels left out, cumulative buckets with `le` in seconds, `_sum`, `_count`), built from
 * requests a test records; and a loopback server that serves it on /stats/prometheus.
 * @module
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** The proxy's latency buckets in microseconds (50 µs to 10 s). */
const BUCKETS_US = [
  50, 100, 250, 500, 1_000, 2_500, 5_000, 10_000, 25_000, 50_000, 100_000, 250_000, 500_000, 1_000_000,
  2_500_000, 5_000_000, 10_000_000,
];

interface Histogram {
  labels: string[];
  counts: number[];
  sumUs: number;
  count: number;
}

function num(v: number): string {
  return Number.isInteger(v) ? String(v) : v.toPrecision(12).replace(/\.?0+$/, '');
}

function labelText(names: string[], values: string[], extra?: string): string {
  const parts = names.flatMap((n, i) =>
    values[i] ? [`${n}="${values[i]!.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`] : [],
  );
  if (extra) parts.push(extra);
  return parts.length ? `{${parts.join(',')}}` : '';
}

/** What a request is labelled with beyond its direction, cluster and peer (current sidecars). */
export interface RequestDetail {
  /** inbound: the caller's node id (`<name>.<namespace>`); outbound: the instance that answered. */
  instance?: string;
  /** outbound: the route's virtual host, `<fqdn>:<port>`. */
  virtualHost?: string;
}

/**
 * ProxyMetricsText records finished requests the way one sidecar counts them. By default in the
 * first sidecar format (peer labels on the counter only, one histogram per direction and cluster);
 * with `{ peerLabels: true }` as today's sidecar renders them (virtual host, peer and instance
 * labels on the counter and the histogram).
 */
export class ProxyMetricsText {
  readonly #requests = new Map<string, { labels: string[]; value: number }>();
  readonly #durations = new Map<string, Histogram>();
  readonly #peerLabels: boolean;

  constructor(options: { peerLabels?: boolean } = {}) {
    this.#peerLabels = options.peerLabels ?? false;
  }

  /**
   * record counts one finished request: inbound with the caller's SPIFFE ID as `peer`, outbound with
   * the destination service FQDN.
   */
  record(
    direction: 'inbound' | 'outbound',
    cluster: string,
    peer: string,
    code: number,
    latencyUs: number,
    reason = '',
    detail: RequestDetail = {},
  ): void {
    const instance = detail.instance ?? '';
    const series = this.#peerLabels
      ? direction === 'inbound'
        ? [direction, cluster, '', peer, instance, '', '']
        : [direction, cluster, detail.virtualHost ?? '', '', '', peer, instance]
      : direction === 'inbound'
        ? [direction, cluster, peer, '']
        : [direction, cluster, '', peer];
    const labels = [...series, String(code), reason];
    const key = labels.join('\u0000');
    const counter = this.#requests.get(key) ?? { labels, value: 0 };
    counter.value++;
    this.#requests.set(key, counter);
    const hLabels = this.#peerLabels ? series : [direction, cluster];
    const hKey = hLabels.join('\u0000');
    const h = this.#durations.get(hKey) ?? {
      labels: hLabels,
      counts: BUCKETS_US.map(() => 0).concat(0),
      sumUs: 0,
      count: 0,
    };
    let i = 0;
    while (i < BUCKETS_US.length && latencyUs > BUCKETS_US[i]!) i++;
    h.counts[i]!++;
    h.sumUs += latencyUs;
    h.count++;
    this.#durations.set(hKey, h);
  }

  /** reset forgets everything, as a restarted proxy does. */
  reset(): void {
    this.#requests.clear();
    this.#durations.clear();
  }

  render(): string {
    const out = [
      '# HELP meshplane_proxy_requests_total Requests finished, by direction, cluster, peer, status code and local-reply reason.',
      '# TYPE meshplane_proxy_requests_total counter',
    ];
    const peerNames = this.#peerLabels
      ? ['virtual_host', 'source_identity', 'source_instance', 'destination_service', 'destination_instance']
      : ['source_identity', 'destination_service'];
    const names = ['direction', 'cluster', ...peerNames, 'code', 'reason'];
    for (const { labels, value } of this.#requests.values())
      out.push(`meshplane_proxy_requests_total${labelText(names, labels)} ${value}`);
    out.push(
      '# HELP meshplane_proxy_request_duration_seconds Time from the request head to the last response byte, per cluster.',
      '# TYPE meshplane_proxy_request_duration_seconds histogram',
    );
    const hNames = this.#peerLabels ? ['direction', 'cluster', ...peerNames] : ['direction', 'cluster'];
    for (const h of this.#durations.values()) {
      let cumulative = 0;
      h.counts.forEach((c, i) => {
        cumulative += c;
        const le = i < BUCKETS_US.length ? num(BUCKETS_US[i]! / 1e6) : '+Inf';
        out.push(
          `meshplane_proxy_request_duration_seconds_bucket${labelText(hNames, h.labels, `le="${le}"`)} ${cumulative}`,
        );
      });
      out.push(
        `meshplane_proxy_request_duration_seconds_sum${labelText(hNames, h.labels)} ${num(h.sumUs / 1e6)}`,
      );
      out.push(`meshplane_proxy_request_duration_seconds_count${labelText(hNames, h.labels)} ${h.count}`);
    }
    out.push(
      '# HELP meshplane_proxy_listener_up 1 when the listener is bound, 0 when binding failed.',
      '# TYPE meshplane_proxy_listener_up gauge',
      'meshplane_proxy_listener_up{listener="inbound"} 1',
    );
    return out.join('\n') + '\n';
  }
}

/** serveProxyMetrics answers GET /stats/prometheus on 127.0.0.1 with the text's current state. */
export async function serveProxyMetrics(
  metrics: ProxyMetricsText,
): Promise<{ port: number; close: () => Promise<void> }> {
  const server: Server = createServer((req, res) => {
    if (req.url !== '/stats/prometheus') return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end(metrics.render());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
