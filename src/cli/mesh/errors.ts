/** Error codes of the mesh lifecycle and resource commands (listed in docs/errors.md). */
import { MeshplaneError } from '../../errors/index.js';

/** No mesh answers at the API address (none running in the state directory). */
export const MESH_ERR_NOT_RUNNING = 'MESH_ERR_NOT_RUNNING';
/** `mesh up` found a live mesh already using the state directory. */
export const MESH_ERR_ALREADY_RUNNING = 'MESH_ERR_ALREADY_RUNNING';
/** A detached `mesh up` did not come up (its log says why). */
export const MESH_ERR_START_FAILED = 'MESH_ERR_START_FAILED';

export class MeshNotRunningError extends MeshplaneError {
  constructor(message: string, cause?: unknown) {
    super(MESH_ERR_NOT_RUNNING, message, { status: 503, cause });
  }
}

export class MeshAlreadyRunningError extends MeshplaneError {
  constructor(message: string) {
    super(MESH_ERR_ALREADY_RUNNING, message, { status: 409 });
  }
}

export class MeshStartFailedError extends MeshplaneError {
  constructor(message: string) {
    super(MESH_ERR_START_FAILED, message, { status: 500 });
  }
}
