/**
 * connectUpstream opens a connection to an endpoint: plain TCP, or mTLS with the proxy's identity
 * and the endpoint's expected SPIFFE ID, with a connect timeout. Failures arrive as
 * PROXY_ERR_UPSTREAM_CONNECT_FAILURE with the cause attached; they never throw.
 * @module
 */
import { type Socket, connect as netConnect } from 'node:net';
import { type TLSSocket, connect as tlsConnect } from 'node:tls';
import type { Clock } from '../clock.js';
import { ProxyError, ProxyErrorCode } from '../errors.js';
import type { Counter } from '../metrics/registry.js';
import { type IdentityStore, checkSpiffeId } from '../tls/identity.js';
import type { Endpoint } from './endpoint.js';

export interface ConnectRequest {
  endpoint: Endpoint;
  mtls: boolean;
  /** ALPN protocol to offer on mTLS connections. */
  alpn: string;
  timeoutMs: number;
}

export interface ConnectDeps {
  clock: Clock;
  identity: IdentityStore;
  /** counted for every failed mTLS handshake. */
  tlsFailures: Counter;
  /** counted for every mTLS connection that resumed a session. */
  tlsResumed?: Counter;
}

/** connectUpstream calls `done` exactly once, with a ready socket or an error. */
export function connectUpstream(
  req: ConnectRequest,
  deps: ConnectDeps,
  done: (err: Error | undefined, socket: Socket | undefined) => void,
): void {
  const ep = req.endpoint;
  const where = `${ep.address}:${ep.port}`;
  let finished = false;
  let socket: Socket;
  const fail = (cause: unknown): void => {
    if (finished) return;
    finished = true;
    timer.cancel();
    socket?.destroy();
    done(
      new ProxyError(
        ProxyErrorCode.UpstreamConnectFailure,
        `connect to ${where} failed: ${(cause as Error).message}`,
        { cause },
      ),
      undefined,
    );
  };
  const timer = deps.clock.setTimer(
    () => fail(new ProxyError(ProxyErrorCode.UpstreamTimeout, `connect timed out after ${req.timeoutMs} ms`)),
    req.timeoutMs,
  );
  let tcpUp = false;
  const onError = (e: Error): void => {
    if (!finished && req.mtls && tcpUp) deps.tlsFailures.inc();
    fail(e);
  };
  const ready = (): void => {
    if (finished) return;
    finished = true;
    timer.cancel();
    socket.removeListener('error', onError);
    socket.setNoDelay(true);
    if (req.mtls && (socket as TLSSocket).isSessionReused()) deps.tlsResumed?.inc();
    done(undefined, socket);
  };
  if (!req.mtls) {
    socket = netConnect({ host: ep.address, port: ep.port, noDelay: true }, ready);
    socket.on('error', onError);
    return;
  }
  let context;
  try {
    context = deps.identity.clientContext();
  } catch (e) {
    finished = true;
    timer.cancel();
    done(e as Error, undefined);
    return;
  }
  const generation = deps.identity.generation;
  const resumable = ep.tlsSession?.generation === generation ? ep.tlsSession.ticket : undefined;
  socket = tlsConnect(
    {
      session: resumable,
      host: ep.address,
      port: ep.port,
      secureContext: context,
      ALPNProtocols: [req.alpn],
      rejectUnauthorized: true,
      checkServerIdentity: checkSpiffeId(ep.identity),
    },
    ready,
  );
  socket.once('connect', () => (tcpUp = true));
  // Keep the newest ticket: the next connection to this endpoint resumes instead of a full handshake.
  socket.on('session', (ticket: Buffer) => (ep.tlsSession = { generation, ticket }));
  socket.on('error', onError);
}
