/**
 * Test fixtures for proxy tests: loopback addresses unlikely to clash with other suites, snapshot
 * builders, real upstream servers and a small HTTP client that can speak through the proxy.
 */
import {
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
  createServer,
  request,
} from 'node:http';
import type { Agent } from 'node:http';
import type { Cluster, Listener, ProxyConfig, RouteTable, WorkloadIdentity } from '../../config/index.js';
import type { Clock } from '../clock.js';
import { SidecarProxy } from '../proxy.js';
import { normalizeProxyConfig } from '../snapshot/normalize.js';
import { StaticConfigSource } from '../snapshot/static_source.js';

const base = 100 + Math.floor(Math.random() * 150);
let next = 1 + Math.floor(Math.random() * 50);

/** freeAddress returns a fresh 127.x.y.z for one workload instance of this test process. */
export function freeAddress(): string {
  const n = next++;
  return `127.${base}.${Math.floor(n / 250) + (process.pid % 200)}.${(n % 250) + 1}`;
}

export const SVC = 'web.default.svc.cluster.local';
export const TRUST = 'spiffe://cluster.local';
export const idOf = (sa: string, ns = 'default'): string => `${TRUST}/ns/${ns}/sa/${sa}`;

export function outboundListener(port = 15001, name = 'outbound'): Partial<Listener> {
  return { name, port, direction: 'OUTBOUND', protocol: 'HTTP', route_table: 'outbound' };
}

export function inboundListener(localCluster: string, port = 15006): Partial<Listener> {
  return { name: 'inbound', port, direction: 'INBOUND', protocol: 'HTTP', local_cluster: localCluster };
}

export interface EndpointSpec {
  address: string;
  port: number;
  identity?: string;
  weight?: number;
}

export function cluster(
  name: string,
  endpoints: EndpointSpec[],
  extra: Partial<Cluster> = {},
): Partial<Cluster> {
  return { name, endpoints: endpoints.map((e) => ({ ...e })) as Cluster['endpoints'], ...extra };
}

/** routes builds the outbound route table: one virtual host per service, one catch-all route each. */
export function routes(
  hosts: Array<{ service: string; port?: number; cluster: string; extra?: object }>,
): Partial<RouteTable> {
  return {
    name: 'outbound',
    virtual_hosts: hosts.map((h) => {
      const short = h.service.split('.')[0];
      const port = h.port ?? 80;
      return {
        name: h.service,
        domains: [`${h.service}:${port}`, `${short}:${port}`, ...(port === 80 ? [h.service, short] : [])],
        routes: [
          {
            name: 'default',
            match: null,
            action: { clusters: [{ cluster: h.cluster, weight: 1 }], ...h.extra },
          },
        ],
      } as never;
    }),
  };
}

export function snapshot(version: string, parts: Record<string, unknown>): ProxyConfig {
  return normalizeProxyConfig({
    version,
    mesh: { trust_domain: 'cluster.local', access_mode: 'ACCESS_MODE_PERMISSIVE' },
    ...parts,
  });
}

export interface Sidecar {
  proxy: SidecarProxy;
  source: StaticConfigSource;
  address: string;
  close(): Promise<void>;
}

/** startSidecar runs a proxy on `address` with a static source; admin on port 15000. */
export async function startSidecar(
  address: string,
  config: ProxyConfig,
  identity?: WorkloadIdentity,
  clock?: Clock,
): Promise<Sidecar> {
  const source = new StaticConfigSource(config, identity);
  const proxy = new SidecarProxy({ source, address, adminPort: 15000, ...(clock ? { clock } : {}) });
  await proxy.start();
  for (let i = 0; i < 200 && !proxy.ready && proxy.snapshot; i++) await new Promise((r) => setTimeout(r, 5));
  return { proxy, source, address, close: () => proxy.close() };
}

export type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/** startApp runs a real node:http server on address:port (0 = any free port) and returns the port. */
export async function startApp(
  address: string,
  handler: Handler,
  port = 0,
): Promise<{ server: Server; port: number; close(): Promise<void> }> {
  const server = createServer(handler);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: address, port }, () => resolve());
  });
  const a = server.address();
  return {
    server,
    port: typeof a === 'object' && a ? a.port : 0,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** echoApp answers with a JSON description of the request it received. */
export function echoApp(name: string): Handler {
  return (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = JSON.stringify({
        name,
        method: req.method,
        url: req.url,
        headers: req.headers,
        bodyBytes: Buffer.concat(chunks).length,
      });
      res.writeHead(200, { 'content-type': 'application/json' }).end(body);
    });
  };
}

export interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/** send makes one HTTP/1.1 request to host:port with `path` as the request target (absolute-form allowed). */
export function send(
  host: string,
  port: number,
  path: string,
  opts: { method?: string; headers?: Record<string, string>; body?: string | Buffer; agent?: Agent } = {},
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host, port, path, method: opts.method ?? 'GET', headers: opts.headers, agent: opts.agent ?? false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString(),
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(opts.body);
  });
}

/** metricValue reads one sample from Prometheus text; labels must all match. */
export function metricValue(text: string, name: string, labels: Record<string, string> = {}): number {
  let total = 0;
  let found = false;
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const rest = line.slice(name.length);
    if (rest[0] !== '{' && rest[0] !== ' ') continue;
    if (Object.entries(labels).every(([k, v]) => rest.includes(`${k}="${v}"`))) {
      total += Number(line.slice(line.lastIndexOf(' ') + 1));
      found = true;
    }
  }
  return found ? total : NaN;
}
