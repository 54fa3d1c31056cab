/**
 * ListenerContext: what a listener's connections need from the proxy. The snapshot and the
 * listener's own config are read at the start of each request, so a swap applies to the next request
 * while in-flight ones finish on the snapshot they started with.
 * @module
 */
import type { Socket } from 'node:net';
import type { Listener } from '../../config/index.js';
import type { Clock } from '../clock.js';
import type { ProxyMetrics } from '../metrics/proxy_metrics.js';
import type { Snapshot } from '../snapshot/snapshot.js';
import type { IdentityStore } from '../tls/identity.js';
import type { Cluster } from '../upstream/cluster.js';
import type { Endpoint } from '../upstream/endpoint.js';
import type { Http1Pool } from '../http1/upstream_pool.js';
import type { Http2SessionPool } from '../http2/session_pool.js';

/** LocalReplyEvent describes a reply the proxy made itself, for the log. */
export interface LocalReplyEvent {
  listener: string;
  method: string;
  authority: string;
  path: string;
  status: number;
  reason: string;
  message: string;
}

/** AccessLogEntry describes one finished request (or TCP connection) for the access log. */
export interface AccessLogEntry {
  listener: string;
  protocol: 'HTTP/1.1' | 'HTTP/2' | 'TCP';
  method: string;
  authority: string;
  path: string;
  /** status code; 0 when the downstream went away or for TCP. */
  status: number;
  /** local-reply reason, empty when the upstream answered. */
  reason: string;
  durationUs: number;
  cluster: string;
  /** address:port of the last endpoint tried, empty when none was. */
  upstream: string;
  /** caller SPIFFE ID on inbound. */
  peer: string;
  tries: number;
}

export interface ProxyContext {
  readonly clock: Clock;
  /** every downstream socket accepted and still open, so close() can end them. */
  readonly sockets: Set<Socket>;
  readonly metrics: ProxyMetrics;
  readonly identity: IdentityStore;
  snapshot(): Snapshot;
  http1Pool(cluster: Cluster, endpoint: Endpoint): Http1Pool;
  http2Pool(cluster: Cluster, endpoint: Endpoint): Http2SessionPool;
  localReply(event: LocalReplyEvent): void;
  /** accessLog is set only when access logging is on, so the data path pays nothing otherwise. */
  readonly accessLog: ((entry: AccessLogEntry) => void) | undefined;
}

export interface ListenerContext extends ProxyContext {
  readonly name: string;
  /** config returns the listener's entry in the current snapshot. */
  config(): Listener;
}
