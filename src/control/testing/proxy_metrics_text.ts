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

/** ProxyMetricsText records finished requests the way one sidecar counts them. */
export class ProxyMetricsText {
  readonly #requests = new Map<string, { labels: string[]; value: number }>();
  readonly #durations = new Map<string, Histogram>();

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
  ): void {
    const labels =
      direction === 'inbound'
        ? [direction, cluster, peer, '', String(code), reason]
        : [direction, cluster, '', peer, String(code), reason];
    const key = labels.join('\u0000');
    const counter = this.#requests.get(key) ?? { labels, value: 0 };
    counter.value++;
    this.#requests.set(key, counter);
    const hKey = `${direction}\u0000${cluster}`;
    const h = this.#durations.get(hKey) ?? {
      labels: [direction, cluster],
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
    const names = ['direction', 'cluster', 'source_identity', 'destination_service', 'code', 'reason'];
    for (const { labels, value } of this.#requests.values())
      out.push(`meshplane_proxy_requests_total${labelText(names, labels)} ${value}`);
    out.push(
      '# HELP meshplane_proxy_request_duration_seconds Time from the request head to the last response byte, per cluster.',
      '# TYPE meshplane_proxy_request_duration_seconds histogram',
    );
    const hNames = ['direction', 'cluster'];
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
