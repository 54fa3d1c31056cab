/** Error codes of the platform (listed in docs/errors.md). */
import { MeshplaneError } from '../errors/index.js';

/** Every address of the configured range is in use. */
export const PLATFORM_ERR_ADDRESSES_EXHAUSTED = 'PLATFORM_ERR_ADDRESSES_EXHAUSTED';

export class AddressesExhaustedError extends MeshplaneError {
  constructor(range: string) {
    super(PLATFORM_ERR_ADDRESSES_EXHAUSTED, `no free address left in ${range}`, { status: 503 });
  }
}
