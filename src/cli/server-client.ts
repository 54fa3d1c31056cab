/**
 * Client of a meshplane server for the CLI: the server URL (flag, `$MESHPLANE_SERVER`, default),
 * the bearer token, and the server's JSON error envelope turned into errors.
 * @module
 */
import { InvalidInputError, MeshplaneError } from '../errors/index.js';
import type { IO } from './io.js';

export const defaultServer = 'http://localhost:9081';

export interface ClientOptions {
  server?: string;
  token?: string;
}

/** Client calls one meshplane server with the token, turning error envelopes into errors. */
export class Client {
  readonly base: string;
  private readonly token: string | undefined;

  constructor(options: ClientOptions, io: IO) {
    const raw = options.server ?? io.env.MESHPLANE_SERVER ?? defaultServer;
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      throw new InvalidInputError(
        '--server',
        raw,
        'an http:// or https:// URL such as http://localhost:9081',
      );
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new InvalidInputError('--server', raw, 'an http:// or https:// URL');
    }
    this.base = url.href.replace(/\/$/, '');
    this.token = options.token ?? io.env.MESHPLANE_TOKEN ?? undefined;
  }

  async fetch(path: string, init: RequestInit = {}): Promise<Response> {
    let response: Response;
    try {
      response = await fetch(`${this.base}${path}`, {
        ...init,
        headers: {
          ...(this.token ? { authorization: `Bearer ${this.token}` } : {}),
          ...(init.headers as Record<string, string>),
        },
      });
    } catch (error) {
      const why =
        error instanceof Error && error.cause instanceof Error ? error.cause.message : String(error);
      throw new MeshplaneError(
        'CLI_ERR_SERVER_UNREACHABLE',
        `cannot reach the meshplane server at ${this.base}: ${why}`,
        { cause: error },
      );
    }
    if (!response.ok) {
      let body: { error?: { code?: string; message?: string; field?: string } } = {};
      try {
        body = (await response.json()) as typeof body;
      } catch {
        // not the JSON envelope
      }
      const message = body.error?.message ?? `${response.status} ${response.statusText}`;
      throw new MeshplaneError(body.error?.code ?? 'CLI_ERR_SERVER', `server: ${message}`, {
        status: response.status,
      });
    }
    return response;
  }

  async json<T>(path: string, init?: RequestInit): Promise<T> {
    return (await (await this.fetch(path, init)).json()) as T;
  }
}
