// Two sidecars over mTLS, as the mesh runs them: the caller's SPIFFE ID reaches the app in XFCC,
// inbound refuses plaintext, missing and foreign-CA certificates, policies allow and deny, and a
// certificate rotation keeps open connections.
import assert from 'node:assert/strict';
import { Agent } from 'node:http';
import { connect as h2connect } from 'node:http2';
import { type Socket, connect as netConnect } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { connect as tlsConnect } from 'node:tls';
import { REASON_HEADER } from './errors.js';
import { TestCa } from './testing/ca.js';
import { FakeClock } from './testing/fake_clock.js';
import {
  type Sidecar,
  SVC,
  cluster,
  echoApp,
  freeAddress,
  idOf,
  inboundListener,
  metricValue,
  outboundListener,
  routes,
  send,
  snapshot,
  startApp,
  startSidecar,
} from './testing/mesh.js';

const OUT = `outbound|80||${SVC}`;
const WRONG = 'wrong.default.svc.cluster.local';

/** refused resolves with what a raw connection got back: bytes before close, and any error. */
function probe(open: () => Socket, payload: string): Promise<{ data: string; error?: string }> {
  return new Promise((resolve) => {
    const s = open();
    let data = '';
    s.on('data', (c) => (data += c.toString()));
    s.on('error', (e) => resolve({ data, error: e.message }));
    s.on('close', () => resolve({ data }));
    s.on('connect', () => s.write(payload));
    s.on('secureConnect', () => s.write(payload));
    setTimeout(() => s.destroy(), 3000).unref();
  });
}

describe('sidecar pair over mTLS', () => {
  const ca = new TestCa();
  const foreign = new TestCa('some other root');
  const clientId = ca.issue(idOf('client'));
  const webId = ca.issue(idOf('web'));
  const aAddr = freeAddress();
  const bAddr = freeAddress();
  const appAddr = freeAddress();
  let app: Awaited<ReturnType<typeof startApp>>;
  let a: Sidecar;
  let b: Sidecar;
  let local = '';

  const serverConfig = (version: string, mesh?: object, policies: object[] = []) =>
    snapshot(version, {
      ...(mesh ? { mesh } : {}),
      listeners: [inboundListener(local)],
      clusters: [cluster(local, [{ address: appAddr, port: app.port }])],
      policies,
    });

  before(async () => {
    app = await startApp(appAddr, echoApp('web'));
    local = `inbound|${app.port}`;
    b = await startSidecar(bAddr, serverConfig('1'), webId);
    a = await startSidecar(
      aAddr,
      snapshot('1', {
        listeners: [outboundListener()],
        route_tables: [
          routes([
            { service: SVC, cluster: OUT },
            { service: WRONG, cluster: 'wrong' },
          ]),
        ],
        clusters: [
          cluster(OUT, [{ address: bAddr, port: 15006, identity: idOf('web') }], {
            mtls: true,
            service: SVC,
          }),
          cluster('wrong', [{ address: bAddr, port: 15006, identity: idOf('someone-else') }], {
            mtls: true,
            outlier_detection: { consecutive_errors: 0, base_ejection_time_ms: 0, max_ejection_percent: 0 },
          }),
        ],
      }),
      clientId,
    );
  });
  after(async () => {
    await a.close();
    await b.close();
    await app.close();
    ca.cleanup();
    foreign.cleanup();
  });

  test('the app sees the caller identity in x-forwarded-client-cert, overwriting a forged one', async () => {
    const r = await send(aAddr, 15001, `http://${SVC}/who`, {
      headers: { 'x-forwarded-client-cert': 'By=spiffe://evil;URI=spiffe://evil' },
    });
    assert.equal(r.status, 200, r.body);
    const seen = JSON.parse(r.body);
    assert.equal(seen.headers['x-forwarded-client-cert'], `By=${idOf('web')};URI=${idOf('client')}`);
    const stats = b.proxy.prometheus();
    assert.ok(
      metricValue(stats, 'meshplane_proxy_requests_total', {
        direction: 'inbound',
        source_identity: idOf('client'),
        code: '200',
      }) >= 1,
    );
    assert.ok(
      metricValue(a.proxy.prometheus(), 'meshplane_proxy_requests_total', {
        direction: 'outbound',
        destination_service: SVC,
        code: '200',
      }) >= 1,
    );
  });

  test('concurrent requests open more upstream connections, which resume the TLS session', async () => {
    const replies = await Promise.all(
      Array.from({ length: 4 }, () => send(aAddr, 15001, `http://${SVC}/many`)),
    );
    assert.ok(replies.every((r) => r.status === 200));
    const stats = a.proxy.prometheus();
    const opened = metricValue(stats, 'meshplane_proxy_upstream_connections_total', { cluster: OUT });
    assert.ok(opened >= 2, `opened ${opened}`);
    assert.ok(metricValue(stats, 'meshplane_proxy_upstream_tls_resumed_total', { cluster: OUT }) >= 1);
    // Resumed connections still carry the caller identity.
    assert.equal(
      JSON.parse(replies[3]!.body).headers['x-forwarded-client-cert'],
      `By=${idOf('web')};URI=${idOf('client')}`,
    );
  });

  test('HTTP/1.1 inside a CONNECT tunnel is handled per request, with the caller identity at the app', async () => {
    const text = await new Promise<string>((resolve, reject) => {
      const s = netConnect({ host: aAddr, port: 15001 }, () =>
        s.write(`CONNECT ${SVC}:80 HTTP/1.1\r\nhost: ${SVC}:80\r\n\r\n`),
      );
      let got = '';
      let sent = false;
      s.on('data', (d) => {
        got += d.toString('latin1');
        if (!sent && got.includes('\r\n\r\n')) {
          sent = true;
          s.write(
            `GET /in-tunnel/1 HTTP/1.1\r\nhost: ${SVC}\r\n\r\nGET /in-tunnel/2 HTTP/1.1\r\nhost: ${SVC}\r\nconnection: close\r\n\r\n`,
          );
        }
      });
      s.on('end', () => resolve(got));
      s.on('error', reject);
    });
    assert.match(text, /^HTTP\/1\.1 200 Connection Established\r\n\r\n/);
    const bodies = [...text.matchAll(/\{"name":"web".*?"bodyBytes":\d+\}/g)].map((m) => JSON.parse(m[0]));
    assert.deepEqual(
      bodies.map((b) => b.url),
      ['/in-tunnel/1', '/in-tunnel/2'],
    );
    assert.equal(bodies[0].headers['x-forwarded-client-cert'], `By=${idOf('web')};URI=${idOf('client')}`);
  });

  test('inbound refuses plaintext HTTP', async () => {
    const before =
      metricValue(b.proxy.prometheus(), 'meshplane_proxy_tls_handshake_failures_total', {
        side: 'downstream',
      }) || 0;
    const r = await probe(
      () => netConnect({ host: bAddr, port: 15006 }),
      'GET / HTTP/1.1\r\nhost: x\r\n\r\n',
    );
    assert.doesNotMatch(r.data, /HTTP\/1\.1 200/);
    await new Promise((res) => setTimeout(res, 50));
    assert.ok(
      metricValue(b.proxy.prometheus(), 'meshplane_proxy_tls_handshake_failures_total', {
        side: 'downstream',
      }) > before,
    );
  });

  test('inbound refuses a client without a certificate and one from another CA', async () => {
    const noCert = await probe(
      () =>
        tlsConnect({
          host: bAddr,
          port: 15006,
          ca: ca.certPem,
          checkServerIdentity: () => undefined,
          ALPNProtocols: ['http/1.1'],
        }),
      'GET / HTTP/1.1\r\nhost: x\r\n\r\n',
    );
    assert.doesNotMatch(noCert.data, /HTTP\/1\.1 200/);
    const stranger = foreign.issue(idOf('client'));
    const foreignCert = await probe(
      () =>
        tlsConnect({
          host: bAddr,
          port: 15006,
          key: stranger.keyPem,
          cert: stranger.certChainPem,
          ca: ca.certPem,
          checkServerIdentity: () => undefined,
          ALPNProtocols: ['http/1.1'],
        }),
      'GET / HTTP/1.1\r\nhost: x\r\n\r\n',
    );
    assert.doesNotMatch(foreignCert.data, /HTTP\/1\.1 200/);
    assert.ok(foreignCert.error || foreignCert.data === '');
  });

  test('a server whose SPIFFE ID is not the expected one is not trusted', async () => {
    const r = await send(aAddr, 15001, `http://${WRONG}/`);
    assert.equal(r.status, 503);
    assert.equal(r.headers[REASON_HEADER], 'upstream_connect_failure');
    assert.ok(
      metricValue(a.proxy.prometheus(), 'meshplane_proxy_tls_handshake_failures_total', {
        side: 'upstream',
        cluster: 'wrong',
      }) >= 1,
    );
  });

  test('policies: ENFORCED allows what a policy matches and denies the rest with 403 access_denied', async () => {
    const enforced = serverConfig(
      '2',
      { trust_domain: 'cluster.local', access_mode: 'ACCESS_MODE_ENFORCED' },
      [
        {
          name: 'default/client-reads',
          source_identities: [idOf('client')],
          http_matches: [{ path_regex: '/allowed', methods: ['GET'] }],
        },
      ],
    );
    assert.equal(b.source.push(enforced), undefined);
    try {
      assert.equal((await send(aAddr, 15001, `http://${SVC}/allowed/x`)).status, 200);
      const denied = await send(aAddr, 15001, `http://${SVC}/other`);
      assert.equal(denied.status, 403);
      assert.equal(denied.headers[REASON_HEADER], 'access_denied');
      const wrongMethod = await send(aAddr, 15001, `http://${SVC}/allowed`, { method: 'DELETE' });
      assert.equal(wrongMethod.status, 403);
      // Unspecified access mode fails closed: no policy, no access.
      assert.equal(
        b.source.push(
          serverConfig('3', { trust_domain: 'cluster.local', access_mode: 'ACCESS_MODE_UNSPECIFIED' }),
        ),
        undefined,
      );
      assert.equal((await send(aAddr, 15001, `http://${SVC}/allowed`)).status, 403);
    } finally {
      assert.equal(b.source.push(serverConfig('4')), undefined);
    }
  });

  test('policies match the path with its query and a repeated header value by value (HTTP/1.1 and h2)', async () => {
    const enforced = serverConfig(
      '5',
      { trust_domain: 'cluster.local', access_mode: 'ACCESS_MODE_ENFORCED' },
      [
        {
          name: 'default/blue-searches',
          source_identities: [idOf('client')],
          http_matches: [
            { path_regex: '/search\\?q=mesh', headers: [{ name: 'x-team', value_regex: 'blue' }] },
          ],
        },
      ],
    );
    assert.equal(b.source.push(enforced), undefined);
    const h2 = (path: string, team: string[]) =>
      new Promise<{ status: number; reason: unknown }>((resolve, reject) => {
        const session = h2connect(`http://${aAddr}:15001`);
        session.on('error', reject);
        const req = session.request({ ':path': path, ':authority': SVC, 'x-team': team });
        req.on('response', (h) => {
          resolve({ status: Number(h[':status']), reason: h[REASON_HEADER] });
          session.close();
        });
        req.on('error', reject);
        req.end();
      });
    try {
      const http1 = async (path: string, team: string[]) =>
        (await send(aAddr, 15001, `http://${SVC}${path}`, { headers: { 'x-team': team as never } })).status;
      assert.equal(await http1('/search?q=mesh&page=2', ['red', 'blue']), 200, 'one of the values matches');
      assert.equal(await http1('/search?q=mesh', ['red', 'green']), 403, 'no value matches');
      assert.equal(await http1('/search?q=other', ['blue']), 403, 'the query is part of what pathRegex sees');
      assert.equal(await http1('/search', ['blue']), 403);
      // h2: the policy decision only (the test app speaks HTTP/1.1, so an allowed stream fails later).
      assert.notEqual((await h2('/search?q=mesh', ['red', 'blue'])).reason, 'access_denied');
      assert.deepEqual(await h2('/search?q=mesh', ['red', 'green']), {
        status: 403,
        reason: 'access_denied',
      });
      assert.deepEqual(await h2('/search?q=no', ['blue']), { status: 403, reason: 'access_denied' });
    } finally {
      assert.equal(b.source.push(serverConfig('6')), undefined);
    }
  });

  test('certificate rotation keeps an open keep-alive connection and new handshakes use the new certificate', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    assert.equal((await send(aAddr, 15001, `http://${SVC}/r1`, { agent })).status, 200);
    const opened = metricValue(a.proxy.prometheus(), 'meshplane_proxy_upstream_connections_total', {
      cluster: OUT,
    });
    const serialOf = () =>
      new Promise<string>((resolve, reject) => {
        const id = a.proxy.identity.current!;
        const s = tlsConnect(
          {
            host: bAddr,
            port: 15006,
            key: id.keyPem,
            cert: id.certChainPem,
            ca: id.trustBundlePem,
            checkServerIdentity: () => undefined,
            ALPNProtocols: ['http/1.1'],
          },
          () => {
            resolve(s.getPeerCertificate().serialNumber);
            s.destroy();
          },
        );
        s.on('error', reject);
      });
    const before = await serialOf();
    b.source.rotate(ca.issue(idOf('web')));
    a.source.rotate(ca.issue(idOf('client')));
    const after = await serialOf();
    assert.notEqual(after, before);
    for (let i = 0; i < 5; i++)
      assert.equal((await send(aAddr, 15001, `http://${SVC}/r2`, { agent })).status, 200);
    assert.equal(
      metricValue(a.proxy.prometheus(), 'meshplane_proxy_upstream_connections_total', { cluster: OUT }),
      opened,
    );
    agent.destroy();
    assert.equal(metricValue(b.proxy.prometheus(), 'meshplane_proxy_identity_rotations_total'), 2);
  });
});

describe('idle upstream connections', () => {
  test('mTLS connections to a peer sidecar outlive the app-facing idle timeout', async () => {
    const ca = new TestCa();
    const clock = new FakeClock();
    const [aAddr, bAddr, appAddr] = [freeAddress(), freeAddress(), freeAddress()];
    const app = await startApp(appAddr, echoApp('web'));
    const local = `inbound|${app.port}`;
    const b = await startSidecar(
      bAddr,
      snapshot('1', {
        listeners: [inboundListener(local)],
        clusters: [cluster(local, [{ address: appAddr, port: app.port }])],
      }),
      ca.issue(idOf('web')),
      clock,
    );
    const a = await startSidecar(
      aAddr,
      snapshot('1', {
        listeners: [outboundListener()],
        route_tables: [routes([{ service: SVC, cluster: OUT }])],
        clusters: [
          cluster(OUT, [{ address: bAddr, port: 15006, identity: idOf('web') }], {
            mtls: true,
            service: SVC,
          }),
        ],
      }),
      ca.issue(idOf('client')),
      clock,
    );
    const opened = (s: Sidecar, c: string): number =>
      metricValue(s.proxy.prometheus(), 'meshplane_proxy_upstream_connections_total', { cluster: c });
    // Idle connections are swept once a second against the proxy's clock.
    const idleFor = async (ms: number): Promise<void> => {
      clock.advance(ms);
      await new Promise((r) => setTimeout(r, 1300));
    };
    try {
      assert.equal((await send(aAddr, 15001, `http://${SVC}/1`)).status, 200);
      assert.deepEqual([opened(a, OUT), opened(b, local)], [1, 1]);
      await idleFor(10_000); // past the 4 s app-facing timeout, well inside the peer one
      assert.equal((await send(aAddr, 15001, `http://${SVC}/2`)).status, 200);
      assert.deepEqual(
        [opened(a, OUT), opened(b, local)],
        [1, 2],
        'A reused its mTLS connection; B redialled the app',
      );
      await idleFor(61_000);
      assert.equal((await send(aAddr, 15001, `http://${SVC}/3`)).status, 200);
      assert.equal(opened(a, OUT), 2, 'past 60 s idle the mTLS connection was closed too');
    } finally {
      await a.close();
      await b.close();
      await app.close();
      ca.cleanup();
    }
  });
});
