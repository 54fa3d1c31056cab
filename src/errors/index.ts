/**
 * Errors every plane shares: a base class with a stable code and an HTTP status, and the
 * bad-input error that names the field, the value and what was expected.
 * Each plane keeps its own codes in its `errors.ts`; docs/errors.md lists every code.
 * @module
 */

export interface ErrorOptions {
  /** HTTP status the management API or proxy answers with; 500 when unset. */
  status?: number;
  cause?: unknown;
}

/** MeshplaneError carries a stable `code` (a plane prefix, `_ERR_`, a name) that callers may branch on. */
export class MeshplaneError extends Error {
  readonly code: string;
  readonly status: number;

  constructor(code: string, message: string, options: ErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.status = options.status ?? 500;
  }
}

/** InvalidInputError rejects a flag, manifest, request body or file before anything changes. */
export class InvalidInputError extends MeshplaneError {
  readonly field: string;
  readonly value: unknown;
  readonly expected: string;

  /**
   * @param field dotted path of the offending field, e.g. `clients[0].endpoint_urls[1]`
   * @param value the value found (undefined when missing)
   * @param expected what would have been accepted, e.g. `a positive integer`
   * @param source where the input came from (file name, resource name), prefixed to the message
   */
  constructor(field: string, value: unknown, expected: string, source?: string, code = 'ERR_INVALID_INPUT') {
    const found = value === undefined ? 'is missing' : `is ${describeValue(value)}`;
    super(code, `${source ? `${source}: ` : ''}${field} ${found}; expected ${expected}`, { status: 400 });
    this.field = field;
    this.value = value;
    this.expected = expected;
  }
}

/** describeValue renders a value for an error message, short enough for one line. */
export function describeValue(value: unknown): string {
  let text: string;
  try {
    text = typeof value === 'string' ? JSON.stringify(value) : (JSON.stringify(value) ?? String(value));
  } catch {
    text = String(value);
  }
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/** isCausedBy walks the `cause` chain and returns the first error with the given code. */
export function isCausedBy(error: unknown, code: string): MeshplaneError | undefined {
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 16; e = e.cause, depth++) {
    if (e instanceof MeshplaneError && e.code === code) return e;
  }
  return undefined;
}

export { suggestName } from './suggest.js';
