/**
 * The API's one edge for errors and bodies: every failure becomes `{"error": {"code", "message",
 * "field"}}` with its status, and request bodies are read as JSON or YAML with a size limit.
 * @module
 */
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { parse as parseYaml } from 'yaml';
import { InvalidInputError, MeshplaneError } from '../../errors/index.js';
import { PayloadTooLargeError } from '../errors.js';

/** ErrorBody is the one shape of every error the API returns. */
export interface ErrorBody {
  error: { code: string; message: string; field?: string };
}

/** bodyLimit caps request bodies (SMP files and settings are small). */
export const bodyLimit = 2 << 20;

/** errorResponse turns any thrown value into the JSON error envelope. */
export function errorResponse(c: Context, error: unknown, log?: (line: string) => void): Response {
  if (error instanceof InvalidInputError) {
    return c.json<ErrorBody>(
      { error: { code: error.code, message: error.message, field: error.field } },
      400,
    );
  }
  if (error instanceof MeshplaneError) {
    return c.json<ErrorBody>(
      { error: { code: error.code, message: error.message } },
      error.status as 400 | 401 | 404 | 409 | 413 | 500 | 503,
    );
  }
  if (error instanceof HTTPException) {
    return c.json<ErrorBody>(
      { error: { code: 'SERVER_ERR_HTTP', message: error.message || 'bad request' } },
      error.status,
    );
  }
  log?.(`internal error on ${c.req.method} ${c.req.path}: ${error instanceof Error ? error.stack : error}`);
  return c.json<ErrorBody>(
    {
      error: { code: 'SERVER_ERR_INTERNAL', message: error instanceof Error ? error.message : String(error) },
    },
    500,
  );
}

/** readText reads the request body as text, refusing bodies over the limit. */
export async function readText(c: Context): Promise<string> {
  const declared = Number(c.req.header('content-length') ?? 0);
  if (declared > bodyLimit) {
    c.header('connection', 'close');
    throw new PayloadTooLargeError(bodyLimit);
  }
  const buffer = await c.req.arrayBuffer();
  if (buffer.byteLength > bodyLimit) throw new PayloadTooLargeError(bodyLimit);
  return new TextDecoder().decode(buffer);
}

/** readBody parses a JSON body, or YAML when the content type says so (SMP files are YAML). */
export async function readBody(c: Context, allowYaml = false): Promise<unknown> {
  const text = await readText(c);
  if (text.trim() === '') throw new InvalidInputError('body', undefined, 'a JSON object');
  const type = c.req.header('content-type') ?? '';
  const yaml = allowYaml && (/yaml/i.test(type) || !/^\s*[[{]/.test(text));
  try {
    return yaml ? parseYaml(text) : JSON.parse(text);
  } catch (error) {
    const why = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new InvalidInputError('body', text.slice(0, 40), `valid ${yaml ? 'YAML' : 'JSON'} (${why})`);
  }
}

/** intParam reads an optional integer query parameter within bounds. */
export function intParam(c: Context, name: string, fallback: number, min: number, max: number): number {
  const raw = c.req.query(name);
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new InvalidInputError(name, raw, `an integer from ${min} to ${max}`);
  }
  return n;
}
