/**
 * openTunnel passes bytes between a downstream socket and an endpoint of a cluster: plain TCP
 * listeners, CONNECT on the outbound listener (answered "200 Connection Established" once the
 * upstream is up), and meshplane-tcp connections on the inbound listener. Connect failures try
 * another endpoint up to `retries` times.
 * @module
 */
import type { Socket } from 'node:net';
import { ProxyError, ProxyErrorCode, rescue } from '../errors.js';
import { localReplyText } from '../http1/server_connection.js';
import type { ProxyContext } from '../listeners/context.js';
import type { Direction } from '../metrics/proxy_metrics.js';
import { ALPN_TCP } from '../tls/identity.js';
import type { Cluster } from '../upstream/cluster.js';
import { connectUpstream } from '../upstream/connector.js';
import type { Endpoint } from '../upstream/endpoint.js';

export interface TunnelOptions {
  direction: Direction;
  /** true for CONNECT: answer 200 on success and a local reply on failure. */
  connect: boolean;
  retries: number;
  /** listener name, for local-reply events. */
  listener?: string;
}

export function openTunnel(
  down: Socket,
  rest: Buffer,
  cluster: Cluster,
  ctx: ProxyContext,
  opts: TunnelOptions,
): void {
  const m = ctx.metrics;
  let tries = 0;
  let last: Endpoint | undefined;
  let downClosed = false;
  down.pause();
  const onEarlyClose = (): void => {
    downClosed = true;
  };
  down.on('close', onEarlyClose);
  down.on('error', () => {});

  const fail = (err: Error): void => {
    down.removeListener('close', onEarlyClose);
    const reply = rescue(err);
    ctx.localReply({
      listener: opts.listener ?? '',
      method: opts.connect ? 'CONNECT' : 'TCP',
      authority: cluster.service || cluster.name,
      path: '',
      status: reply.status,
      reason: reply.reason,
      message: reply.message,
    });
    if (opts.connect && down.writable)
      down.end(localReplyText(reply.status, reply.reason, reply.message, true));
    else down.destroy();
  };

  const attempt = (): void => {
    if (downClosed) return;
    const ep = cluster.pick(last);
    if (!ep) {
      fail(
        new ProxyError(ProxyErrorCode.NoHealthyUpstream, `cluster ${cluster.name} has no healthy endpoint`),
      );
      return;
    }
    last = ep;
    tries++;
    ep.active++;
    connectUpstream(
      { endpoint: ep, mtls: cluster.mtls, alpn: ALPN_TCP, timeoutMs: cluster.connectTimeoutMs },
      {
        clock: ctx.clock,
        identity: ctx.identity,
        tlsFailures: m.tlsFailures.get('upstream', '', cluster.name),
        tlsResumed: m.tlsResumed.get(cluster.name),
      },
      (err, up) => {
        if (err || !up) {
          ep.active--;
          m.connectFailures.get(cluster.name).inc();
          cluster.reportFailure(ep);
          if (tries <= opts.retries && !downClosed) attempt();
          else fail(err!);
          return;
        }
        if (downClosed) {
          ep.active--;
          up.destroy();
          return;
        }
        cluster.reportSuccess(ep);
        splice(down, up, rest, ep);
      },
    );
  };

  const splice = (d: Socket, up: Socket, initial: Buffer, ep: Endpoint): void => {
    d.removeListener('close', onEarlyClose);
    m.tcpConnections.get(opts.direction, cluster.name).inc();
    m.upstreamTotal.get(cluster.name).inc();
    m.upstreamActive.get(cluster.name).add(1);
    up.on('error', () => {});
    if (opts.connect) d.write('HTTP/1.1 200 Connection Established\r\n\r\n');
    if (initial.length > 0) up.write(initial);
    let closed = 0;
    // A side that closed cleanly lets the other flush and finish (pipe ends it); an error closes both.
    const onClose =
      (other: Socket) =>
      (hadError: boolean): void => {
        if (++closed === 1) {
          if (hadError) other.destroy();
          else other.end();
          return;
        }
        ep.active--;
        m.upstreamActive.get(cluster.name).add(-1);
        m.tcpBytes.get(opts.direction, cluster.name, 'sent').inc(up.bytesWritten);
        m.tcpBytes.get(opts.direction, cluster.name, 'received').inc(up.bytesRead);
      };
    d.on('close', onClose(up));
    up.on('close', onClose(d));
    d.pipe(up);
    up.pipe(d);
    d.resume();
  };

  attempt();
}
