// Outbound listener over real sockets: absolute-form and origin-form routing, local replies with
// reasons, load balancing spread, retries around a dead endpoint, timeouts and keep-alive reuse.
import assert from 'node:assert/strict';
import { Agent } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { REASON_HEADER } from './errors.js';
import {
  type Sidecar,
  SVC,
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

const CL = `outbound|80||${SVC}`;

describe('outbound HTTP/1.1', () => {
  const addr = freeAddress();
  const appAddrs = [freeAddress(), freeAddress()];
  const apps: Array<Awaited<ReturnType<typeof startApp>>> = [];
  let side: Sidecar;

  before(async () => {
    for (const [i, a] of appAddrs.entries()) apps.push(await startApp(a, echoApp(`app${i}`)));
    side = await startSidecar(
      addr,
      snapshot('1', {
        listeners: [outboundListener()],
        route_tables: [
          routes([
            { service: SVC, cluster: CL },
            { service: 'empty.default.svc.cluster.local', cluster: 'empty' },
          ]),
        ],
        clusters: [
          cluster(
            CL,
            appAddrs.map((a, i) => ({ address: a, port: apps[i]!.port })),
            { service: SVC },
          ),
          cluster('empty', []),
        ],
      }),
    );
  });
  after(async () => {
    await side.close();
    for (const a of apps) await a.close();
  });

  test('absolute-form request reaches the service in origin-form with its Host', async () => {
    const r = await send(addr, 15001, `http://${SVC}/hello?x=1`, {
      headers: { 'proxy-connection': 'keep-alive' },
    });
    assert.equal(r.status, 200);
    const seen = JSON.parse(r.body);
    assert.equal(seen.url, '/hello?x=1');
    assert.equal(seen.headers.host, SVC);
    assert.equal(seen.headers['proxy-connection'], undefined);
  });

  test('origin-form request is routed by its Host header, short names included', async () => {
    const r = await send(addr, 15001, '/a', { headers: { host: 'web:80' } });
    assert.equal(r.status, 200);
    assert.equal(JSON.parse(r.body).url, '/a');
  });

  test('unknown authority gets 404 route_not_found', async () => {
    const r = await send(addr, 15001, 'http://nope.default.svc.cluster.local/');
    assert.equal(r.status, 404);
    assert.equal(r.headers[REASON_HEADER], 'route_not_found');
  });

  test('a cluster without endpoints gets 503 no_healthy_upstream', async () => {
    const r = await send(addr, 15001, 'http://empty.default.svc.cluster.local/');
    assert.equal(r.status, 503);
    assert.equal(r.headers[REASON_HEADER], 'no_healthy_upstream');
  });

  test('round robin spreads requests over both endpoints', async () => {
    const counts: Record<string, number> = {};
    for (let i = 0; i < 20; i++) {
      const r = await send(addr, 15001, `http://${SVC}/rr`);
      const name = JSON.parse(r.body).name as string;
      counts[name] = (counts[name] ?? 0) + 1;
    }
    assert.deepEqual(counts, { app0: 10, app1: 10 });
  });

  test('keep-alive: many requests on one downstream connection reuse upstream connections', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    for (let i = 0; i < 50; i++)
      assert.equal((await send(addr, 15001, `http://${SVC}/k`, { agent })).status, 200);
    agent.destroy();
    const stats = side.proxy.prometheus();
    assert.ok(metricValue(stats, 'meshplane_proxy_upstream_connections_total', { cluster: CL }) <= 4);
    assert.ok(metricValue(stats, 'meshplane_proxy_requests_total', { cluster: CL, code: '200' }) >= 50);
  });
});
