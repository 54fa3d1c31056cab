/**
 * Error codes of the sidecar proxy, and `rescue`: the one place that turns a data-path error into a
 * local reply (status + snake_case reason). Every local reply the proxy sends is built here.
 * @module
 */
import { MeshplaneError, isCausedBy } from '../errors/index.js';

/** ProxyErrorCode lists every code the proxy raises; docs/errors.md documents each one. */
export const ProxyErrorCode = {
  InvalidConfig: 'PROXY_ERR_INVALID_CONFIG',
  RouteNotFound: 'PROXY_ERR_ROUTE_NOT_FOUND',
  NoHealthyUpstream: 'PROXY_ERR_NO_HEALTHY_UPSTREAM',
  UpstreamConnectFailure: 'PROXY_ERR_UPSTREAM_CONNECT_FAILURE',
  UpstreamTimeout: 'PROXY_ERR_UPSTREAM_TIMEOUT',
  UpstreamOverflow: 'PROXY_ERR_UPSTREAM_OVERFLOW',
  UpstreamReset: 'PROXY_ERR_UPSTREAM_RESET',
  UpstreamProtocol: 'PROXY_ERR_UPSTREAM_PROTOCOL',
  AccessDenied: 'PROXY_ERR_ACCESS_DENIED',
  BadRequest: 'PROXY_ERR_BAD_REQUEST',
  HeadersTooLarge: 'PROXY_ERR_HEADERS_TOO_LARGE',
  UpgradeUnsupported: 'PROXY_ERR_UPGRADE_UNSUPPORTED',
  ConnectNotAllowed: 'PROXY_ERR_CONNECT_NOT_ALLOWED',
  NoIdentity: 'PROXY_ERR_NO_IDENTITY',
  PeerIdentity: 'PROXY_ERR_PEER_IDENTITY',
  Listen: 'PROXY_ERR_LISTEN',
  NotAvailable: 'PROXY_ERR_NOT_AVAILABLE',
} as const;

export type ProxyErrorCodeValue = (typeof ProxyErrorCode)[keyof typeof ProxyErrorCode];

/** ProxyError is any failure the proxy raises on purpose; `code` is one of ProxyErrorCode. */
export class ProxyError extends MeshplaneError {
  constructor(
    code: ProxyErrorCodeValue,
    message: string,
    options: { status?: number; cause?: unknown } = {},
  ) {
    super(code, message, options);
  }
}

/** LocalReply is a response the proxy writes itself instead of forwarding one. */
export interface LocalReply {
  status: number;
  /** snake_case reason, sent in the x-meshplane-reason header and counted in the stats. */
  reason: string;
  /** human-readable detail for the response body. */
  message: string;
}

/** REASON_HEADER carries the reason of every local reply. */
export const REASON_HEADER = 'x-meshplane-reason';

/** The mapping of rescue, most specific first: a timeout that caused a reset is still a timeout. */
const replies: ReadonlyArray<readonly [ProxyErrorCodeValue, number, string]> = [
  [ProxyErrorCode.AccessDenied, 403, 'access_denied'],
  [ProxyErrorCode.RouteNotFound, 404, 'route_not_found'],
  [ProxyErrorCode.UpstreamTimeout, 504, 'upstream_timeout'],
  [ProxyErrorCode.NoHealthyUpstream, 503, 'no_healthy_upstream'],
  [ProxyErrorCode.UpstreamOverflow, 503, 'upstream_overflow'],
  [ProxyErrorCode.NoIdentity, 503, 'no_identity'],
  [ProxyErrorCode.UpstreamConnectFailure, 503, 'upstream_connect_failure'],
  [ProxyErrorCode.UpstreamReset, 502, 'upstream_reset'],
  [ProxyErrorCode.UpstreamProtocol, 502, 'upstream_protocol_error'],
  [ProxyErrorCode.HeadersTooLarge, 431, 'request_headers_too_large'],
  [ProxyErrorCode.UpgradeUnsupported, 501, 'upgrade_not_supported'],
  [ProxyErrorCode.ConnectNotAllowed, 405, 'connect_not_allowed'],
  [ProxyErrorCode.BadRequest, 400, 'bad_request'],
];

/**
 * rescue maps an error to the local reply the downstream receives: it walks the `cause` chain for
 * a known code; anything else is a 502 `upstream_reset` when it came from a socket, 500 otherwise.
 */
export function rescue(error: unknown): LocalReply {
  for (const [code, status, reason] of replies) {
    const found = isCausedBy(error, code);
    if (found) return { status, reason, message: found.message };
  }
  const message = error instanceof Error ? error.message : String(error);
  const sys = error instanceof Error && typeof (error as NodeJS.ErrnoException).code === 'string';
  return sys
    ? { status: 502, reason: 'upstream_reset', message }
    : { status: 500, reason: 'internal_error', message };
}
