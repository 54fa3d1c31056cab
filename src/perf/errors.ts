/**
 * Error codes of the load generator. Bad options fail at the door with InvalidInputError (some with
 * a more specific code below); failures during a run are data in the RunResult, never thrown.
 * @module
 */
import { InvalidInputError, MeshplaneError } from '../errors/index.js';

/** Codes used by perf; each is listed in docs/errors.md. */
export const PerfErrorCode = {
  /** The URL's scheme is not HTTP/1.1 over TCP or TLS (h2c, grpc, ws…). */
  unsupportedScheme: 'PERF_ERR_UNSUPPORTED_SCHEME',
  /** An SMP client asks for a protocol other than HTTP (TCP, UDP, gRPC). */
  unsupportedProtocol: 'PERF_ERR_UNSUPPORTED_PROTOCOL',
  /** An option the chosen external generator (wrk, hey) cannot honour. */
  generatorUnsupported: 'PERF_ERR_GENERATOR_UNSUPPORTED',
  /** The external generator's executable is not installed. */
  generatorNotFound: 'PERF_ERR_GENERATOR_NOT_FOUND',
} as const;

/** unsupportedScheme rejects a URL the HTTP/1.1 client cannot speak. */
export function unsupportedScheme(field: string, value: string, source?: string): InvalidInputError {
  return new InvalidInputError(
    field,
    value,
    'an http:// or https:// URL (HTTP/1.1 over TCP or TLS; HTTP/2, gRPC and WebSocket are not supported yet)',
    source,
    PerfErrorCode.unsupportedScheme,
  );
}

/** unsupportedProtocol rejects an SMP client whose protocol the load generator does not speak. */
export function unsupportedProtocol(field: string, value: string, source?: string): InvalidInputError {
  return new InvalidInputError(
    field,
    value,
    'PROTOCOL_HTTP (1): the load generator speaks HTTP/1.1 over TCP or TLS only; TCP, UDP and gRPC clients are not supported yet',
    source,
    PerfErrorCode.unsupportedProtocol,
  );
}

/** generatorUnsupported rejects an option an external generator cannot honour. */
export function generatorUnsupported(
  field: string,
  value: unknown,
  generator: string,
  why: string,
): InvalidInputError {
  return new InvalidInputError(
    field,
    value,
    `${why} (not supported by --generator ${generator}; use --generator meshplane)`,
    undefined,
    PerfErrorCode.generatorUnsupported,
  );
}

/** generatorNotFound reports that wrk or hey is not on the PATH. */
export function generatorNotFound(generator: string): MeshplaneError {
  return new MeshplaneError(
    PerfErrorCode.generatorNotFound,
    `generator ${generator} is not installed (not found on PATH); install it (scripts/install-system-deps.sh) or use --generator meshplane`,
    { status: 400 },
  );
}
