#!/usr/bin/env node
// http-echo: a small HTTP server for trying the mesh. It binds HOST:PORT (set by the platform),
// answers every request with who it is and what it received (headers included, so the caller's
// SPIFFE ID in x-forwarded-client-cert is visible), and can call another service through its
// sidecar (HTTP_PROXY). Plain Node, no dependencies.
//
//   GET  /anything         JSON: this instance, the request, the caller's identity
//   GET  /call?url=URL     request URL through HTTP_PROXY and answer with what came back
//   GET  /healthz          200 while ready, 503 after POST /admin/unready
//   POST /admin/unready    fail /healthz from now on;  POST /admin/ready: pass again
//   POST /admin/exit?code=N  exit the process (to watch the platform restart it)
import { createServer, request } from 'node:http';

const host = process.env.HOST ?? '127.0.0.1';
const port = Number(process.env.PORT ?? 8080);
const proxy = process.env.HTTP_PROXY ?? process.env.http_proxy;
let ready = true;

const self = {
  instance: process.env.MESHPLANE_INSTANCE ?? 'http-echo',
  workload: process.env.MESHPLANE_WORKLOAD ?? '',
  namespace: process.env.MESHPLANE_NAMESPACE ?? '',
  serviceAccount: process.env.MESHPLANE_SERVICE_ACCOUNT ?? '',
  spiffeId: process.env.MESHPLANE_SPIFFE_ID ?? '',
  address: host,
  port,
  httpProxy: proxy ?? '',
  message: process.env.MESSAGE ?? '',
};

/** callerOf reads the peer's URI from an XFCC header: By=<own id>;URI=<peer id>. */
function callerOf(xfcc) {
  if (typeof xfcc !== 'string') return '';
  const last = xfcc.split(',').pop() ?? '';
  const m = /(?:^|;)URI=("?)([^;"]*)\1/.exec(last);
  return m ? m[2] : '';
}

function send(res, status, body) {
  const text = JSON.stringify(body, null, 2) + '\n';
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/** call makes a GET through the sidecar: an absolute-form request to the proxy, as HTTP clients do. */
function call(url) {
  const target = new URL(url);
  const via = proxy ? new URL(proxy) : target;
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: via.hostname,
        port: Number(via.port || 80),
        path: proxy ? target.href : target.pathname + target.search,
        headers: { host: target.host, 'x-request-from': self.instance },
        timeout: 10_000,
      },
      (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let body = text;
          try {
            body = JSON.parse(text);
          } catch {
            // not JSON: keep the text
          }
          resolve({ status: res.statusCode, headers: res.headers, body });
        });
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error('timed out after 10 s')));
    req.on('error', reject);
    req.end();
  });
}

const server = createServer((req, res) => {
  const url = new URL(req.url ?? '/', `http://${req.headers.host ?? 'localhost'}`);
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    if (url.pathname === '/healthz') return send(res, ready ? 200 : 503, { ready });
    if (req.method === 'POST' && url.pathname === '/admin/unready')
      return ((ready = false), send(res, 200, { ready }));
    if (req.method === 'POST' && url.pathname === '/admin/ready')
      return ((ready = true), send(res, 200, { ready }));
    if (req.method === 'POST' && url.pathname === '/admin/exit') {
      send(res, 200, { exiting: true });
      return setTimeout(() => process.exit(Number(url.searchParams.get('code') ?? 1)), 20);
    }
    if (url.pathname === '/call') {
      const target = url.searchParams.get('url');
      if (!target) return send(res, 400, { error: 'query parameter url is missing' });
      return call(target).then(
        (upstream) => send(res, 200, { from: self, upstream }),
        (error) => send(res, 502, { from: self, error: error.message }),
      );
    }
    send(res, 200, {
      ...self,
      caller: callerOf(req.headers['x-forwarded-client-cert']),
      request: {
        method: req.method,
        url: req.url,
        httpVersion: req.httpVersion,
        headers: req.headers,
        bodyBytes: Buffer.concat(chunks).length,
      },
    });
  });
});

server.keepAliveTimeout = 65_000;
server.listen(port, host, () => console.log(`http-echo ${self.instance} listening on ${host}:${port}`));
for (const signal of ['SIGTERM', 'SIGINT']) {
  process.on(signal, () => {
    console.log(`http-echo ${self.instance}: ${signal}, shutting down`);
    server.close(() => process.exit(0));
    server.closeAllConnections();
  });
}
