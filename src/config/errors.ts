/** Error codes of the proxy-side control-plane client (listed in docs/errors.md). */
import { MeshplaneError } from '../errors/index.js';

/** The control plane refused the bootstrap or renewal (bad token, wrong identity, bad CSR). */
export const CONFIG_ERR_CERTIFICATE_REFUSED = 'CONFIG_ERR_CERTIFICATE_REFUSED';
/** The client was closed before it delivered its first identity and snapshot. */
export const CONFIG_ERR_CLIENT_CLOSED = 'CONFIG_ERR_CLIENT_CLOSED';

export class CertificateRefusedError extends MeshplaneError {
  constructor(message: string, cause?: unknown) {
    super(CONFIG_ERR_CERTIFICATE_REFUSED, message, { status: 403, cause });
  }
}

export class ClientClosedError extends MeshplaneError {
  constructor() {
    super(CONFIG_ERR_CLIENT_CLOSED, 'control-plane client closed before the first snapshot arrived', {
      status: 503,
    });
  }
}
