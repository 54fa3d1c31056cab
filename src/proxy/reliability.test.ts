// Retries, outlier ejection, timeouts and streamed bodies through the outbound listener, against
// real upstream servers (one of them dead) on loopback.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { Agent, request } from 'node:http';
import { connect } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { REASON_HEADER } from './errors.js';
import {
  type Sidecar,
  cluster,
  echoApp,
  freeAddress,
  metricValue,
  outboundListener,
  routes,
  send,
  snapshot,
  startApp,
  startSidecar,
} from './testing/mesh.js';

const FLAKY = 'flaky.default.svc.cluster.local';
const SLOW = 'slow.default.svc.cluster.local';
const BODY = 'body.default.svc.cluster.local';
const P2C = 'p2c.default.svc.cluster.local';

describe('reliability', () => {
  const addr = freeAddress();
  const liveAddr = freeAddress();
  const deadAddr = freeAddress();
  const apps: Array<Awaited<ReturnType<typeof startApp>>> = [];
  let side: Sidecar;
  let deadPort = 0;

  before(async () => {
    const live = await startApp(liveAddr, echoApp('live'));
    // A server that is started and stopped leaves a port that refuses connections.
    const dead = await startApp(deadAddr, echoApp('dead'));
    deadPort = dead.port;
    await dead.close();
    const slow = await startApp(freeAddress(), (_req, res) => {
      setTimeout(() => res.end('late'), 2000).unref();
    });
    const body = await startApp(freeAddress(), (req, res) => {
      const hash = createHash('sha256');
      let n = 0;
      req.on('data', (c: Buffer) => {
        hash.update(c);
        n += c.length;
      });
      req.on('end', () => {
        const size = Number(req.headers['x-want-bytes'] ?? 0);
        res.writeHead(200, { 'x-got-bytes': String(n), 'x-got-sha': hash.digest('hex') });
        // Respond chunked (no content-length), in 64 KiB writes honouring backpressure.
        const block = Buffer.alloc(65536, 7);
        let sent = 0;
        const pump = (): void => {
          while (sent < size) {
            const part = block.subarray(0, Math.min(block.length, size - sent));
            sent += part.length;
            if (!res.write(part)) return void res.once('drain', pump);
          }
          res.end();
        };
        pump();
      });
    });
    const p2cA = await startApp(freeAddress(), echoApp('a'));
    const p2cB = await startApp(freeAddress(), echoApp('b'));
    apps.push(live, slow, body, p2cA, p2cB);
    side = await startSidecar(
      addr,
      snapshot('1', {
        listeners: [outboundListener()],
        route_tables: [
          routes([
            {
              service: FLAKY,
              cluster: 'flaky',
              extra: { retry: { max_retries: 2, budget_ratio: 1, min_retries_per_second: 100 } },
            },
            { service: SLOW, cluster: 'slow', extra: { timeout_ms: 300 } },
            { service: BODY, cluster: 'body' },
            { service: P2C, cluster: 'p2c' },
          ]),
        ],
        clusters: [
          cluster(
            'flaky',
            [
              { address: liveAddr, port: live.port },
              { address: deadAddr, port: deadPort },
            ],
            {
              outlier_detection: {
                consecutive_errors: 3,
                base_ejection_time_ms: 60000,
                max_ejection_percent: 50,
              },
            },
          ),
          cluster('slow', [
            {
              address: (slow.server.address() as { address: string }).address,
              port: slow.port,
            },
          ]),
          cluster('body', [
            { address: (body.server.address() as { address: string }).address, port: body.port },
          ]),
          cluster(
            'p2c',
            [p2cA, p2cB].map((a) => ({
              address: (a.server.address() as { address: string }).address,
              port: a.port,
            })),
            { lb_policy: 'LEAST_REQUEST' },
          ),
        ],
      }),
    );
  });
  after(async () => {
    await side.close();
    for (const a of apps) await a.close();
  });

  test('a dead endpoint of two: idempotent requests all succeed, then it is ejected', async () => {
    for (let i = 0; i < 30; i++) {
      const r = await send(addr, 15001, `http://${FLAKY}/x`);
      assert.equal(r.status, 200, r.body);
      assert.equal(JSON.parse(r.body).name, 'live');
    }
    const stats = side.proxy.prometheus();
    assert.ok(
      metricValue(stats, 'meshplane_proxy_retries_total', { cluster: 'flaky', reason: 'connect_failure' }) >=
        1,
    );
    assert.equal(metricValue(stats, 'meshplane_proxy_outlier_ejections_total', { cluster: 'flaky' }), 1);
    assert.equal(metricValue(stats, 'meshplane_proxy_outlier_ejected_endpoints', { cluster: 'flaky' }), 1);
  });

  test('killing one of two endpoints under keep-alive load fails no idempotent request', async () => {
    const KILL = 'kill.default.svc.cluster.local';
    const [x, y] = [freeAddress(), freeAddress()];
    const appX = await startApp(x, echoApp('x'));
    const appY = await startApp(y, echoApp('y'));
    const config = side.proxy.snapshot!.config;
    const nack = side.source.push({
      ...config,
      version: 'kill',
      route_tables: [
        {
          ...config.route_tables[0]!,
          virtual_hosts: [
            ...config.route_tables[0]!.virtual_hosts,
            {
              name: KILL,
              domains: [KILL],
              routes: [
                {
                  name: 'all',
                  match: null,
                  action: { clusters: [{ cluster: 'kill', weight: 1 }], timeout_ms: 0, retry: null },
                },
              ],
            },
          ],
        },
      ],
      clusters: [
        ...config.clusters,
        {
          ...config.clusters[0]!,
          name: 'kill',
          lb_policy: 'LEAST_REQUEST',
          endpoints: [x, y].map((address, i) => ({
            address,
            port: [appX, appY][i]!.port,
            identity: '',
            weight: 1,
            instance: '',
            labels: {},
          })),
        },
      ],
    });
    assert.equal(nack, undefined);
    const agents = Array.from({ length: 8 }, () => new Agent({ keepAlive: true, maxSockets: 1 }));
    const seen = { x: 0, y: 0, failed: 0 };
    let stop = false;
    const workers = agents.map(async (agent) => {
      while (!stop) {
        const r = await send(addr, 15001, `http://${KILL}/`, { agent }).catch(() => undefined);
        if (r?.status === 200) seen[JSON.parse(r.body).name as 'x' | 'y']++;
        else seen.failed++;
      }
    });
    await new Promise((r) => setTimeout(r, 300));
    await appX.close(); // closes its listener and every keep-alive connection the proxy holds
    const atKill = seen.x;
    await new Promise((r) => setTimeout(r, 500));
    stop = true;
    await Promise.all(workers);
    for (const a of agents) a.destroy();
    await appY.close();
    assert.equal(seen.failed, 0);
    assert.ok(atKill > 0 && seen.y > 0);
    assert.ok(seen.x <= atKill + 8, 'no request reaches the dead endpoint after it closed');
  });

  test('POST is retried after a connect failure too (nothing was sent)', async () => {
    for (let i = 0; i < 4; i++) {
      const r = await send(addr, 15001, `http://${FLAKY}/p`, { method: 'POST', body: 'hello' });
      assert.equal(r.status, 200);
    }
  });

  test('a slow upstream past the route timeout gets 504 upstream_timeout', async () => {
    const t0 = Date.now();
    const r = await send(addr, 15001, `http://${SLOW}/`);
    assert.equal(r.status, 504);
    assert.equal(r.headers[REASON_HEADER], 'upstream_timeout');
    assert.ok(Date.now() - t0 < 1500);
  });

  test('large request and response bodies stream both ways (content-length up, chunked down)', async () => {
    const up = Buffer.alloc(8 * 1024 * 1024 + 13, 3);
    const res = await new Promise<{ headers: Record<string, unknown>; bytes: number }>((resolve, reject) => {
      const req = request(
        {
          host: addr,
          port: 15001,
          method: 'PUT',
          path: `http://${BODY}/up`,
          headers: { 'x-want-bytes': String(16 * 1024 * 1024), 'content-length': up.length },
          agent: false,
        },
        (r) => {
          let bytes = 0;
          r.on('data', (c: Buffer) => (bytes += c.length));
          r.on('end', () => resolve({ headers: r.headers, bytes }));
        },
      );
      req.on('error', reject);
      req.end(up);
    });
    assert.equal(res.headers['x-got-bytes'], String(up.length));
    assert.equal(res.headers['x-got-sha'], createHash('sha256').update(up).digest('hex'));
    assert.equal(res.headers['transfer-encoding'], 'chunked');
    assert.equal(res.bytes, 16 * 1024 * 1024);
  });

  test('a chunked request body passes through unchanged', async () => {
    const parts = ['alpha', 'beta'.repeat(5000), 'gamma'];
    const res = await new Promise<Record<string, unknown>>((resolve, reject) => {
      const req = request(
        { host: addr, port: 15001, method: 'POST', path: `http://${BODY}/c`, agent: false },
        (r) => {
          r.resume();
          r.on('end', () => resolve(r.headers));
        },
      );
      req.on('error', reject);
      for (const p of parts) req.write(p);
      req.end();
    });
    const all = parts.join('');
    assert.equal(res['x-got-bytes'], String(all.length));
    assert.equal(res['x-got-sha'], createHash('sha256').update(all).digest('hex'));
  });

  test('pipelined requests on one connection are answered in order', async () => {
    const replies = await new Promise<string>((resolve, reject) => {
      const s = connect({ host: addr, port: 15001 }, () => {
        const one = (p: string): string => `GET http://${P2C}${p} HTTP/1.1\r\nhost: ${P2C}\r\n\r\n`;
        s.end(one('/1') + one('/2') + one('/3').replace('\r\n\r\n', '\r\nconnection: close\r\n\r\n'));
      });
      let text = '';
      s.on('data', (c) => (text += c.toString()));
      s.on('end', () => resolve(text));
      s.on('error', reject);
    });
    const urls = [...replies.matchAll(/"url":"([^"]+)"/g)].map((m) => m[1]);
    assert.deepEqual(urls, ['/1', '/2', '/3']);
  });

  test('least-request (P2C) uses both endpoints', async () => {
    const counts: Record<string, number> = {};
    await Promise.all(
      Array.from({ length: 40 }, async () => {
        const r = await send(addr, 15001, `http://${P2C}/`);
        const n = JSON.parse(r.body).name as string;
        counts[n] = (counts[n] ?? 0) + 1;
      }),
    );
    assert.ok((counts.a ?? 0) >= 5 && (counts.b ?? 0) >= 5, JSON.stringify(counts));
  });
});
