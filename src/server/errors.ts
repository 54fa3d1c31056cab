/**
 * Error codes of the management plane. Each maps to the HTTP status the API answers with;
 * bad input uses the shared InvalidInputError (ERR_INVALID_INPUT, 400).
 * @module
 */
import { MeshplaneError } from '../errors/index.js';

/** NotFoundError answers 404 for an id that names no run, profile or schedule. */
export class NotFoundError extends MeshplaneError {
  constructor(kind: string, id: string) {
    super('SERVER_ERR_NOT_FOUND', `${kind} ${JSON.stringify(id)} does not exist`, { status: 404 });
  }
}

/** ConflictError answers 409 when the request is valid but the object's state forbids it. */
export class ConflictError extends MeshplaneError {
  constructor(message: string) {
    super('SERVER_ERR_CONFLICT', message, { status: 409 });
  }
}

/** UnauthorizedError answers 401 when a token is configured and the request lacks it. */
export class UnauthorizedError extends MeshplaneError {
  constructor() {
    super('SERVER_ERR_UNAUTHORIZED', 'missing or wrong bearer token (Authorization: Bearer <token>)', {
      status: 401,
    });
  }
}

/** StoreError wraps a failure of the persistence layer (open, migrate, write). */
export class StoreError extends MeshplaneError {
  constructor(message: string, cause?: unknown) {
    super('SERVER_ERR_STORE', message, { status: 500, cause });
  }
}

/** PayloadTooLargeError answers 413 for request bodies over the server's limit. */
export class PayloadTooLargeError extends MeshplaneError {
  constructor(limit: number) {
    super('SERVER_ERR_TOO_LARGE', `request body is larger than ${limit} bytes`, { status: 413 });
  }
}

/** Codes written at the start of a run's `error` text, so the UI and API explain why it ended. */
export const runFailureCodes = {
  interrupted: 'SERVER_ERR_INTERRUPTED',
} as const;
