/**
 * Error codes of the manifest reader. Shape problems (a document without `kind`) are
 * `InvalidInputError`s; unreadable text has its own code.
 * @module
 */
import { MeshplaneError } from '../errors/index.js';

/** A manifest file that is not valid YAML/JSON; the message carries line and column. */
export const MANIFEST_ERR_SYNTAX = 'MANIFEST_ERR_SYNTAX';

/** manifestSyntaxError reports unreadable manifest text (status 400). */
export function manifestSyntaxError(message: string, cause?: unknown): MeshplaneError {
  return new MeshplaneError(MANIFEST_ERR_SYNTAX, message, { status: 400, cause });
}
