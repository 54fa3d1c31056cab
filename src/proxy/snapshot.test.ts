// Snapshot application: new routes take effect, in-flight requests finish on the snapshot they
// started with, invalid snapshots are NACKed whole with the last good one still serving, and the
// admin endpoints report it.
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { ProxyErrorCode } from './errors.js';
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

const V1 = 'v1.default.svc.cluster.local';
const V2 = 'v2.default.svc.cluster.local';

describe('snapshot swap', () => {
  const addr = freeAddress();
  const apps: Array<Awaited<ReturnType<typeof startApp>>> = [];
  let side: Sidecar;
  let release: () => void = () => {};
  let appAddrs: string[] = [];

  const good = (version: string, withV2: boolean) =>
    snapshot(version, {
      listeners: [outboundListener()],
      route_tables: [
        routes([{ service: V1, cluster: 'one' }, ...(withV2 ? [{ service: V2, cluster: 'two' }] : [])]),
      ],
      clusters: [
        cluster('one', [{ address: appAddrs[0]!, port: apps[0]!.port }]),
        cluster('two', [{ address: appAddrs[1]!, port: apps[1]!.port }]),
      ],
    });

  before(async () => {
    appAddrs = [freeAddress(), freeAddress()];
    apps.push(
      await startApp(appAddrs[0]!, (req, res) => {
        if (req.url === '/hold') {
          release = () => res.end('held');
          return;
        }
        echoApp('one')(req, res);
      }),
    );
    apps.push(await startApp(appAddrs[1]!, echoApp('two')));
    side = await startSidecar(addr, good('1', false));
  });
  after(async () => {
    await side.close();
    for (const a of apps) await a.close();
  });

  test('/ready, /config_dump and /stats/prometheus answer on the admin port', async () => {
    const ready = await send(addr, 15000, '/ready');
    assert.equal(ready.status, 200);
    const dump = JSON.parse((await send(addr, 15000, '/config_dump')).body);
    assert.equal(dump.version, '1');
    assert.equal(dump.config.clusters.length, 2);
    assert.equal(dump.listeners[0].state, 'bound');
    const prom = (await send(addr, 15000, '/stats/prometheus')).body;
    assert.equal(metricValue(prom, 'meshplane_proxy_config_info', { version: '1' }), 1);
    assert.equal(metricValue(prom, 'meshplane_proxy_config_updates_total', { result: 'ack' }), 1);
    // The proxy's own cost, as Prometheus clients name it.
    const rss = metricValue(prom, 'process_resident_memory_bytes');
    assert.ok(rss > 10e6 && rss < 4e9, `rss ${rss}`);
    assert.ok(metricValue(prom, 'process_cpu_seconds_total') > 0);
    assert.ok(metricValue(prom, 'process_open_fds') >= 3);
    const start = metricValue(prom, 'process_start_time_seconds');
    assert.ok(Math.abs(start - Date.now() / 1000) < 3600, `start ${start}`);
    assert.ok(
      metricValue(prom, 'nodejs_heap_size_used_bytes') <= metricValue(prom, 'nodejs_heap_size_total_bytes'),
    );
    assert.match(prom, /^# TYPE process_cpu_seconds_total counter$/m);
  });

  test('a new snapshot adds routes; an in-flight request finishes on the old one', async () => {
    assert.equal((await send(addr, 15001, `http://${V2}/`)).status, 404);
    const held = new Promise<string>((resolve, reject) => {
      const req = request({ host: addr, port: 15001, path: `http://${V1}/hold`, agent: false }, (res) => {
        let body = '';
        res.on('data', (c) => (body += c));
        res.on('end', () => resolve(body));
      });
      req.on('error', reject);
      req.end();
    });
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(side.source.push(good('2', true)), undefined);
    const r = await send(addr, 15001, `http://${V2}/`);
    assert.equal(r.status, 200);
    assert.equal(JSON.parse(r.body).name, 'two');
    release();
    assert.equal(await held, 'held');
  });

  const invalid: Array<[string, (c: ReturnType<typeof good>) => void, RegExp]> = [
    [
      'a dangling cluster reference',
      (c) => (c.route_tables[0]!.virtual_hosts[0]!.routes[0]!.action!.clusters[0]!.cluster = 'gone'),
      /clusters\[0\]\.cluster is "gone"/,
    ],
    [
      'a bad regex',
      (c) =>
        (c.route_tables[0]!.virtual_hosts[0]!.routes[0]!.match = {
          path_regex: '([',
          methods: [],
          headers: [],
        }),
      /path_regex is "\(\[".*valid regular expression/,
    ],
    ['port 0', (c) => (c.clusters[1]!.endpoints[0]!.port = 0), /clusters\[1\]\.endpoints\[0\]\.port is 0/],
    [
      'a listener without its route table',
      (c) => (c.listeners[0]!.route_table = 'missing'),
      /listeners\[0\]\.route_table/,
    ],
  ];
  for (const [what, breakIt, message] of invalid) {
    test(`a snapshot with ${what} is NACKed and the last good one keeps serving`, async () => {
      const bad = good('bad', false);
      breakIt(bad);
      const nack = side.source.push(bad);
      assert.ok(nack instanceof Error);
      assert.equal((nack as Error & { code: string }).code, ProxyErrorCode.InvalidConfig);
      assert.match(nack.message, message);
      assert.equal(side.proxy.snapshot?.version, '2');
      assert.equal((await send(addr, 15001, `http://${V2}/`)).status, 200);
      const dump = JSON.parse((await send(addr, 15000, '/config_dump')).body);
      assert.equal(dump.version, '2');
      assert.equal(dump.last_nack.version, 'bad');
    });
  }

  test('NACKs and ACKs are counted', () => {
    const prom = side.proxy.prometheus();
    assert.equal(
      metricValue(prom, 'meshplane_proxy_config_updates_total', { result: 'nack' }),
      invalid.length,
    );
    assert.equal(metricValue(prom, 'meshplane_proxy_config_info', { version: '2' }), 1);
    assert.ok(Number.isNaN(metricValue(prom, 'meshplane_proxy_config_info', { version: '1' })));
  });
});
