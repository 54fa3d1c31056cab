// The sample app behaves like the learn-layer5 service: every route, exact JSON and wire shapes,
// and outgoing calls through an explicit HTTP proxy, against real servers on loopback.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer, request, type IncomingMessage, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { readProxySettings, proxyFor } from './proxy_env.js';
import { SampleApp } from './server.js';

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

/** target is a downstream server: /status/NNN answers NNN, everything else 200 "downstream <path>". */
async function startTarget(): Promise<{ server: Server; url: string; seen: Seen[] }> {
  const seen: Seen[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      seen.push({
        method: req.method!,
        url: req.url!,
        headers: req.headers,
        body: Buffer.concat(chunks).toString(),
      });
      const status = /^\/status\/(\d{3})/.exec(req.url!);
      res.writeHead(status ? Number(status[1]) : 200, { 'content-type': 'text/plain' });
      res.end(`downstream ${req.url}`);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

/**
 * startProxy is a tiny forwarding HTTP proxy: it takes absolute-form requests and sends them to
 * `upstream` whatever the host name, recording the request line and Host header it got.
 */
async function startProxy(upstream: string): Promise<{ server: Server; url: string; lines: string[] }> {
  const lines: string[] = [];
  const up = new URL(upstream);
  const server = createServer((req, res) => {
    lines.push(`${req.method} ${req.url} host=${req.headers.host}`);
    const target = new URL(req.url!);
    const out = request(
      {
        host: up.hostname,
        port: up.port,
        method: req.method,
        path: `${target.pathname}${target.search}`,
        headers: req.headers,
      },
      (upRes) => {
        res.writeHead(upRes.statusCode!, upRes.headers);
        upRes.pipe(res);
      },
    );
    out.on('error', () => {
      res.writeHead(502);
      res.end('bad gateway');
    });
    req.pipe(out);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, lines };
}

async function post(
  url: string,
  body: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; text: string; type: string | null }> {
  const res = await fetch(url, { method: 'POST', body, headers });
  return { status: res.status, text: await res.text(), type: res.headers.get('content-type') };
}

/** raw sends exact request bytes and returns the exact response bytes. */
function raw(url: string, bytes: string): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => socket.end(bytes));
    const chunks: Buffer[] = [];
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('error', reject);
    socket.on('close', () => resolve(Buffer.concat(chunks).toString('latin1')));
  });
}

interface MetricsBody {
  ReqReceived: string[];
  RespSucceeded: { URL: string; Method: string; Headers: unknown }[];
  RespFailed: { URL: string; Method: string; Headers: unknown }[];
}

async function metricsOf(base: string): Promise<MetricsBody> {
  return (await (await fetch(`${base}/metrics`)).json()) as MetricsBody;
}

function bodyOf(response: string): string {
  return response.slice(response.indexOf('\r\n\r\n') + 4);
}

describe('sample app without a proxy', () => {
  let app: SampleApp;
  let target: Awaited<ReturnType<typeof startTarget>>;
  before(async () => {
    target = await startTarget();
    app = await SampleApp.start({
      serviceName: 'app-a',
      host: '127.0.0.1',
      port: 0,
      proxy: readProxySettings({}),
    });
  });
  after(async () => {
    await app.close();
    target.server.close();
  });

  test('POST /call: 2xx downstream → 200 with its body, recorded in RespSucceeded with the given headers', async () => {
    await fetch(`${app.url}/metrics`, { method: 'DELETE' });
    const url = `${target.url}/echo?x=1`;
    const res = await post(
      `${app.url}/call`,
      JSON.stringify({ url, method: 'GET', body: 'ignored', headers: { 'X-Test': 'yes' } }),
    );
    assert.equal(res.status, 200);
    assert.equal(res.text, 'downstream /echo?x=1');
    const seen = target.seen.at(-1)!;
    assert.equal(seen.method, 'GET');
    assert.equal(seen.body, '', 'the body is sent only for POST, PATCH and PUT');
    assert.equal(seen.headers['content-length'], undefined);
    assert.equal(seen.headers['servicename'], 'app-a');
    assert.equal(seen.headers['x-test'], 'yes');
    const metrics = await metricsOf(app.url);
    assert.deepEqual(metrics, {
      ReqReceived: ['Unidentified'],
      RespSucceeded: [{ URL: url, Method: 'GET', Headers: { 'X-Test': 'yes' } }],
      RespFailed: [],
    });
  });

  test('POST /call sends the body for POST, PATCH and PUT only', async () => {
    for (const method of ['POST', 'PATCH', 'PUT', 'DELETE', 'post']) {
      await post(`${app.url}/call`, JSON.stringify({ url: `${target.url}/b`, method, body: 'payload' }));
      const seen = target.seen.at(-1)!;
      const sent = ['POST', 'PATCH', 'PUT'].includes(method);
      assert.equal(seen.body, sent ? 'payload' : '', method);
      if (sent) assert.equal(seen.headers['content-length'], '7');
    }
  });

  test('POST /call: 3xx counts as success; 4xx/5xx as failure, still answered 200 with the downstream body', async () => {
    await fetch(`${app.url}/metrics`, { method: 'DELETE' });
    const r302 = await post(
      `${app.url}/call`,
      JSON.stringify({ url: `${target.url}/status/302`, method: 'GET', body: '' }),
    );
    assert.equal(r302.status, 200);
    const r404 = await post(
      `${app.url}/call`,
      JSON.stringify({ url: `${target.url}/status/404`, method: 'GET', body: '', headers: null }),
    );
    assert.equal(r404.status, 200);
    assert.equal(r404.text, 'downstream /status/404');
    const r503 = await post(
      `${app.url}/call`,
      JSON.stringify({ url: `${target.url}/status/503`, method: 'POST', body: 'x', headers: {} }),
    );
    assert.equal(r503.status, 200);
    const text = await (await fetch(`${app.url}/metrics`)).text();
    assert.equal(
      text,
      `{"ReqReceived":["Unidentified","Unidentified","Unidentified"],` +
        `"RespSucceeded":[{"URL":"${target.url}/status/302","Method":"GET","Headers":null}],` +
        `"RespFailed":[{"URL":"${target.url}/status/404","Method":"GET","Headers":null},` +
        `{"URL":"${target.url}/status/503","Method":"POST","Headers":{}}]}\n`,
    );
  });

  test('POST /call: a transport error answers 500 and records nothing', async () => {
    await fetch(`${app.url}/metrics`, { method: 'DELETE' });
    const res = await post(
      `${app.url}/call`,
      JSON.stringify({ url: 'http://127.0.0.1:1/echo', method: 'GET', body: '' }),
    );
    assert.equal(res.status, 500);
    assert.equal(res.text, 'Error completing the request\n');
    const relative = await post(
      `${app.url}/call`,
      JSON.stringify({ url: 'app-b/echo', method: 'GET', body: '' }),
    );
    assert.equal(relative.status, 500, 'a relative URL fails when sent, as in Go');
    const metrics = await metricsOf(app.url);
    assert.deepEqual(metrics, {
      ReqReceived: ['Unidentified', 'Unidentified'],
      RespSucceeded: [],
      RespFailed: [],
    });
  });

  test('POST /call: empty body → 200 no-op; bad JSON → 400; bad method → 400; other methods → 200 empty', async () => {
    await fetch(`${app.url}/metrics`, { method: 'DELETE' });
    const empty = await post(`${app.url}/call`, '');
    assert.deepEqual([empty.status, empty.text], [200, '']);
    const bad = await post(`${app.url}/call`, '{"url": ');
    assert.deepEqual(
      [bad.status, bad.text, bad.type],
      [400, 'Error parsing body\n', 'text/plain; charset=utf-8'],
    );
    const wrongType = await post(`${app.url}/call`, JSON.stringify({ url: 5, method: 'GET', body: '' }));
    assert.equal(wrongType.status, 400);
    const badMethod = await post(
      `${app.url}/call`,
      JSON.stringify({ url: target.url, method: 'GE T', body: '' }),
    );
    assert.deepEqual([badMethod.status, badMethod.text], [400, 'Error creating request\n']);
    for (const method of ['GET', 'PUT', 'DELETE']) {
      const res = await fetch(`${app.url}/call`, { method });
      assert.deepEqual([res.status, await res.text()], [200, ''], method);
    }
    const metrics = await metricsOf(app.url);
    assert.equal(metrics.ReqReceived.length, 7, 'the middleware counts every request to /call');
    assert.deepEqual([metrics.RespSucceeded, metrics.RespFailed], [[], []]);
  });

  test('ANY /echo writes the request back in HTTP/1.1 wire format', async () => {
    const get = await raw(
      app.url,
      'GET /echo?q=1 HTTP/1.1\r\nHost: app-b.ns.svc.cluster.local:9091\r\nuser-agent: probe/1\r\n' +
        'x-b: 2\r\nServiceName: app-a\r\nX-B: 3\r\naccept: */*\r\nConnection: close\r\n\r\n',
    );
    assert.match(get, /^HTTP\/1\.1 200 OK\r\n/);
    assert.match(get, /\r\nContent-Type: text\/plain; charset=utf-8\r\n/);
    assert.equal(
      bodyOf(get),
      'GET /echo?q=1 HTTP/1.1\r\nHost: app-b.ns.svc.cluster.local:9091\r\nUser-Agent: probe/1\r\n' +
        'Accept: */*\r\nConnection: close\r\nServicename: app-a\r\nX-B: 2\r\nX-B: 3\r\n\r\n',
    );
    const postBody = await raw(
      app.url,
      'POST /echo HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello',
    );
    assert.equal(
      bodyOf(postBody),
      'POST /echo HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello',
    );
    const emptyDelete = await raw(app.url, 'DELETE /echo HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n');
    assert.equal(
      bodyOf(emptyDelete),
      'DELETE /echo HTTP/1.1\r\nHost: h\r\nContent-Length: 0\r\nConnection: close\r\n\r\n',
    );
    const chunked = await raw(
      app.url,
      'PUT /echo HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n',
    );
    assert.equal(
      bodyOf(chunked),
      'PUT /echo HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n5\r\nabcde\r\n0\r\n\r\n',
    );
    const http10 = await raw(app.url, 'GET /echo HTTP/1.0\r\nHost: h\r\n\r\n');
    assert.equal(bodyOf(http10), 'GET /echo HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n');
  });

  test('GET /metrics, DELETE /metrics, other methods 400 "Method not defined"; /metrics does not count', async () => {
    await fetch(`${app.url}/echo`, { headers: { ServiceName: 'app-z' } });
    const res = await fetch(`${app.url}/metrics`);
    assert.equal(res.headers.get('content-type'), 'application/json');
    const before = (await res.json()) as MetricsBody;
    assert.ok(before.ReqReceived.includes('app-z'));
    const del = await fetch(`${app.url}/metrics`, { method: 'DELETE' });
    assert.deepEqual([del.status, await del.text()], [200, '']);
    const cleared = await fetch(`${app.url}/metrics`);
    assert.equal(await cleared.text(), '{"ReqReceived":[],"RespSucceeded":[],"RespFailed":[]}\n');
    for (const method of ['POST', 'PUT', 'PATCH']) {
      const other = await fetch(`${app.url}/metrics`, { method });
      assert.deepEqual([other.status, await other.text()], [400, 'Method not defined\n'], method);
    }
    const none = await fetch(`${app.url}/nothing`);
    assert.deepEqual([none.status, await none.text()], [404, '404 page not found\n']);
    const after = await metricsOf(app.url);
    assert.deepEqual(after.ReqReceived, []);
  });
});

describe('sample app behind an explicit HTTP proxy', () => {
  let target: Awaited<ReturnType<typeof startTarget>>;
  let proxy: Awaited<ReturnType<typeof startProxy>>;
  before(async () => {
    target = await startTarget();
    proxy = await startProxy(target.url);
  });
  after(() => {
    target.server.close();
    proxy.server.close();
  });

  test('calls to service names go through HTTP_PROXY in absolute form; NO_PROXY and loopback go direct', async () => {
    const app = await SampleApp.start({
      serviceName: 'app-a',
      host: '127.0.0.1',
      port: 0,
      proxy: readProxySettings({ HTTP_PROXY: proxy.url, NO_PROXY: 'direct.example,.internal' }),
      nameResolution: 'none',
    });
    try {
      const url = 'http://app-b.conformance.svc.cluster.local:9091/echo';
      const res = await post(`${app.url}/call`, JSON.stringify({ url, method: 'GET', body: '' }));
      assert.deepEqual([res.status, res.text], [200, 'downstream /echo']);
      assert.deepEqual(proxy.lines, [`GET ${url} host=app-b.conformance.svc.cluster.local:9091`]);
      assert.equal(target.seen.at(-1)!.headers.servicename, 'app-a');
      // Loopback targets never use the proxy (as in Go).
      await post(`${app.url}/call`, JSON.stringify({ url: `${target.url}/direct`, method: 'GET', body: '' }));
      assert.equal(proxy.lines.length, 1);
      // NO_PROXY names go direct, and with no name resolution that is a transport error: 500.
      const direct = await post(
        `${app.url}/call`,
        JSON.stringify({ url: 'http://direct.example/x', method: 'GET', body: '' }),
      );
      assert.equal(direct.status, 500);
      assert.equal(proxy.lines.length, 1);
      const metrics = await metricsOf(app.url);
      assert.deepEqual(
        metrics.RespSucceeded.map((r) => r.URL),
        [url, `${target.url}/direct`],
      );
    } finally {
      await app.close();
    }
  });

  test('without a proxy and with NAME_RESOLUTION=none, service names fail: 500, nothing recorded', async () => {
    const app = await SampleApp.start({
      serviceName: 'app-a',
      host: '127.0.0.1',
      port: 0,
      proxy: readProxySettings({}),
      nameResolution: 'none',
    });
    try {
      const res = await post(
        `${app.url}/call`,
        JSON.stringify({ url: 'http://app-b.x.svc.cluster.local:9091/echo', method: 'GET', body: '' }),
      );
      assert.equal(res.status, 500);
      const metrics = await metricsOf(app.url);
      assert.deepEqual([metrics.RespSucceeded, metrics.RespFailed], [[], []]);
    } finally {
      await app.close();
    }
  });
});

test('proxyFor follows Go: loopback and localhost direct, NO_PROXY domains, subdomains, IPs, CIDRs and *', () => {
  const settings = readProxySettings({
    http_proxy: '127.0.0.9:15001',
    no_proxy: 'foo.com, .bar.com, 10.1.2.3, 192.168.0.0/16, baz.org:8080',
  });
  const via = (url: string) => proxyFor(new URL(url), settings)?.href;
  assert.equal(via('http://app-b.ns.svc.cluster.local:9091/'), 'http://127.0.0.9:15001/');
  assert.equal(via('http://localhost:9091/'), undefined);
  assert.equal(via('http://127.10.0.4:9091/'), undefined);
  assert.equal(via('http://[::1]:9091/'), undefined);
  assert.equal(via('http://foo.com/'), undefined);
  assert.equal(via('http://a.foo.com/'), undefined);
  assert.equal(via('http://bar.com/'), 'http://127.0.0.9:15001/', '.bar.com matches subdomains only');
  assert.equal(via('http://x.bar.com/'), undefined);
  assert.equal(via('http://10.1.2.3/'), undefined);
  assert.equal(via('http://192.168.4.5/'), undefined);
  assert.equal(via('http://baz.org:8080/'), undefined);
  assert.equal(via('http://baz.org/'), 'http://127.0.0.9:15001/');
  assert.equal(via('https://elsewhere/'), undefined, 'HTTP_PROXY covers http:// only');
  assert.equal(
    proxyFor(new URL('http://x/'), readProxySettings({ HTTP_PROXY: 'http://p:1', NO_PROXY: '*' })),
    undefined,
  );
  assert.throws(() => readProxySettings({ HTTP_PROXY: 'socks5://p:1' }), /only http:\/\/ proxies/);
});

test('main.js runs from its environment, prints where it listens and stops on SIGTERM', async (t) => {
  const main = new URL('./main.js', import.meta.url).pathname;
  const child = spawn(process.execPath, [main], {
    env: { PATH: process.env.PATH, SERVICE_NAME: 'app-q', HOST: '127.0.0.1', PORT: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  t.after(() => void (child.exitCode === null && child.signalCode === null && child.kill('SIGKILL')));
  const line = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString();
      if (out.includes('\n')) resolve(out.split('\n')[0]!);
    });
    child.once('exit', (code) => reject(new Error(`exited ${code}`)));
  });
  const url = /listening on (http:\/\/\S+)/.exec(line)![1]!;
  assert.match(line, /^app-q listening on http:\/\/127\.0\.0\.1:\d+$/);
  await fetch(`${url}/echo`, { headers: { ServiceName: 'app-p' } });
  assert.deepEqual((await metricsOf(url)).ReqReceived, ['app-p']);
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  child.kill('SIGTERM');
  assert.equal(await exited, 0);

  const bad = spawn(process.execPath, [main], { env: { PORT: 'x' }, stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  bad.stderr.on('data', (c: Buffer) => (err += c.toString()));
  assert.equal(await new Promise((r) => bad.once('exit', r)), 2);
  assert.match(err, /PORT is "x"; expected 0-65535/);
});
