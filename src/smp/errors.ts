/**
 * Error codes of the SMP model. Field-level problems are `InvalidInputError`s (`ERR_INVALID_INPUT`)
 * naming the field path; the codes here cover input that cannot be read at all.
 * @module
 */
import { InvalidInputError, MeshplaneError } from '../errors/index.js';

/** A YAML or JSON document that does not parse; the message carries line and column. */
export const SMP_ERR_SYNTAX = 'SMP_ERR_SYNTAX';
/** Bytes that are not a valid protobuf encoding of the expected SMP message. */
export const SMP_ERR_BINARY = 'SMP_ERR_BINARY';

/** syntaxError reports unreadable text; status 400 like every bad input. */
export function syntaxError(message: string, source?: string, cause?: unknown): MeshplaneError {
  return new MeshplaneError(SMP_ERR_SYNTAX, `${source ? `${source}: ` : ''}${message}`, {
    status: 400,
    cause,
  });
}

/** binaryError reports undecodable protobuf bytes. */
export function binaryError(message: string, source?: string, cause?: unknown): MeshplaneError {
  return new MeshplaneError(SMP_ERR_BINARY, `${source ? `${source}: ` : ''}${message}`, {
    status: 400,
    cause,
  });
}

/**
 * unknownFieldError rejects a key the schema does not have, suggesting the closest known name
 * (typo protection: `endpoint_url` → "did you mean endpoint_urls?").
 */
export function unknownFieldError(
  path: string,
  value: unknown,
  where: string,
  suggestion: string | undefined,
  source?: string,
): InvalidInputError {
  const hint = suggestion ? `; did you mean ${suggestion}?` : '';
  const error = new InvalidInputError(path, value, `a field of ${where}${hint}`, source);
  error.message = `${source ? `${source}: ` : ''}${path}: unknown field${hint} (${where} has no such field)`;
  return error;
}
