/**
 * The admin listener (port 15000): /ready, /stats/prometheus and /config_dump. It runs on node:http,
 * off the data path.
 * @module
 */
import { type Server, createServer } from 'node:http';

export interface AdminSource {
  /** readiness returns undefined when ready, else what the proxy is still waiting for. */
  readiness(): string | undefined;
  prometheus(): string;
  configDump(): unknown;
}

export function createAdminServer(source: AdminSource): Server {
  return createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain' }).end('method not allowed\n');
      return;
    }
    if (path === '/ready') {
      const waiting = source.readiness();
      res
        .writeHead(waiting ? 503 : 200, { 'content-type': 'text/plain' })
        .end(waiting ? `not ready: ${waiting}\n` : 'ready\n');
    } else if (path === '/stats/prometheus') {
      res
        .writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' })
        .end(source.prometheus());
    } else if (path === '/config_dump') {
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(`${JSON.stringify(source.configDump(), null, 2)}\n`);
    } else {
      res
        .writeHead(404, { 'content-type': 'text/plain' })
        .end('not found; try /ready, /stats/prometheus or /config_dump\n');
    }
  });
}
