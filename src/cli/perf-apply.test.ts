// `meshplane perf apply -f` on this host: an SMP file with two endpoints on two real local servers,
// one run each, one SMP result each; bad files run nothing; --server keeps its own mode.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { parse as parseYaml, parseAllDocuments } from 'yaml';
import { startHttpServer, type TestServer } from '../perf/testing/servers.js';
import { main } from './main.js';
import { captureIO } from './testing/io.js';

/** A server that answers after `delayMs`, so latencies have a known floor. */
const slow = (delayMs: number) =>
  startHttpServer((_req, res) => {
    setTimeout(() => {
      res.writeHead(200, { 'Content-Length': '3' });
      res.end('ok\n');
    }, delayMs);
  });

interface SmpResultDoc {
  smp_version: string;
  id: string;
  labels: Record<string, string>;
  start_time: { seconds: number; nanos?: number };
  end_time: { seconds: number; nanos?: number };
  latencies_ms: { min: number; average: number; p50: number; p90: number; p99: number; max: number };
  actual_qps: number;
  test_id: string;
}

const millis = (t: { seconds: number; nanos?: number }) => t.seconds * 1000 + (t.nanos ?? 0) / 1e6;

let a: TestServer;
let b: TestServer;
let dir: string;
before(async () => {
  a = await slow(5);
  b = await slow(20);
  dir = mkdtempSync(join(tmpdir(), 'meshplane-apply-'));
});
after(async () => {
  await a.close();
  await b.close();
  rmSync(dir, { recursive: true, force: true });
});

const twoEndpoints = () => `
test:
  smp_version: v0.0.1
  id: two-endpoints
  name: two endpoints
  labels: { team: payments }
  clients:
    - load_generator: fortio
      protocol: 1
      connections: 2
      rps: 100
      headers: { x-client: one }
      endpoint_urls: ['${a.url}cart']
    - protocol: 1
      connections: 1
      rps: 0
      cookies: { session: s1 }
      body: '{"pay": 1}'
      content_type: application/json
      additional_options: '{"method": "PUT"}'
      endpoint_urls: ['${b.url}pay']
  duration: 600ms
mesh:
  type: LINKERD
  version: 2.14.0
`;

test('perf apply -f runs an SMP file with two endpoints and writes an SMP result for each', async () => {
  const file = join(dir, 'checkout.yaml');
  writeFileSync(file, twoEndpoints());
  const out = join(dir, 'results');
  const io = captureIO();
  const code = await main(['perf', 'apply', '-f', file, '--save-smp', out, '--warmup', '0s', '-o', 'yaml'], io);
  assert.equal(code, 0, io.err());
  assert.match(io.err(), /two endpoints: 2 runs \(2 clients × their endpoint URLs\), one after the other/);
  assert.match(io.err(), /\[1\/2\] two endpoints #1\.1: GET http:\/\/127\.0\.0\.1:\d+\/cart/);
  assert.match(io.err(), /\[2\/2\] two endpoints #2\.1: PUT http:\/\/127\.0\.0\.1:\d+\/pay/);

  // Each endpoint got its own client's requests: headers, cookies, body, content type, method.
  assert.ok(a.requests.length > 30 && a.requests.every((r) => r.url === '/cart' && r.method === 'GET'));
  assert.ok(a.requests.every((r) => r.headers['x-client'] === 'one' && r.headers.cookie === undefined));
  assert.ok(b.requests.length > 5 && b.requests.every((r) => r.url === '/pay' && r.method === 'PUT'));
  assert.ok(b.requests.every((r) => r.headers.cookie === 'session=s1' && r.headers['content-type'] === 'application/json'));
  assert.ok(b.requests.every((r) => r.body.toString() === '{"pay": 1}' && r.headers['x-client'] === undefined));
  // One after the other: the second endpoint's first request came after the first's last.
  assert.ok(b.requests[0]!.at > a.requests.at(-1)!.at);

  assert.deepEqual(readdirSync(out).sort(), ['checkout.result-1-1.yaml', 'checkout.result-2-1.yaml']);
  const files = ['checkout.result-1-1.yaml', 'checkout.result-2-1.yaml'].map(
    (f) => parseYaml(readFileSync(join(out, f), 'utf8')) as SmpResultDoc,
  );
  const printed = parseAllDocuments(io.out()).map((d) => d.toJSON() as SmpResultDoc);
  assert.deepEqual(printed, files, '-o yaml prints the same documents');

  const [cart, pay] = files as [SmpResultDoc, SmpResultDoc];
  for (const [r, server, floorMs] of [[cart, a, 5], [pay, b, 20]] as const) {
    assert.equal(r.smp_version, 'v0.6.1');
    assert.equal(r.test_id, 'two-endpoints', 'test_id refers to the config id');
    assert.match(r.id, /^[0-9a-f-]{36}$/);
    // Milliseconds: the server waits floorMs before answering (seconds would be 0.005, µs 5000);
    // Node's timers may fire up to a millisecond early.
    const l = r.latencies_ms;
    assert.ok(l.min >= floorMs - 1.5 && l.min < floorMs + 200, `min ${l.min} ms`);
    assert.ok(l.min <= l.p50 && l.p50 <= l.p90 && l.p90 <= l.p99 && l.p99 <= l.max, JSON.stringify(l));
    assert.ok(l.average >= l.min && l.average <= l.max);
    // The window: about the 600 ms asked for, and the rate is what the server saw in it.
    const windowMs = millis(r.end_time) - millis(r.start_time);
    assert.ok(windowMs >= 590 && windowMs < 1500, `window ${windowMs} ms`);
    assert.ok(Math.abs(r.actual_qps - server.requests.length / (windowMs / 1000)) / r.actual_qps < 0.1,
      `actual_qps ${r.actual_qps} vs ${server.requests.length} requests in ${windowMs} ms`);
    assert.equal(r.labels.requests, String(server.requests.length));
    assert.equal(r.labels.team, 'payments');
    assert.equal(r.labels.mesh, 'linkerd');
    assert.equal(r.labels.mesh_version, '2.14.0');
    assert.equal(r.labels.errors, '0');
  }
  assert.ok(Math.abs(cart.actual_qps - 100) < 5, `open loop at 100 req/s: ${cart.actual_qps}`);
  assert.deepEqual(
    [cart.labels.name, cart.labels.url, cart.labels.load_model, cart.labels.latency_from, cart.labels.requested_qps, cart.labels.connections],
    ['two endpoints #1.1', `${a.url}cart`, 'open', 'scheduled', '100', '2'],
  );
  assert.deepEqual(
    [pay.labels.name, pay.labels.method, pay.labels.load_model, pay.labels.latency_from, pay.labels.requested_qps, pay.labels.duration],
    ['two endpoints #2.1', 'PUT', 'closed', 'sent', 'max', '600ms'],
  );
}); // prettier-ignore

test('perf apply prints a text summary per run and a table; results default to the test file directory', async () => {
  const sub = join(dir, 'text');
  rmSync(sub, { recursive: true, force: true });
  const file = join(dir, 'text-test.yml');
  writeFileSync(file, twoEndpoints().replace('duration: 600ms', 'duration: 300ms'));
  const io = captureIO();
  assert.equal(await main(['perf', 'apply', '-f', file, '--warmup', '0', '--mesh', 'none'], io), 0, io.err());
  assert.match(io.out(), /^── \[1\/2\] two endpoints #1\.1 {2}\(test\.clients\[0\], endpoint 1\)\nGET http/);
  assert.match(io.out(), /── \[2\/2\] two endpoints #2\.1 {2}\(test\.clients\[1\], endpoint 1\)\nPUT http/);
  assert.match(io.out(), /SMP result {3}.*text-test\.result-2-1\.yaml/);
  assert.match(
    io.out(),
    /RUN +NAME +URL +REQUESTS +QPS +P50 +P99 +ERRORS +SMP RESULT\n1\.1 +two endpoints #1\.1 /,
  );
  const r = parseYaml(readFileSync(join(dir, 'text-test.result-1-1.yaml'), 'utf8')) as SmpResultDoc;
  assert.equal(r.labels.mesh, 'none', '--mesh wins over the file');
});

test('a bad file is refused before anything runs, naming the SMP field (exit 2, no result written)', async () => {
  const before = a.requests.length;
  const out = join(dir, 'never');
  const cases: [string, RegExp][] = [
    [twoEndpoints().replace(/protocol: 1\n(\s+)connections: 1/, 'protocol: 4\n$1connections: 1'),
      /bad\.yaml: test\.clients\[1\]\.protocol is "PROTOCOL_GRPC"; expected PROTOCOL_HTTP \(1\)/],
    [twoEndpoints().replace('rps: 100', 'rps: -3'), /test\.clients\[0\]\.rps is -3; expected an integer ≥ 0/],
    [twoEndpoints().replace('"method": "PUT"', '"method": "PUT", "retries": 2'),
      /test\.clients\[1\]\.additional_options\.retries is 2; expected one of the keys method, warmup/],
    [twoEndpoints().replace('load_generator: fortio', 'load_generator: nighthawk'),
      /test\.clients\[0\]\.load_generator is "nighthawk"; expected one of meshplane, wrk, hey/],
  ];
  for (const [text, message] of cases) {
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, text);
    const io = captureIO();
    assert.equal(await main(['perf', 'apply', '-f', file, '--save-smp', out], io), 2, io.err());
    assert.match(io.err(), message);
    assert.equal(io.out(), '');
  }
  const io = captureIO();
  assert.equal(await main(['perf', 'apply', '-f', join(dir, 'checkout.yaml'), '--warmup', 'soon'], io), 2);
  assert.match(io.err(), /--warmup is "soon"; expected a duration from 0 to 1h/);
  assert.equal(a.requests.length, before, 'nothing ran');
  assert.equal(existsSync(out), false, 'nothing was written');
}); // prettier-ignore

test('one perf apply command: its help covers both modes; local-only flags are refused with --server', async () => {
  const help = captureIO();
  assert.equal(await main(['perf', 'apply', '--help'], help), 0);
  for (const flag of ['--file', '--save-smp', '--warmup', '--mesh', '--server', '--token', '--output'])
    assert.ok(help.out().includes(flag), flag);
  assert.equal(help.out().match(/--server <url>/g)!.length, 1, 'declared once');
  const io = captureIO();
  const file = join(dir, 'checkout.yaml');
  assert.equal(
    await main(['perf', 'apply', '-f', file, '--server', 'http://127.0.0.1:1', '--save-smp', dir], io),
    2,
  );
  assert.match(
    io.err(),
    /--save-smp is ".*"; expected no --save-smp when a server runs the file \(--server or \$MESHPLANE_SERVER\): the server keeps the results/,
  );
});
