/**
 * connectUpstream opens a connection to an endpoint: plain TCP, or mTLS with the proxy's identity
 * and the endpoint's expected SPIFFE ID, with a connect timeout. Failures arrive as
 * PROXY_ERR_UPSTREAM_CONNECT_FAILURE with the cause attached; they never throw.
 * @module
 */
import { type Socket, connect as netConnect } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
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
  socket = tlsConnect(
    {
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
  socket.on('error', onError);
}
