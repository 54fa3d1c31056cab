/**
 * Cluster at run time: its endpoints, balancer and outlier detection (eject an endpoint after N
 * consecutive 5xx or connect errors for base × times-ejected, never more than max_ejection_percent).
 * Built once per snapshot; Endpoint objects carry over between snapshots.
 * @module
 */
import type { Cluster as ClusterConfig, OutlierDetection } from '../../config/index.js';
import type { Clock } from '../clock.js';
import type { Counter, Gauge } from '../metrics/registry.js';
import { type Balancer, LeastRequestBalancer, RoundRobinBalancer } from './balancer.js';
import type { Endpoint } from './endpoint.js';

/** Outlier detection used when a cluster sets none. */
export const DEFAULT_OUTLIER_DETECTION: OutlierDetection = {
  consecutive_errors: 5,
  base_ejection_time_ms: 30_000,
  max_ejection_percent: 50,
};
/** An ejection never lasts longer than this. */
export const MAX_EJECTION_MS = 300_000;
export const DEFAULT_CONNECT_TIMEOUT_MS = 1_000;

/** ClusterMetrics are the series a cluster updates; undefined-free so the hot path does not branch. */
export interface ClusterMetrics {
  ejections: Counter;
  ejected: Gauge;
}

export class Cluster {
  readonly name: string;
  readonly service: string;
  readonly mtls: boolean;
  readonly connectTimeoutMs: number;
  readonly upstreamProtocol: ClusterConfig['upstream_protocol'];
  private readonly balancer: Balancer;
  private readonly consecutiveErrors: number;
  private readonly baseEjectionMs: number;
  private readonly maxEjectionPercent: number;
  private ejectedCount = 0;

  constructor(
    config: ClusterConfig,
    readonly endpoints: readonly Endpoint[],
    private readonly clock: Clock,
    private readonly metrics: ClusterMetrics,
    random: () => number = Math.random,
  ) {
    this.name = config.name;
    this.service = config.service;
    this.mtls = config.mtls;
    this.connectTimeoutMs = config.connect_timeout_ms || DEFAULT_CONNECT_TIMEOUT_MS;
    this.upstreamProtocol = config.upstream_protocol;
    const weighted = endpoints.some((e) => e.weight !== endpoints[0]!.weight);
    this.balancer =
      config.lb_policy === 'LEAST_REQUEST'
        ? new LeastRequestBalancer(random)
        : new RoundRobinBalancer(weighted);
    const od = config.outlier_detection ?? DEFAULT_OUTLIER_DETECTION;
    this.consecutiveErrors = od.consecutive_errors;
    this.baseEjectionMs = od.base_ejection_time_ms || DEFAULT_OUTLIER_DETECTION.base_ejection_time_ms;
    this.maxEjectionPercent = od.max_ejection_percent || DEFAULT_OUTLIER_DETECTION.max_ejection_percent;
    for (const e of endpoints) if (e.ejectedUntil > 0) this.ejectedCount++;
    metrics.ejected.set(this.ejectedCount);
  }

  /** pick returns a healthy endpoint, or undefined when there is none. */
  pick(exclude?: Endpoint): Endpoint | undefined {
    const all = this.endpoints;
    if (all.length === 0) return undefined;
    if (this.ejectedCount === 0) return this.balancer.pick(all, exclude);
    const now = this.clock.now();
    const healthy: Endpoint[] = [];
    for (const e of all) {
      if (e.ejectedUntil > 0 && e.ejectedUntil <= now) this.unEject(e);
      if (e.ejectedUntil === 0) healthy.push(e);
    }
    return healthy.length === 0 ? undefined : this.balancer.pick(healthy, exclude);
  }

  /** reportSuccess resets the endpoint's error streak. */
  reportSuccess(e: Endpoint): void {
    e.consecutiveErrors = 0;
  }

  /** reportFailure counts a 5xx or connect error and ejects the endpoint after enough in a row. */
  reportFailure(e: Endpoint): void {
    e.consecutiveErrors++;
    if (this.consecutiveErrors === 0 || e.ejectedUntil > 0 || e.consecutiveErrors < this.consecutiveErrors)
      return;
    if (((this.ejectedCount + 1) * 100) / this.endpoints.length > this.maxEjectionPercent) return;
    e.timesEjected++;
    e.ejectedUntil = this.clock.now() + Math.min(MAX_EJECTION_MS, this.baseEjectionMs * e.timesEjected);
    this.ejectedCount++;
    this.metrics.ejections.inc();
    this.metrics.ejected.set(this.ejectedCount);
  }

  private unEject(e: Endpoint): void {
    e.ejectedUntil = 0;
    e.consecutiveErrors = 0;
    this.ejectedCount--;
    this.metrics.ejected.set(this.ejectedCount);
  }
}
