/** The CLI's client of the control plane's HTTP API; error envelopes become MeshplaneErrors again. */
import { InvalidInputError, MeshplaneError } from '../../errors/index.js';
import type { IO } from '../io.js';
import { MeshNotRunningError } from './errors.js';
import { readMeshRecord, stateDirOf } from './state.js';

export interface ApiTarget {
  /** Base URL, e.g. http://127.0.0.1:15014. */
  url: string;
  stateDir: string;
}

/** resolveApi picks --api, then $MESHPLANE_API, then the address a running mesh wrote to its state directory. */
export async function resolveApi(flags: { api?: string; stateDir?: string }, io: IO): Promise<ApiTarget> {
  const stateDir = stateDirOf(flags.stateDir, io.env);
  const explicit = flags.api ?? io.env.MESHPLANE_API;
  if (explicit) {
    if (!/^http:\/\/[^/]+$/.test(explicit.replace(/\/$/, ''))) {
      throw new InvalidInputError('--api', explicit, 'an HTTP base URL such as http://127.0.0.1:15014');
    }
    return { url: explicit.replace(/\/$/, ''), stateDir };
  }
  const record = await readMeshRecord(stateDir);
  if (!record)
    throw new MeshNotRunningError(`no mesh is running in ${stateDir} (start one with: meshplane mesh up)`);
  return { url: record.api, stateDir };
}

/** call sends one request and returns the parsed JSON, or throws the API's error. */
export async function call<T>(
  target: ApiTarget,
  method: 'GET' | 'POST',
  path: string,
  body?: unknown,
  signal?: AbortSignal,
): Promise<T> {
  const res = await send(target, method, path, body, signal);
  const text = await res.text();
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new MeshplaneError(
      'MESH_ERR_NOT_RUNNING',
      `${target.url}${path} answered ${res.status} with something that is not JSON`,
    );
  }
  if (!res.ok) throw apiError(parsed, res.status);
  return parsed as T;
}

/** send is the raw request, for streamed answers such as logs. */
export async function send(
  target: ApiTarget,
  method: 'GET' | 'POST',
  path: string,
  body?: unknown,
  signal?: AbortSignal,
): Promise<Response> {
  try {
    return await fetch(`${target.url}${path}`, {
      method,
      ...(body === undefined
        ? {}
        : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
      ...(signal ? { signal } : {}),
    });
  } catch (error) {
    if (signal?.aborted) throw error;
    throw new MeshNotRunningError(
      `no mesh answers at ${target.url} (state directory ${target.stateDir}; start one with: meshplane mesh up)`,
      error,
    );
  }
}

/** apiError turns {"error": {code, message, field}} back into an error the CLI prints. */
export function apiError(body: unknown, status: number): MeshplaneError {
  const e = (body as { error?: { code?: string; message?: string; field?: string } }).error ?? {};
  return new MeshplaneError(e.code ?? 'ERR_INTERNAL', e.message ?? `HTTP ${status}`, { status });
}
