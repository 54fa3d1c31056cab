/**
 * Error codes of the conformance suite. Bad arguments are InvalidInputError; failures while a
 * suite runs become step results (data), carrying these codes where a driver gives up.
 * @module
 */
import { MeshplaneError } from '../errors/index.js';

/** The mesh or platform rejected or failed an operation (apply, delete, API call). */
export const CONFORMANCE_ERR_DRIVER = 'CONFORMANCE_ERR_DRIVER';
/** The sample app did not become ready in time. */
export const CONFORMANCE_ERR_NOT_READY = 'CONFORMANCE_ERR_NOT_READY';
/** A sample app could not be reached or answered something unexpected. */
export const CONFORMANCE_ERR_APP = 'CONFORMANCE_ERR_APP';

export class DriverError extends MeshplaneError {
  constructor(message: string, cause?: unknown) {
    super(CONFORMANCE_ERR_DRIVER, message, { status: 502, cause });
  }
}

export class NotReadyError extends MeshplaneError {
  constructor(message: string) {
    super(CONFORMANCE_ERR_NOT_READY, message, { status: 504 });
  }
}

export class AppError extends MeshplaneError {
  constructor(message: string, cause?: unknown) {
    super(CONFORMANCE_ERR_APP, message, { status: 502, cause });
  }
}
