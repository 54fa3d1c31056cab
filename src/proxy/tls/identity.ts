/**
 * IdentityStore holds the proxy's current workload certificate as TLS contexts: server options for
 * inbound listeners (hot-swapped with setSecureContext, so open connections are untouched) and a
 * client context for mTLS connects. Also: reading and checking SPIFFE IDs in peer certificates.
 * @module
 */
import { type SecureContext, type SecureContextOptions, type TLSSocket, createSecureContext } from 'node:tls';
import type { PeerCertificate } from 'node:tls';
import type { WorkloadIdentity } from '../../config/index.js';
import { ProxyError, ProxyErrorCode } from '../errors.js';

/** ALPN protocols between sidecars. */
export const ALPN_H2 = 'h2';
export const ALPN_HTTP1 = 'http/1.1';
export const ALPN_TCP = 'meshplane-tcp';

export class IdentityStore {
  private identity: WorkloadIdentity | undefined;
  private client: SecureContext | undefined;
  private server: SecureContextOptions | undefined;
  private readonly listeners: Array<(server: SecureContextOptions) => void> = [];
  /** generation counts installs, so TLS sessions resumed with an older certificate are not reused. */
  generation = 0;

  get current(): WorkloadIdentity | undefined {
    return this.identity;
  }

  get spiffeId(): string {
    return this.identity?.spiffeId ?? '';
  }

  /**
   * install checks the identity (key matches certificate, PEM parses) and makes it current. It throws
   * ProxyError and keeps the previous identity when the material is unusable.
   */
  install(identity: WorkloadIdentity): void {
    const options: SecureContextOptions = {
      key: identity.keyPem,
      cert: identity.certChainPem,
      ca: identity.trustBundlePem,
      minVersion: 'TLSv1.2',
    };
    let client: SecureContext;
    try {
      client = createSecureContext(options);
    } catch (e) {
      throw new ProxyError(
        ProxyErrorCode.NoIdentity,
        `workload certificate rejected: ${(e as Error).message}`,
        {
          cause: e,
        },
      );
    }
    this.identity = identity;
    this.generation++;
    this.client = client;
    this.server = options;
    for (const l of this.listeners) l(options);
  }

  /** clientContext is the context for mTLS connects; it throws PROXY_ERR_NO_IDENTITY before the first one. */
  clientContext(): SecureContext {
    if (!this.client) throw new ProxyError(ProxyErrorCode.NoIdentity, 'no workload certificate yet');
    return this.client;
  }

  serverOptions(): SecureContextOptions | undefined {
    return this.server;
  }

  /** onChange calls `fn` with the new server options after every install. */
  onChange(fn: (server: SecureContextOptions) => void): () => void {
    this.listeners.push(fn);
    return () => {
      const i = this.listeners.indexOf(fn);
      if (i >= 0) this.listeners.splice(i, 1);
    };
  }
}

/** uriSans lists the URI subject alternative names of a certificate. */
export function uriSans(cert: PeerCertificate | undefined): string[] {
  const san = cert?.subjectaltname;
  if (!san) return [];
  const out: string[] = [];
  for (const part of san.split(', ')) if (part.startsWith('URI:')) out.push(part.slice(4));
  return out;
}

/** peerSpiffeId returns the spiffe:// URI SAN of the peer's certificate, or undefined. */
export function peerSpiffeId(socket: TLSSocket): string | undefined {
  return uriSans(socket.getPeerCertificate()).find((u) => u.startsWith('spiffe://'));
}

/** checkSpiffeId builds a tls checkServerIdentity that requires the URI SAN `expected`. */
export function checkSpiffeId(expected: string): (host: string, cert: PeerCertificate) => Error | undefined {
  return (_host, cert) => {
    const sans = uriSans(cert);
    if (sans.includes(expected)) return undefined;
    return new ProxyError(
      ProxyErrorCode.PeerIdentity,
      `peer certificate has URI SAN ${JSON.stringify(sans)}; expected ${expected}`,
    );
  };
}
