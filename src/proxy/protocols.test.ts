// HTTP/2, gRPC and TCP through two sidecars: h2c from the app, h2 over mTLS between sidecars, gRPC
// (unary and server streaming with trailers) with real @grpc/grpc-js, CONNECT tunnels and TCP listeners.
import assert from 'node:assert/strict';
import { type Http2Server, connect as h2connect, createServer as createH2Server } from 'node:http2';
import { type Server, type Socket, connect as netConnect, createServer as createNetServer } from 'node:net';
import { after, before, describe, test } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import { TestCa } from './testing/ca.js';
import {
  type Sidecar,
  cluster,
  freeAddress,
  idOf,
  inboundListener,
  metricValue,
  outboundListener,
  routes,
  snapshot,
  startSidecar,
} from './testing/mesh.js';

const GREETER = 'greeter.default.svc.cluster.local';
const ECHO = 'echo.default.svc.cluster.local';

const json = {
  serialize: (v: unknown) => Buffer.from(JSON.stringify(v)),
  deserialize: (b: Buffer) => JSON.parse(b.toString()) as unknown,
};
const service: grpc.ServiceDefinition = {
  Hello: {
    path: '/test.Greeter/Hello',
    requestStream: false,
    responseStream: false,
    requestSerialize: json.serialize,
    requestDeserialize: json.deserialize,
    responseSerialize: json.serialize,
    responseDeserialize: json.deserialize,
  },
  Count: {
    path: '/test.Greeter/Count',
    requestStream: false,
    responseStream: true,
    requestSerialize: json.serialize,
    requestDeserialize: json.deserialize,
    responseSerialize: json.serialize,
    responseDeserialize: json.deserialize,
  },
};

async function listen(server: Server | Http2Server, host: string): Promise<number> {
  await new Promise<void>((resolve) => server.listen({ host, port: 0 }, () => resolve()));
  return (server.address() as { port: number }).port;
}

describe('HTTP/2, gRPC and TCP through a sidecar pair', () => {
  const ca = new TestCa();
  const aAddr = freeAddress();
  const bAddr = freeAddress();
  const cAddr = freeAddress();
  const grpcAddr = freeAddress();
  const echoAddr = freeAddress();
  let grpcServer: grpc.Server;
  let echoServer: Server;
  let a: Sidecar;
  let b: Sidecar;
  let c: Sidecar;
  let echoPort = 0;

  before(async () => {
    grpcServer = new grpc.Server();
    grpcServer.addService(service, {
      Hello: (call: grpc.ServerUnaryCall<{ name: string }, unknown>, cb: grpc.sendUnaryData<unknown>) => {
        const xfcc = call.metadata.get('x-forwarded-client-cert')[0];
        if (call.request.name === 'fail') {
          cb({ code: grpc.status.FAILED_PRECONDITION, details: 'asked to fail' });
          return;
        }
        cb(null, { greeting: `hello ${call.request.name}`, xfcc });
      },
      Count: (call: grpc.ServerWritableStream<{ n: number }, unknown>) => {
        for (let i = 0; i < call.request.n; i++) call.write({ i });
        const trailer = new grpc.Metadata();
        trailer.set('x-count', String(call.request.n));
        call.end(trailer);
      },
    });
    const grpcPort = await new Promise<number>((resolve, reject) =>
      grpcServer.bindAsync(`${grpcAddr}:0`, grpc.ServerCredentials.createInsecure(), (e, p) =>
        e ? reject(e) : resolve(p),
      ),
    );
    echoServer = createNetServer((s) => s.pipe(s));
    echoPort = await listen(echoServer, echoAddr);

    b = await startSidecar(
      bAddr,
      snapshot('1', {
        listeners: [inboundListener(`inbound|${grpcPort}`)],
        clusters: [cluster(`inbound|${grpcPort}`, [{ address: grpcAddr, port: grpcPort }])],
      }),
      ca.issue(idOf('greeter')),
    );
    c = await startSidecar(
      cAddr,
      snapshot('1', {
        listeners: [inboundListener(`inbound|${echoPort}`)],
        clusters: [cluster(`inbound|${echoPort}`, [{ address: echoAddr, port: echoPort }])],
      }),
      ca.issue(idOf('echo')),
    );
    const greeterCluster = `outbound|50051||${GREETER}`;
    const echoCluster = `outbound|7||${ECHO}`;
    a = await startSidecar(
      aAddr,
      snapshot('1', {
        listeners: [
          outboundListener(),
          { name: 'tcp-echo', port: 7007, direction: 'OUTBOUND', protocol: 'TCP', tcp_cluster: echoCluster },
        ],
        route_tables: [
          routes([
            { service: GREETER, port: 50051, cluster: greeterCluster },
            { service: ECHO, port: 7, cluster: echoCluster },
          ]),
        ],
        clusters: [
          cluster(greeterCluster, [{ address: bAddr, port: 15006, identity: idOf('greeter') }], {
            mtls: true,
            service: GREETER,
          }),
          cluster(echoCluster, [{ address: cAddr, port: 15006, identity: idOf('echo') }], {
            mtls: true,
            service: ECHO,
          }),
        ],
      }),
      ca.issue(idOf('client')),
    );
  });
  after(async () => {
    await a.close();
    await b.close();
    await c.close();
    grpcServer.forceShutdown();
    echoServer.close();
    ca.cleanup();
  });

  const client = () => {
    const Client = grpc.makeGenericClientConstructor(service, 'Greeter');
    return new Client(`${aAddr}:15001`, grpc.credentials.createInsecure(), {
      'grpc.default_authority': `${GREETER}:50051`,
      'grpc.enable_http_proxy': 0,
    }) as grpc.Client & Record<string, (...args: unknown[]) => unknown>;
  };

  test('gRPC unary call from an h2c client reaches the server with the caller identity', async () => {
    const cl = client();
    const reply = await new Promise<{ greeting: string; xfcc: string }>((resolve, reject) =>
      cl.Hello({ name: 'mesh' }, (e: Error | null, r: { greeting: string; xfcc: string }) =>
        e ? reject(e) : resolve(r),
      ),
    );
    assert.equal(reply.greeting, 'hello mesh');
    assert.equal(reply.xfcc, `By=${idOf('greeter')};URI=${idOf('client')}`);
    const status = await new Promise<grpc.ServiceError>((resolve) =>
      cl.Hello({ name: 'fail' }, (e: grpc.ServiceError) => resolve(e)),
    );
    assert.equal(status.code, grpc.status.FAILED_PRECONDITION);
    assert.equal(status.details, 'asked to fail');
    cl.close();
  });

  test('gRPC server streaming passes every message and the trailers', async () => {
    const cl = client();
    const got: number[] = [];
    const trailer = await new Promise<grpc.Metadata>((resolve, reject) => {
      const call = cl.Count({ n: 25 }) as grpc.ClientReadableStream<{ i: number }>;
      call.on('data', (m: { i: number }) => got.push(m.i));
      call.on('status', (s: grpc.StatusObject) => resolve(s.metadata));
      call.on('error', reject);
    });
    assert.deepEqual(
      got,
      Array.from({ length: 25 }, (_, i) => i),
    );
    assert.equal(trailer.get('x-count')[0], '25');
    cl.close();
    const stats = b.proxy.prometheus();
    assert.ok(
      metricValue(stats, 'meshplane_proxy_requests_total', {
        direction: 'inbound',
        code: '200',
        source_identity: idOf('client'),
      }) >= 2,
    );
  });

  test('a gRPC client that goes through http_proxy (CONNECT, then h2c) is routed per call', async () => {
    const saved = process.env.http_proxy;
    process.env.http_proxy = `http://${aAddr}:15001`;
    let cl;
    try {
      const Client = grpc.makeGenericClientConstructor(service, 'Greeter');
      cl = new Client(`${GREETER}:50051`, grpc.credentials.createInsecure()) as grpc.Client &
        Record<string, (...args: unknown[]) => unknown>;
    } finally {
      if (saved === undefined) delete process.env.http_proxy;
      else process.env.http_proxy = saved;
    }
    const reply = await new Promise<{ greeting: string; xfcc: string }>((resolve, reject) =>
      cl.Hello({ name: 'tunnel' }, (e: Error | null, r: { greeting: string; xfcc: string }) =>
        e ? reject(e) : resolve(r),
      ),
    );
    cl.close();
    assert.equal(reply.greeting, 'hello tunnel');
    assert.equal(reply.xfcc, `By=${idOf('greeter')};URI=${idOf('client')}`);
  });

  test('an h2c request for an unknown authority gets a 404 with the reason header', async () => {
    const session = h2connect(`http://${aAddr}:15001`);
    const res = await new Promise<Record<string, unknown>>((resolve, reject) => {
      const req = session.request({ ':path': '/', ':authority': 'nowhere:80' });
      req.on('response', (h) => resolve(h as Record<string, unknown>));
      req.on('error', reject);
      req.resume();
      req.end();
    });
    session.close();
    assert.equal(res[':status'], 404);
    assert.equal(res['x-meshplane-reason'], 'route_not_found');
  });

  const roundTrip = (open: () => Socket, first: string, payload: Buffer): Promise<Buffer> =>
    new Promise((resolve, reject) => {
      const s = open();
      const got: Buffer[] = [];
      let established = first === '';
      let want = payload.length;
      s.on('connect', () => s.write(first === '' ? payload : first));
      s.on('data', (d: Buffer) => {
        if (!established) {
          const text = d.toString('latin1');
          assert.match(text, /^HTTP\/1\.1 200/);
          established = true;
          s.write(payload);
          return;
        }
        got.push(d);
        want -= d.length;
        if (want <= 0) {
          s.end();
          resolve(Buffer.concat(got));
        }
      });
      s.on('error', reject);
    });

  test('CONNECT through the outbound listener tunnels TCP to the service over mTLS', async () => {
    const payload = Buffer.alloc(300_000, 9);
    const back = await roundTrip(
      () => netConnect({ host: aAddr, port: 15001 }),
      `CONNECT ${ECHO}:7 HTTP/1.1\r\nhost: ${ECHO}:7\r\n\r\n`,
      payload,
    );
    assert.ok(back.equals(payload));
  });

  test('an outbound TCP listener passes bytes through to its cluster', async () => {
    const payload = Buffer.from('ping over tcp');
    const back = await roundTrip(() => netConnect({ host: aAddr, port: 7007 }), '', payload);
    assert.equal(back.toString(), 'ping over tcp');
    await new Promise((r) => setTimeout(r, 50));
    assert.ok(
      metricValue(c.proxy.prometheus(), 'meshplane_proxy_tcp_connections_total', { direction: 'inbound' }) >=
        2,
    );
  });

  test('inbound TCP policy: a port no policy lists closes the connection; PERMISSIVE lets it through', async () => {
    const config = (version: string, mode: string, ports: number[]) =>
      snapshot(version, {
        mesh: { trust_domain: 'cluster.local', access_mode: mode },
        listeners: [inboundListener(`inbound|${echoPort}`)],
        clusters: [cluster(`inbound|${echoPort}`, [{ address: echoAddr, port: echoPort }])],
        policies: [{ name: 'default/tcp', source_identities: [idOf('client')], tcp_matches: [{ ports }] }],
      });
    assert.equal(c.source.push(config('2', 'ACCESS_MODE_ENFORCED', [1])), undefined);
    const closed = await new Promise<string>((resolve) => {
      const s = netConnect({ host: aAddr, port: 7007 }, () => s.write('hello?'));
      let got = '';
      s.on('data', (d) => (got += d));
      s.on('close', () => resolve(got));
      s.on('error', () => {});
    });
    assert.equal(closed, '');
    assert.equal(
      metricValue(c.proxy.prometheus(), 'meshplane_proxy_requests_total', {
        reason: 'access_denied',
        source_identity: idOf('client'),
      }),
      1,
    );
    assert.equal(c.source.push(config('3', 'ACCESS_MODE_ENFORCED', [echoPort])), undefined);
    const back = await roundTrip(() => netConnect({ host: aAddr, port: 7007 }), '', Buffer.from('allowed'));
    assert.equal(back.toString(), 'allowed');
    assert.equal(c.source.push(config('4', 'ACCESS_MODE_PERMISSIVE', [])), undefined);
  });

  test('plain h2 (non-gRPC) requests and responses with bodies pass through', async () => {
    const h2app = createH2Server();
    h2app.on('stream', (stream, headers) => {
      const chunks: Buffer[] = [];
      stream.on('data', (d: Buffer) => chunks.push(d));
      stream.on('end', () => {
        stream.respond({ ':status': 201, 'x-path': String(headers[':path']) });
        stream.end(`got ${Buffer.concat(chunks).length}`);
      });
    });
    const h2Addr = freeAddress();
    const port = await listen(h2app, h2Addr);
    const dAddr = freeAddress();
    const d = await startSidecar(
      dAddr,
      snapshot('1', {
        listeners: [outboundListener()],
        route_tables: [routes([{ service: 'h2.default.svc.cluster.local', cluster: 'h2' }])],
        clusters: [cluster('h2', [{ address: h2Addr, port }])],
      }),
    );
    try {
      const session = h2connect(`http://${dAddr}:15001`);
      const { headers, body } = await new Promise<{ headers: Record<string, unknown>; body: string }>(
        (resolve, reject) => {
          const req = session.request({
            ':method': 'POST',
            ':path': '/up?q=1',
            ':authority': 'h2.default.svc.cluster.local',
          });
          let body = '';
          let headers: Record<string, unknown> = {};
          req.on('response', (h) => (headers = h as Record<string, unknown>));
          req.on('data', (x: Buffer) => (body += x.toString()));
          req.on('end', () => resolve({ headers, body }));
          req.on('error', reject);
          req.end(Buffer.alloc(100_000, 1));
        },
      );
      session.close();
      assert.equal(headers[':status'], 201);
      assert.equal(headers['x-path'], '/up?q=1');
      assert.equal(body, 'got 100000');
    } finally {
      await d.close();
      h2app.close();
    }
  });
});

test('an outbound TCP listener with tcp_clusters sends each new connection to one weighted cluster', async () => {
  const names = ['one', 'two', 'never'];
  const servers = names.map((name) => createNetServer((s) => s.end(name)));
  const addrs = names.map(() => freeAddress());
  const ports = await Promise.all(servers.map((s, i) => listen(s, addrs[i]!)));
  const dAddr = freeAddress();
  const d = await startSidecar(
    dAddr,
    snapshot('1', {
      listeners: [
        {
          name: 'tcp-split',
          port: 7009,
          direction: 'OUTBOUND',
          protocol: 'TCP',
          tcp_cluster: 'never', // what a proxy that predates tcp_clusters would use
          tcp_clusters: [
            { cluster: 'one', weight: 1 },
            { cluster: 'never', weight: 0 },
            { cluster: 'two', weight: 1 },
          ],
        },
      ],
      clusters: names.map((name, i) => cluster(name, [{ address: addrs[i]!, port: ports[i]! }])),
    }),
  );
  try {
    const counts: Record<string, number> = { one: 0, two: 0, never: 0 };
    for (let i = 0; i < 40; i++) {
      const got = await new Promise<string>((resolve, reject) => {
        const s = netConnect({ host: dAddr, port: 7009 });
        let text = '';
        s.on('data', (b: Buffer) => (text += b.toString()));
        s.on('end', () => resolve(text));
        s.on('error', reject);
      });
      counts[got] = (counts[got] ?? 0) + 1;
    }
    // Per connection, not per listener: both weighted clusters get some of 40 (each misses all
    // with probability 2^-40), weight 0 none.
    assert.equal(counts.never, 0);
    assert.equal(counts.one! + counts.two!, 40, JSON.stringify(counts));
    assert.ok(counts.one! > 0 && counts.two! > 0, JSON.stringify(counts));
  } finally {
    await d.close();
    for (const s of servers) s.close();
  }
});
