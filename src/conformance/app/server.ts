/**
 * The conformance sample app: an HTTP server that behaves like the learn-layer5 service the
 * original SMI conformance suite deployed as app-a, app-b and app-c.
 *
 *   POST /call      {url, method, body, headers}: call url (through HTTP_PROXY when set) and record the outcome
 *   ANY  /echo      the request written back in HTTP/1.1 wire format
 *   GET  /metrics   {ReqReceived, RespSucceeded, RespFailed}
 *   DELETE /metrics reset
 *
 * Requests to /call and /echo append their `ServiceName` header (or "Unidentified") to ReqReceived.
 * @module
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { OutboundClient, type OutboundRequest } from './outbound.js';
import type { ProxySettings } from './proxy_env.js';
import { MetricsStore, type CallRecord } from './store.js';
import { wireFormat } from './wire.js';

/** SERVICE_NAME_HEADER carries the caller's identity between sample apps. */
export const SERVICE_NAME_HEADER = 'ServiceName';

export interface SampleAppOptions {
  /** This app's name, sent as `ServiceName` on every call (env SERVICE_NAME, default "Default"). */
  serviceName: string;
  host: string;
  /** 0 picks a free port. */
  port: number;
  proxy: ProxySettings;
  nameResolution?: 'system' | 'none';
  /** Where errors of calls are logged; default nowhere. */
  log?: (line: string) => void;
}

const MAX_BODY_BYTES = 10 * 1024 * 1024;
/** Methods whose /call body is sent downstream, compared exactly as the original does. */
const METHODS_WITH_BODY = new Set(['POST', 'PATCH', 'PUT']);

/** SampleApp is one running sample app. */
export class SampleApp {
  readonly store = new MetricsStore();
  readonly #server: Server;
  readonly #client: OutboundClient;
  readonly #options: SampleAppOptions;

  private constructor(options: SampleAppOptions) {
    this.#options = options;
    this.#client = new OutboundClient({ proxy: options.proxy, nameResolution: options.nameResolution });
    this.#server = createServer((req, res) => {
      this.#handle(req, res).catch((error: unknown) => {
        this.#options.log?.(`${req.method} ${req.url}: ${(error as Error).message}`);
        if (!res.headersSent) plainError(res, 500, 'Internal error');
        else res.destroy();
      });
    });
  }

  /** start listens on host:port and resolves once bound. */
  static async start(options: SampleAppOptions): Promise<SampleApp> {
    const app = new SampleApp(options);
    await new Promise<void>((resolve, reject) => {
      app.#server.once('error', reject);
      app.#server.listen(options.port, options.host, () => {
        app.#server.off('error', reject);
        resolve();
      });
    });
    return app;
  }

  /** url is the base URL the app answers on, e.g. http://127.0.0.1:9091. */
  get url(): string {
    const { address, port } = this.#server.address() as AddressInfo;
    return `http://${address.includes(':') ? `[${address}]` : address}:${port}`;
  }

  close(): Promise<void> {
    this.#client.close();
    return new Promise((resolve) => {
      this.#server.close(() => resolve());
      this.#server.closeAllConnections();
    });
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').replace(/^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i, '').split('?')[0];
    switch (path) {
      case '/call':
        this.#received(req);
        return this.#call(req, res);
      case '/echo': {
        this.#received(req);
        const body = await readBody(req);
        res.setHeader('Content-Type', 'text/plain; charset=utf-8');
        res.end(wireFormat(req, body));
        return;
      }
      case '/metrics':
        await readBody(req);
        if (req.method === 'GET') {
          res.setHeader('Content-Type', 'application/json');
          res.end(this.store.toJson());
        } else if (req.method === 'DELETE') {
          this.store.reset();
          res.end();
        } else {
          plainError(res, 400, 'Method not defined');
        }
        return;
      default:
        await readBody(req);
        plainError(res, 404, '404 page not found');
    }
  }

  #received(req: IncomingMessage): void {
    const raw = req.headers[SERVICE_NAME_HEADER.toLowerCase()];
    const first = Array.isArray(raw) ? raw[0] : raw;
    this.store.received(first ? first : 'Unidentified');
  }

  async #call(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method !== 'POST') {
      await readBody(req);
      res.end();
      return;
    }
    let text: string;
    try {
      text = (await readBody(req)).toString('utf8');
    } catch {
      return plainError(res, 400, 'Error reading body');
    }
    if (text === '') {
      res.end();
      return;
    }
    const call = parseCall(text);
    if (call === 'unparsable') return plainError(res, 400, 'Error parsing body');
    if (call === 'bad-request') return plainError(res, 400, 'Error creating request');
    if (call === 'bad-url') return plainError(res, 500, 'Error completing the request');
    const { request, record } = call;
    request.headers.push([SERVICE_NAME_HEADER, this.#options.serviceName]);
    let response;
    try {
      response = await this.#client.send(request);
    } catch (error) {
      this.#options.log?.(
        `Error completing the request ${request.method} ${record.URL}: ${(error as Error).message}`,
      );
      return plainError(res, 500, 'Error completing the request');
    }
    if (response.status >= 200 && response.status < 400) {
      res.statusCode = 200;
      this.store.succeeded(record);
    } else {
      this.store.failed(record);
    }
    let body: Buffer;
    try {
      body = await response.body;
    } catch (error) {
      this.#options.log?.(`Error reading the response of ${record.URL}: ${(error as Error).message}`);
      res.end();
      return;
    }
    const type = response.headers['content-type'];
    if (type) res.setHeader('Content-Type', type);
    res.end(body);
  }
}

type ParsedCall = { request: OutboundRequest; record: CallRecord } | 'unparsable' | 'bad-request' | 'bad-url';

/**
 * parseCall reads a /call body. `unparsable`: not a JSON object with string url/method/body and
 * string header values; `bad-request`: a method or URL Go's NewRequest rejects; `bad-url`: a
 * relative URL or a scheme no transport serves (Go fails those when sending: 500).
 */
export function parseCall(text: string): ParsedCall {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return 'unparsable';
  }
  if (data === null || typeof data !== 'object' || Array.isArray(data)) return 'unparsable';
  const { url, method = 'GET', body = '', headers } = data as Record<string, unknown>;
  if (typeof url !== 'string' || typeof method !== 'string' || typeof body !== 'string') return 'unparsable';
  let headerRecord: Record<string, unknown> | null = null;
  const headerPairs: [string, string][] = [];
  if (headers !== undefined && headers !== null) {
    if (typeof headers !== 'object' || Array.isArray(headers)) return 'unparsable';
    headerRecord = headers as Record<string, unknown>;
    for (const [name, value] of Object.entries(headerRecord)) {
      if (typeof value !== 'string') return 'unparsable';
      headerPairs.push([name, value]);
    }
  }
  const verb = method === '' ? 'GET' : method;
  if (!/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(verb)) return 'bad-request';
  // eslint-disable-next-line no-control-regex
  if (/[\x00-\x1f\x7f ]/.test(url)) return 'bad-request';
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    return /^[a-z][a-z0-9+.-]*:/i.test(url) ? 'bad-request' : 'bad-url';
  }
  if (target.protocol !== 'http:' && target.protocol !== 'https:') return 'bad-url';
  return {
    request: {
      url: target,
      method: verb,
      headers: headerPairs,
      ...(METHODS_WITH_BODY.has(verb) ? { body } : {}),
    },
    record: { URL: url, Method: method, Headers: headerRecord },
  };
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) req.destroy(new Error(`request body over ${MAX_BODY_BYTES} bytes`));
      else chunks.push(chunk);
    });
    req.on('error', reject);
    req.on('end', () => resolve(Buffer.concat(chunks)));
  });
}

/** plainError answers as Go's http.Error: text/plain, nosniff, the message and a newline. */
function plainError(res: ServerResponse, status: number, message: string): void {
  res.statusCode = status;
  res.setHeader('Content-Type', 'text/plain; charset=utf-8');
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.end(`${message}\n`);
}
