/**
 * The three kinds of listener a snapshot can ask for:
 * - OutboundHttpListener: plain TCP from the app; HTTP/1.1 (explicit proxy, CONNECT) or h2c, told
 *   apart by the HTTP/2 preface.
 * - InboundListener: mTLS only, client certificates required and verified against the trust bundle;
 *   ALPN picks h2, http/1.1 or meshplane-tcp. The certificate is hot-swapped on rotation.
 * - TcpListener: opaque bytes to the listener's tcp_cluster, or to one of its weighted tcp_clusters
 *   chosen per connection (SMI TrafficSplit for TCP).
 * @module
 */
import { type Server, type Socket, createServer as createNetServer } from 'node:net';
import type { Listener } from '../../config/index.js';
import { type TLSSocket, createServer as createTlsServer, type Server as TlsServer } from 'node:tls';
import { ProxyError, ProxyErrorCode } from '../errors.js';
import { InboundHttp1Dispatcher, OutboundHttp1Dispatcher } from '../http1/dispatchers.js';
import { Http1ServerConnection } from '../http1/server_connection.js';
import { Http2Gateway } from '../http2/gateway.js';
import { openTunnel } from '../tcp/tunnel.js';
import { ALPN_H2, ALPN_HTTP1, ALPN_TCP, peerSpiffeId } from '../tls/identity.js';
import type { ListenerContext } from './context.js';

/** RunningListener is a bound (or binding) listener socket. */
export interface RunningListener {
  readonly server: Server;
  /** stop closes the listening socket; connections already accepted are left to finish. */
  stop(): void;
}

const PREFACE = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n');

function track(ctx: ListenerContext, socket: Socket): void {
  const m = ctx.metrics;
  m.downstreamTotal.get(ctx.name).inc();
  const active = m.downstreamActive.get(ctx.name);
  active.add(1);
  ctx.sockets.add(socket);
  socket.once('close', () => {
    active.add(-1);
    ctx.sockets.delete(socket);
  });
  socket.on('error', () => {});
}

export class OutboundHttpListener implements RunningListener {
  readonly server: Server;
  private readonly gateway: Http2Gateway;

  constructor(ctx: ListenerContext) {
    this.gateway = new Http2Gateway(ctx, 'outbound');
    const dispatcher = new OutboundHttp1Dispatcher(ctx, (socket, initial) =>
      this.gateway.accept(socket, '', initial),
    );
    this.server = createNetServer({ allowHalfOpen: true, noDelay: true }, (socket) => {
      track(ctx, socket);
      let head: Buffer | undefined;
      const sniff = (chunk: Buffer): void => {
        head = head ? Buffer.concat([head, chunk]) : chunk;
        const n = Math.min(head.length, PREFACE.length);
        const h2 = head.subarray(0, n).equals(PREFACE.subarray(0, n));
        if (h2 && head.length < PREFACE.length) return; // wait for the whole preface
        socket.removeListener('data', sniff);
        if (h2) {
          socket.pause();
          this.gateway.accept(socket, '', head);
        } else {
          new Http1ServerConnection(socket, dispatcher, head);
        }
      };
      socket.on('data', sniff);
    });
  }

  stop(): void {
    this.server.close();
    this.gateway.close();
  }
}

export class InboundListener implements RunningListener {
  readonly server: TlsServer;
  private readonly gateway: Http2Gateway;
  private readonly unsubscribe: () => void;

  constructor(ctx: ListenerContext) {
    const dispatcher = new InboundHttp1Dispatcher(ctx);
    this.gateway = new Http2Gateway(ctx, 'inbound');
    const options = ctx.identity.serverOptions();
    if (!options)
      throw new ProxyError(ProxyErrorCode.NoIdentity, 'inbound listener needs a workload certificate');
    const tlsFailures = ctx.metrics.tlsFailures.get('downstream', ctx.name, '');
    this.server = createTlsServer({
      ...options,
      requestCert: true,
      rejectUnauthorized: true,
      ALPNProtocols: [ALPN_H2, ALPN_HTTP1, ALPN_TCP],
      allowHalfOpen: true,
    });
    this.server.on('connection', (socket: Socket) => track(ctx, socket));
    this.server.on('tlsClientError', (_err, socket) => {
      tlsFailures.inc();
      socket.destroy();
    });
    this.server.on('secureConnection', (socket: TLSSocket) => {
      socket.setNoDelay(true);
      socket.on('error', () => {});
      const peer = peerSpiffeId(socket);
      if (!peer) {
        tlsFailures.inc();
        socket.destroy();
        return;
      }
      const instance = peerInstance(socket);
      const alpn = socket.alpnProtocol;
      if (alpn === ALPN_H2) this.gateway.accept(socket, peer, undefined, instance);
      else if (alpn === ALPN_TCP) this.tcp(ctx, socket, peer, instance);
      else new Http1ServerConnection(socket, dispatcher, undefined, peer, instance);
    });
    // Rotation: new handshakes use the new certificate; open connections keep theirs.
    this.unsubscribe = ctx.identity.onChange((opts) => this.server.setSecureContext(opts));
  }

  private tcp(ctx: ListenerContext, socket: TLSSocket, peer: string, instance: string): void {
    const snapshot = ctx.snapshot();
    const cluster = snapshot.clusters.get(ctx.config().local_cluster);
    if (!cluster) {
      socket.destroy();
      return;
    }
    const port = cluster.endpoints[0]?.port ?? 0;
    if (snapshot.authorizer.allowTcp(peer, port) === undefined) {
      ctx.metrics
        .forRequests('inbound', cluster.name, peer, { peerInstance: instance })
        .done(0, 'access_denied', 0);
      ctx.localReply({
        listener: ctx.name,
        method: 'TCP',
        authority: `:${port}`,
        path: '',
        status: 403,
        reason: 'access_denied',
        message: `${peer} may not open TCP connections to port ${port}`,
      });
      socket.destroy();
      return;
    }
    openTunnel(socket, Buffer.alloc(0), cluster, ctx, {
      direction: 'inbound',
      connect: false,
      retries: 1,
      listener: ctx.name,
    });
  }

  stop(): void {
    this.unsubscribe();
    this.server.close();
    this.gateway.close();
  }
}

/**
 * peerInstance reads the caller's instance from its verified certificate: the mesh CA writes the
 * instance's node id (`<workload>-<replica>.<namespace>`) as the subject CN. Metrics only; access
 * decisions use the SPIFFE ID.
 */
function peerInstance(socket: TLSSocket): string {
  const cn = socket.getPeerCertificate().subject?.CN;
  return typeof cn === 'string' ? cn : '';
}

/**
 * tcpClusterFor names the cluster a new TCP connection goes to: one of `tcp_clusters` drawn with
 * probability weight / sum of weights (weight 0 never), or `tcp_cluster` when that list is empty.
 */
export function tcpClusterFor(listener: Listener, random: () => number = Math.random): string {
  const entries = listener.tcp_clusters;
  if (entries.length === 0) return listener.tcp_cluster;
  let total = 0;
  for (const e of entries) total += e.weight;
  let r = random() * total;
  for (const e of entries) {
    if (e.weight === 0) continue;
    if (r < e.weight) return e.cluster;
    r -= e.weight;
  }
  // Rounding at the top end: the last entry that can be chosen.
  return entries.findLast((e) => e.weight > 0)?.cluster ?? listener.tcp_cluster;
}

export class TcpListener implements RunningListener {
  readonly server: Server;

  constructor(ctx: ListenerContext) {
    this.server = createNetServer({ allowHalfOpen: true, noDelay: true }, (socket) => {
      track(ctx, socket);
      const cluster = ctx.snapshot().clusters.get(tcpClusterFor(ctx.config()));
      if (!cluster) {
        socket.destroy();
        return;
      }
      openTunnel(socket, Buffer.alloc(0), cluster, ctx, {
        direction: 'outbound',
        connect: false,
        retries: 2,
        listener: ctx.name,
      });
    });
  }

  stop(): void {
    this.server.close();
  }
}
