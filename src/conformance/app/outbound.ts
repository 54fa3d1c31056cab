/**
 * The sample app's outgoing HTTP client for `/call`. Node's fetch ignores proxy variables, so this
 * sends requests itself with node:http: absolute-form requests to the proxy when `proxyFor` picks
 * one (the mesh's sidecar is an explicit HTTP proxy), origin-form requests otherwise.
 * @module
 */
import { Agent as HttpAgent, request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import { proxyFor, type ProxySettings } from './proxy_env.js';

/** OutboundRequest is one request the app sends on behalf of `/call`. */
export interface OutboundRequest {
  url: URL;
  method: string;
  /** Header name/value pairs in order; repeated names are sent as repeated lines. */
  headers: [string, string][];
  /** Sent with Content-Length when defined. */
  body?: string;
}

/** OutboundResponse arrives with the status line and headers; the body follows. */
export interface OutboundResponse {
  status: number;
  headers: IncomingHttpHeaders;
  /** The whole body; rejects when the connection fails while it is read. */
  body: Promise<Buffer>;
}

export interface OutboundOptions {
  proxy: ProxySettings;
  /** `none` resolves no host name at all (only IP literals connect); default: the system resolver. */
  nameResolution?: 'system' | 'none';
  timeoutMs?: number;
  userAgent?: string;
}

const MAX_RESPONSE_BYTES = 64 * 1024 * 1024;

/** resolveNothing fails every lookup, as a network with no name service would. */
const resolveNothing: LookupFunction = (hostname, _options, callback) => {
  const error = Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), {
    code: 'ENOTFOUND',
    hostname,
  });
  process.nextTick(() => callback(error, '', 4));
};

/** OutboundClient keeps connections alive per destination (or per proxy), as Go's default transport does. */
export class OutboundClient {
  readonly #options: OutboundOptions;
  readonly #http = new HttpAgent({ keepAlive: true, maxSockets: 64 });
  readonly #https = new HttpsAgent({ keepAlive: true, maxSockets: 64 });

  constructor(options: OutboundOptions) {
    this.#options = options;
  }

  /** send resolves once the response headers arrive, or rejects with the transport error. */
  send(req: OutboundRequest): Promise<OutboundResponse> {
    const { url } = req;
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      return Promise.reject(new Error(`unsupported protocol scheme "${url.protocol.replace(/:$/, '')}"`));
    }
    const proxy = proxyFor(url, this.#options.proxy);
    const headers: string[] = ['Host', url.host];
    if (!req.headers.some(([name]) => name.toLowerCase() === 'user-agent')) {
      headers.push('User-Agent', this.#options.userAgent ?? 'meshplane-conformance-app');
    }
    for (const [name, value] of req.headers) headers.push(name, value);
    if (req.body !== undefined) headers.push('Content-Length', String(Buffer.byteLength(req.body)));
    if (proxy && (proxy.username || proxy.password)) {
      const credentials = `${decodeURIComponent(proxy.username)}:${decodeURIComponent(proxy.password)}`;
      headers.push('Proxy-Authorization', `Basic ${Buffer.from(credentials).toString('base64')}`);
    }
    const lookup = this.#options.nameResolution === 'none' ? resolveNothing : undefined;
    const target = proxy
      ? { host: hostOf(proxy), port: Number(proxy.port || 80), path: url.href }
      : {
          host: hostOf(url),
          port: Number(url.port || (url.protocol === 'https:' ? 443 : 80)),
          path: `${url.pathname}${url.search}`,
        };
    const send = url.protocol === 'https:' && !proxy ? httpsRequest : httpRequest;
    const agent = url.protocol === 'https:' && !proxy ? this.#https : this.#http;
    return new Promise((resolve, reject) => {
      let settled = false;
      const fail = (error: Error): void => {
        if (settled) return;
        settled = true;
        reject(error);
      };
      let outgoing;
      try {
        outgoing = send({
          ...target,
          method: req.method,
          headers,
          setHost: false,
          agent,
          ...(lookup ? { lookup } : {}),
          timeout: this.#options.timeoutMs ?? 30_000,
        });
      } catch (error) {
        fail(error as Error);
        return;
      }
      outgoing.on('timeout', () => outgoing.destroy(new Error('timeout awaiting response')));
      outgoing.on('error', fail);
      outgoing.on('response', (res) => {
        settled = true;
        const body = new Promise<Buffer>((done, broken) => {
          const chunks: Buffer[] = [];
          let size = 0;
          res.on('data', (chunk: Buffer) => {
            size += chunk.length;
            if (size > MAX_RESPONSE_BYTES)
              res.destroy(new Error(`response body over ${MAX_RESPONSE_BYTES} bytes`));
            else chunks.push(chunk);
          });
          res.on('error', broken);
          res.on('aborted', () => broken(new Error('connection closed while reading the response body')));
          res.on('end', () => done(Buffer.concat(chunks)));
        });
        body.catch(() => undefined); // the caller may stop listening once it has the status
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body });
      });
      outgoing.end(req.body);
    });
  }

  close(): void {
    this.#http.destroy();
    this.#https.destroy();
  }
}

function hostOf(url: URL): string {
  return url.hostname.replace(/^\[(.*)\]$/, '$1');
}
