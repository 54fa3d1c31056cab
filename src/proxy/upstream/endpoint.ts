/**
 * Endpoint: one upstream address of a Cluster at run time, with what outlives a snapshot swap:
 * in-flight request count (least-request), outlier state and its connection pools.
 * @module
 */
import type { Endpoint as EndpointConfig } from '../../config/index.js';

/** ConnectionPool is what an Endpoint holds per protocol; closeIdle lets a removed endpoint drain. */
export interface ConnectionPool {
  /** retire closes idle connections now and the busy ones as they finish. */
  retire(): void;
  /** sweep closes connections idle past their keep-alive deadline. */
  sweep(now: number): void;
}

export class Endpoint {
  readonly address: string;
  readonly port: number;
  /** expected SPIFFE ID of the peer when the cluster uses mTLS. */
  readonly identity: string;
  readonly weight: number;
  readonly instance: string;
  /** requests in flight on this endpoint (least-request balancing). */
  active = 0;
  /** failures (5xx or connect) in a row; reset by a success. */
  consecutiveErrors = 0;
  /** clock time until which the endpoint is ejected; 0 = not ejected. */
  ejectedUntil = 0;
  timesEjected = 0;
  /** last TLS session ticket from this endpoint, for resumption (abbreviated handshakes). */
  tlsSession: { generation: number; ticket: Buffer } | undefined;
  /** pools by protocol ('h1', 'h2', ...), created on first use. */
  readonly pools = new Map<string, ConnectionPool>();

  constructor(
    readonly key: string,
    config: EndpointConfig,
  ) {
    this.address = config.address;
    this.port = config.port;
    this.identity = config.identity;
    this.weight = config.weight || 1;
    this.instance = config.instance;
  }

  /** retire drains every pool (the endpoint left the config). */
  retire(): void {
    for (const p of this.pools.values()) p.retire();
    this.pools.clear();
  }
}

/** endpointKey identifies an endpoint across snapshots: same cluster, address, port, identity, mTLS. */
export function endpointKey(cluster: string, mtls: boolean, e: EndpointConfig): string {
  return `${cluster}|${e.address}:${e.port}|${mtls ? e.identity || '*' : 'plain'}`;
}
