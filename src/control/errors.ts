/** Error codes of the control plane (listed in docs/errors.md). */
import { MeshplaneError } from '../errors/index.js';

/** A manifest names a kind the control plane does not know. */
export const CONTROL_ERR_UNKNOWN_KIND = 'CONTROL_ERR_UNKNOWN_KIND';
/** A resource refers to another that does not exist (service account, service), or a selector matches nothing. */
export const CONTROL_ERR_UNRESOLVED_REFERENCE = 'CONTROL_ERR_UNRESOLVED_REFERENCE';
/** SMI resources contradict each other: two splits of one apex service, or a split of a split. */
export const CONTROL_ERR_SMI_CONFLICT = 'CONTROL_ERR_SMI_CONFLICT';
/** delete named a resource that does not exist. */
export const CONTROL_ERR_NOT_FOUND = 'CONTROL_ERR_NOT_FOUND';
/** The state directory holds data this control plane cannot use (other trust domain, unreadable file). */
export const CONTROL_ERR_STATE_DIR = 'CONTROL_ERR_STATE_DIR';

export class NotFoundError extends MeshplaneError {
  constructor(message: string) {
    super(CONTROL_ERR_NOT_FOUND, message, { status: 404 });
  }
}

export class StateDirError extends MeshplaneError {
  constructor(message: string, cause?: unknown) {
    super(CONTROL_ERR_STATE_DIR, message, { status: 500, cause });
  }
}
