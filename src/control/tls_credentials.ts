/**
 * Server credentials for the control plane's gRPC port. One port serves two kinds of client: a proxy
 * bootstrapping its first certificate (no client certificate yet, authenticated by its token) and a
 * proxy with a workload certificate (config stream, renewal). So a client certificate is requested
 * but not required; the handlers read the verified peer certificate from the call's auth context
 * (grpc-js hands it over only when the TLS layer verified it against the mesh root). The server's own
 * certificate can be replaced while the port stays open.
 * @module
 */
import { ServerCredentials } from '@grpc/grpc-js';
import type { SecureContextOptions } from 'node:tls';

export class OptionalClientCertCredentials extends ServerCredentials {
  readonly #rootPem: string;

  constructor(rootPem: string, certPem: string, keyPem: string) {
    super({ requestCert: true, rejectUnauthorized: false }, { ca: rootPem, cert: certPem, key: keyPem });
    this.#rootPem = rootPem;
  }

  /** rotate installs a new server certificate for connections made from now on. */
  rotate(certPem: string, keyPem: string): void {
    const options: SecureContextOptions = { ca: this.#rootPem, cert: certPem, key: keyPem };
    this.updateSecureContextOptions(options);
  }

  override _equals(other: ServerCredentials): boolean {
    return other === this;
  }
}
