// HTTP/1.1 edge behaviour of the data path over real sockets: 5xx retries only for idempotent
// requests, Expect: 100-continue, HEAD and 204 responses, refused upgrades, CONNECT on inbound, and
// serving on after the control plane disconnects.
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { connect } from 'node:net';
import { after, before, describe, test } from 'node:test';
import type { ConfigSource, ConfigSourceState, ProxyConfig } from '../../config/index.js';
import { REASON_HEADER } from '../errors.js';
import { SidecarProxy } from '../proxy.js';
import {
  cluster,
  freeAddress,
  metricValue,
  outboundListener,
  routes,
  send,
  snapshot,
  startApp,
} from '../testing/mesh.js';

const SVC = 'edge.default.svc.cluster.local';

/** A ConfigSource double whose connection state the test controls. */
class ControlledSource implements ConfigSource {
  private state: Array<(s: ConfigSourceState) => void> = [];
  private config: Array<(c: ProxyConfig) => Error | undefined> = [];
  constructor(private readonly first: ProxyConfig) {}
  onConfig(h: (c: ProxyConfig) => Error | undefined): void {
    this.config.push(h);
  }
  onIdentity(): void {}
  onState(h: (s: ConfigSourceState) => void): void {
    this.state.push(h);
  }
  async start(): Promise<void> {
    this.setState('connected');
    for (const h of this.config) h(this.first);
  }
  setState(s: ConfigSourceState): void {
    for (const h of this.state) h(s);
  }
  async close(): Promise<void> {}
}

function raw(host: string, port: number, text: string, until: RegExp): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = connect({ host, port }, () => s.write(text));
    let got = '';
    s.on('data', (d) => {
      got += d.toString('latin1');
      if (until.test(got)) {
        s.destroy();
        resolve(got);
      }
    });
    s.on('error', reject);
    s.on('close', () => resolve(got));
  });
}

describe('HTTP/1.1 edge behaviour', () => {
  const addr = freeAddress();
  const appAddr = freeAddress();
  let app: Awaited<ReturnType<typeof startApp>>;
  let proxy: SidecarProxy;
  let source: ControlledSource;
  let failures = 0;
  let slowSeen = 0;

  before(async () => {
    app = await startApp(appAddr, (req, res) => {
      if (req.url === '/flaky') {
        // Fails every other request, so one retry always succeeds.
        if (failures++ % 2 === 0) return void res.writeHead(503).end('try again');
        return void res.end(`ok after ${failures}`);
      }
      if (req.url === '/nocontent') return void res.writeHead(204).end();
      if (req.url === '/slowfirst') {
        // The first try stalls past the per-try timeout; the retry is answered at once.
        if (slowSeen++ === 0) return void setTimeout(() => res.end('late'), 1000).unref();
        return void res.end('fast');
      }
      if (req.url === '/upload') {
        let n = 0;
        req.on('data', (c: Buffer) => (n += c.length));
        req.on('end', () => res.end(`got ${n}`));
        return;
      }
      res.writeHead(200, { 'content-length': '5' }).end(req.method === 'HEAD' ? undefined : 'hello');
    });
    source = new ControlledSource(
      snapshot('1', {
        listeners: [outboundListener()],
        route_tables: [
          routes([
            {
              service: 'pertry.default.svc.cluster.local',
              cluster: 'edge',
              extra: {
                retry: {
                  max_retries: 1,
                  per_try_timeout_ms: 150,
                  budget_ratio: 1,
                  min_retries_per_second: 100,
                },
              },
            },
            {
              service: SVC,
              cluster: 'edge',
              extra: { retry: { max_retries: 1, budget_ratio: 1, min_retries_per_second: 100 } },
            },
          ]),
        ],
        clusters: [
          cluster('edge', [{ address: appAddr, port: app.port }], {
            outlier_detection: { consecutive_errors: 0, base_ejection_time_ms: 0, max_ejection_percent: 0 },
          }),
        ],
      }),
    );
    proxy = new SidecarProxy({ source, address: addr, adminPort: 0 });
    await proxy.start();
  });
  after(async () => {
    await proxy.close();
    await app.close();
  });

  test('a 5xx is retried for GET but passed through for POST', async () => {
    failures = 0;
    const get = await send(addr, 15001, `http://${SVC}/flaky`);
    assert.equal(get.status, 200);
    assert.equal(get.body, 'ok after 2');
    failures = 0;
    const post = await send(addr, 15001, `http://${SVC}/flaky`, { method: 'POST', body: 'x' });
    assert.equal(post.status, 503);
    assert.equal(post.body, 'try again');
    assert.equal(
      metricValue(proxy.prometheus(), 'meshplane_proxy_retries_total', { cluster: 'edge', reason: '5xx' }),
      1,
    );
  });

  test('a try that outlives per_try_timeout_ms is retried', async () => {
    const r = await send(addr, 15001, 'http://pertry.default.svc.cluster.local/slowfirst');
    assert.equal(r.status, 200);
    assert.equal(r.body, 'fast');
    assert.equal(
      metricValue(proxy.prometheus(), 'meshplane_proxy_retries_total', {
        cluster: 'edge',
        reason: 'per_try_timeout',
      }),
      1,
    );
  });

  test('Expect: 100-continue gets the interim response before the body is sent', async () => {
    const result = await new Promise<{ continued: boolean; body: string }>((resolve, reject) => {
      let continued = false;
      const req = request({
        host: addr,
        port: 15001,
        method: 'PUT',
        path: `http://${SVC}/upload`,
        headers: { expect: '100-continue', 'content-length': '1000' },
        agent: false,
      });
      req.on('continue', () => {
        continued = true;
        req.end(Buffer.alloc(1000));
      });
      req.on('response', (res) => {
        let body = '';
        res.on('data', (d) => (body += d));
        res.on('end', () => resolve({ continued, body }));
      });
      req.on('error', reject);
    });
    assert.deepEqual(result, { continued: true, body: 'got 1000' });
  });

  test('HEAD and 204 responses end without a body and keep the connection usable', async () => {
    const text = await raw(
      addr,
      15001,
      `HEAD http://${SVC}/ HTTP/1.1\r\nhost: ${SVC}\r\n\r\nGET http://${SVC}/nocontent HTTP/1.1\r\nhost: ${SVC}\r\n\r\nGET http://${SVC}/ HTTP/1.1\r\nhost: ${SVC}\r\n\r\n`,
      /hello$/,
    );
    const statuses = [...text.matchAll(/HTTP\/1\.1 (\d{3})/g)].map((m) => m[1]);
    assert.deepEqual(statuses, ['200', '204', '200']);
  });

  test('a local reply to HEAD has no body, and the connection stays usable', async () => {
    const text = await raw(
      addr,
      15001,
      `HEAD http://nowhere.default.svc.cluster.local/ HTTP/1.1\r\nhost: x\r\n\r\nGET http://${SVC}/ HTTP/1.1\r\nhost: ${SVC}\r\n\r\n`,
      /hello$/,
    );
    assert.match(text, /^HTTP\/1\.1 404 Not Found\r\n[^]*?\r\n\r\nHTTP\/1\.1 200 OK/);
  });

  test('a WebSocket upgrade is refused with 501 upgrade_not_supported; an h2c upgrade offer is ignored', async () => {
    const ws = await send(addr, 15001, `http://${SVC}/`, {
      headers: { connection: 'upgrade', upgrade: 'websocket' },
    });
    assert.equal(ws.status, 501);
    assert.equal(ws.headers[REASON_HEADER], 'upgrade_not_supported');
    const h2c = await send(addr, 15001, `http://${SVC}/`, {
      headers: {
        connection: 'upgrade, http2-settings',
        upgrade: 'h2c',
        'http2-settings': 'AAMAAABkAAQAAP__',
      },
    });
    assert.equal(h2c.status, 200);
  });

  test('malformed requests get 400 bad_request and the connection is closed', async () => {
    const text = await raw(addr, 15001, 'GET / HTTP/1.1\r\nbroken header line\r\n\r\n', /\n\n$/);
    assert.match(text, /^HTTP\/1\.1 400 Bad Request/);
    assert.match(text, /x-meshplane-reason: bad_request/);
    const https = await send(addr, 15001, 'https://secure.example/');
    assert.equal(https.status, 400);
  });

  test('the proxy keeps serving its last snapshot when the control plane goes away', async () => {
    source.setState('disconnected');
    assert.equal((await send(addr, 15001, `http://${SVC}/`)).status, 200);
    const dump = proxy.configDump() as { source_state: string; version: string };
    assert.equal(dump.source_state, 'disconnected');
    assert.equal(dump.version, '1');
    assert.equal(proxy.ready, true);
  });
});

describe('per-endpoint connection cap', () => {
  test('requests beyond the cap wait for a connection; beyond the waiting room they get 503 upstream_overflow', async () => {
    const addr = freeAddress();
    const appAddr = freeAddress();
    const app = await startApp(appAddr, (_req, res) => void setTimeout(() => res.end('done'), 300).unref());
    const source = new ControlledSource(
      snapshot('1', {
        listeners: [outboundListener()],
        route_tables: [routes([{ service: SVC, cluster: 'capped', extra: { retry: { max_retries: 0 } } }])],
        clusters: [cluster('capped', [{ address: appAddr, port: app.port }])],
      }),
    );
    const proxy = new SidecarProxy({
      source,
      address: addr,
      adminPort: 0,
      poolLimits: { connections: 2, waiting: 1 },
    });
    await proxy.start();
    try {
      const replies = await Promise.all(Array.from({ length: 4 }, () => send(addr, 15001, `http://${SVC}/`)));
      const statuses = replies.map((r) => r.status).sort();
      assert.deepEqual(statuses, [200, 200, 200, 503]);
      assert.equal(replies.find((r) => r.status === 503)!.headers[REASON_HEADER], 'upstream_overflow');
      assert.equal(
        metricValue(proxy.prometheus(), 'meshplane_proxy_upstream_connections_total', { cluster: 'capped' }),
        2,
      );
    } finally {
      await proxy.close();
      await app.close();
    }
    assert.throws(
      () => new SidecarProxy({ source, address: addr, poolLimits: { connections: 0, waiting: 1 } }),
      /poolLimits\.connections is 0; expected a positive integer/,
    );
  });
});
