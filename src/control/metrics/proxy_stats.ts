/**
 * The sidecar's metric contract, as far as TrafficMetrics needs it, and what one scrape of it says:
 *
 *   meshplane_proxy_requests_total{direction, cluster, virtual_host, source_identity,
 *                 source_instance, destination_service, destination_instance, code, reason}  counter
 *   meshplane_proxy_request_duration_seconds_bucket{direction, cluster[, virtual_host,
 *                 source_identity, source_instance, destination_service, destination_instance], le}
 *
 * `direction` is inbound (requests this proxy's workload served; `source_identity` = the caller's
 * SPIFFE ID, `source_instance` = its node id from the certificate) or outbound (requests it sent;
 * `destination_service` = the service FQDN, `destination_instance` = the instance of the endpoint
 * that answered, `virtual_host` = the route's virtual host `<fqdn>:<port>`, the service the app asked
 * for, which differs from the destination when a TrafficSplit sent it to a backend). `cluster` is `inbound|<port>` or `outbound|<port>||<fqdn>`; `code` the HTTP status
 * (0: no response). Label values that are empty are left out, as the proxy renders them; a proxy
 * without the instance or peer labels still counts, its edges are just coarser.
 * @module
 */
import type { PromSample } from './prometheus.js';

export const REQUESTS_TOTAL = 'meshplane_proxy_requests_total';
export const REQUEST_DURATION = 'meshplane_proxy_request_duration_seconds';

export type Direction = 'inbound' | 'outbound';

/** SeriesKey is what a request count or latency histogram is kept by. */
export interface SeriesKey {
  direction: Direction;
  cluster: string;
  /** Caller's SPIFFE ID (inbound); '' when the series does not say. */
  source: string;
  /** Virtual host of the route (outbound): `<apex fqdn>:<port>`; '' when the series does not say. */
  virtualHost: string;
  /** Caller's node id `<name>.<namespace>` (inbound); '' when the series does not say. */
  sourceInstance: string;
  /** Service FQDN (outbound); '' when the series does not say. */
  destination: string;
  /** Name of the instance that answered (outbound, in the service's namespace); '' when unknown. */
  destinationInstance: string;
}

/** RequestCount is a number of finished requests with one status code. */
export interface RequestCount extends SeriesKey {
  code: number;
  reason: string;
  count: number;
}

/** LatencyHistogram holds cumulative bucket counts by upper bound in microseconds (Infinity last). */
export interface LatencyHistogram extends SeriesKey {
  buckets: { leMicros: number; count: number }[];
  count: number;
}

/** ProxyStats is what one proxy reported, or the difference between two of its reports. */
export interface ProxyStats {
  requests: RequestCount[];
  latency: LatencyHistogram[];
}

function seriesKey(labels: Record<string, string>): SeriesKey | undefined {
  const direction = labels.direction;
  if (direction !== 'inbound' && direction !== 'outbound') return undefined;
  return {
    direction,
    cluster: labels.cluster ?? '',
    virtualHost: labels.virtual_host ?? '',
    source: labels.source_identity ?? '',
    sourceInstance: labels.source_instance ?? '',
    destination: labels.destination_service ?? '',
    destinationInstance: labels.destination_instance ?? '',
  };
}

/** readProxyStats picks the request counters and duration histograms out of a scrape. */
export function readProxyStats(samples: readonly PromSample[]): ProxyStats {
  const requests: RequestCount[] = [];
  const histograms = new Map<string, LatencyHistogram>();
  for (const s of samples) {
    if (s.name === REQUESTS_TOTAL) {
      const key = seriesKey(s.labels);
      const code = Number(s.labels.code ?? '0');
      if (key && Number.isFinite(s.value) && Number.isInteger(code))
        requests.push({ ...key, code, reason: s.labels.reason ?? '', count: s.value });
      continue;
    }
    const bucket = s.name === `${REQUEST_DURATION}_bucket`;
    if (!bucket && s.name !== `${REQUEST_DURATION}_count`) continue;
    const key = seriesKey(s.labels);
    if (!key || !Number.isFinite(s.value)) continue;
    const id = JSON.stringify(key);
    let h = histograms.get(id);
    if (!h) histograms.set(id, (h = { ...key, buckets: [], count: 0 }));
    if (!bucket) {
      h.count = s.value;
      continue;
    }
    const le = s.labels.le === '+Inf' ? Infinity : Number(s.labels.le);
    if (!Number.isNaN(le))
      h.buckets.push({ leMicros: le === Infinity ? le : Math.round(le * 1e6), count: s.value });
  }
  for (const h of histograms.values()) h.buckets.sort((a, b) => a.leMicros - b.leMicros);
  return { requests, latency: [...histograms.values()] };
}

/**
 * subtractStats is `current − baseline` per series. A series that went down (the proxy restarted
 * and its counters began again at zero) counts from zero; a series new since the baseline counts whole.
 */
export function subtractStats(current: ProxyStats, baseline: ProxyStats | undefined): ProxyStats {
  if (!baseline) return current;
  const before = new Map(baseline.requests.map((r) => [requestId(r), r.count]));
  const reset =
    current.requests.some((r) => r.count < (before.get(requestId(r)) ?? 0)) ||
    current.latency.some((h) => h.count < (baseline.latency.find((b) => sameKey(b, h))?.count ?? 0));
  if (reset) return current;
  return {
    requests: current.requests.map((r) => ({ ...r, count: r.count - (before.get(requestId(r)) ?? 0) })),
    latency: current.latency.map((h) => {
      const b = baseline.latency.find((x) => sameKey(x, h));
      if (!b) return h;
      const bucketsBefore = new Map(b.buckets.map((x) => [x.leMicros, x.count]));
      return {
        ...h,
        count: h.count - b.count,
        buckets: h.buckets.map((x) => ({ ...x, count: x.count - (bucketsBefore.get(x.leMicros) ?? 0) })),
      };
    }),
  };
}

function requestId(r: RequestCount): string {
  return `${seriesId(r)}\u0000${r.code}\u0000${r.reason}`;
}

function seriesId(k: SeriesKey): string {
  return `${k.direction}\u0000${k.cluster}\u0000${k.virtualHost}\u0000${k.source}\u0000${k.sourceInstance}\u0000${k.destination}\u0000${k.destinationInstance}`;
}

function sameKey(a: SeriesKey, b: SeriesKey): boolean {
  return seriesId(a) === seriesId(b);
}
