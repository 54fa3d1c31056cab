import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { parse } from 'yaml';
import { decodeHistogram, parseHgrm } from '../stats/index.js';
import { makeCertificates, type TestCertificates } from '../perf/testing/certs.js';
import { startHttpServer, startHttpsServer, type TestServer } from '../perf/testing/servers.js';
import { main } from './main.js';
import { captureIO } from './testing/io.js';

let server: TestServer;
let dir: string;
before(async () => {
  server = await startHttpServer();
  dir = mkdtempSync(join(tmpdir(), 'meshplane-cli-'));
});
after(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

test('perf run prints a text summary with the warm-up note and percentiles', async () => {
  const io = captureIO();
  const code = await main(['perf', 'run', server.url, '-c', '2', '-n', '50', '--warmup', '200ms'], io);
  assert.equal(code, 0, io.err());
  const out = io.out();
  assert.match(out, /^GET http:\/\/127\.0\.0\.1:\d+\/ {2}\(HTTP\/1\.1, generator meshplane\)/);
  assert.match(out, /closed loop, as fast as possible, 2 connections, exactly 50 requests/);
  assert.match(out, /warm-up {6}0\.20 s \([\d,]+ requests\) run first and excluded from every figure below/);
  assert.match(out, /requests {5}50 in /);
  assert.match(out, /status {7}200: 50/);
  assert.match(out, /latency +p50 +p75 +p90 +p99 +p99\.9 +p99\.99 +max +mean/);
  assert.equal(io.err(), ''); // not a TTY: no progress line
});

test('perf run -o json writes fortio JSON; yaml the same document; files are saved', async () => {
  const fortio = join(dir, 'result.json');
  const hgrm = join(dir, 'latency.hgrm');
  const smpFile = join(dir, 'result.smp.yaml');
  let io = captureIO();
  let code = await main(
    [
      'perf',
      'run',
      server.url,
      '--qps',
      '200',
      '-t',
      '500ms',
      '--warmup',
      '0',
      '-o',
      'json',
      '--save-fortio',
      fortio,
      '--save-hgrm',
      hgrm,
      '--save-smp',
      smpFile,
      '--labels',
      'cart smoke',
    ],
    io,
  );
  assert.equal(code, 0, io.err());
  const doc = JSON.parse(io.out()) as {
    RequestedQPS: string;
    DurationHistogram: { Count: number };
    meshplane: { histograms: { latency: string } };
  };
  assert.equal(doc.RequestedQPS, '200');
  assert.equal(doc.DurationHistogram.Count, 100);
  assert.equal(decodeHistogram(doc.meshplane.histograms.latency).totalCount, 100);
  const saved = JSON.parse(readFileSync(fortio, 'utf8')) as { DurationHistogram: { Count: number } };
  assert.equal(saved.DurationHistogram.Count, 100);
  assert.equal(parseHgrm(readFileSync(hgrm, 'utf8')).totalCount, 100);
  const smp = parse(readFileSync(smpFile, 'utf8')) as {
    latencies_ms: { p50: number; max: number };
    actual_qps: number;
    labels: Record<string, string>;
  };
  const p50Seconds = (
    doc as unknown as { DurationHistogram: { Percentiles: { Percentile: number; Value: number }[] } }
  ).DurationHistogram.Percentiles.find((p) => p.Percentile === 50)!.Value;
  assert.ok(
    Math.abs(smp.latencies_ms.p50 - p50Seconds * 1000) <= 0.001,
    'SMP milliseconds = fortio seconds × 1000',
  );
  assert.ok(Math.abs(smp.actual_qps - 200) < 10);
  assert.equal(smp.labels.name, 'cart smoke');
  assert.equal(smp.labels.requested_qps, '200');

  io = captureIO();
  code = await main(['perf', 'run', server.url, '-n', '10', '--warmup', '0', '-o', 'yaml'], io);
  assert.equal(code, 0, io.err());
  const yamlDoc = parse(io.out()) as { RequestedDuration: string; RetCodes: Record<string, number> };
  assert.equal(yamlDoc.RequestedDuration, 'exactly 10 calls');
  assert.deepEqual(yamlDoc.RetCodes, { '200': 10 });
});

test('headers, cookies, method and a body file are sent as given', async () => {
  const bodyFile = join(dir, 'body.json');
  writeFileSync(bodyFile, '{"k":1}');
  server.requests.length = 0;
  const io = captureIO();
  const code = await main(
    [
      'perf',
      'run',
      server.url,
      '-n',
      '4',
      '-c',
      '1',
      '--warmup',
      '0',
      '-X',
      'PUT',
      '-H',
      'X-A: 1',
      '-H',
      'X-B: 2',
      '--cookie',
      'c=3',
      '--body-file',
      bodyFile,
      '--content-type',
      'application/json',
    ],
    io,
  );
  assert.equal(code, 0, io.err());
  assert.equal(server.requests.length, 4);
  const req = server.requests[0]!;
  assert.equal(req.method, 'PUT');
  assert.equal(req.headers['x-a'], '1');
  assert.equal(req.headers['x-b'], '2');
  assert.equal(req.headers.cookie, 'c=3');
  assert.equal(req.headers['content-type'], 'application/json');
  assert.equal(req.body.toString(), '{"k":1}');
});

test('bad flags fail with exit code 2, name the flag, and run nothing', async () => {
  const cases: Array<[string[], RegExp]> = [
    [['-c', '0'], /--connections is 0; expected an integer from 1 to 10000/],
    [['--qps', 'fast'], /--qps is "fast"/],
    [['-t', '10'], /--duration is "10"; expected a duration/],
    [['-n', '5', '-t', '1s'], /either -n\/--requests or -t\/--duration/],
    [['--open-loop'], /--open-loop is "open"; expected a closed loop when qps is 0/],
    [['--open-loop', '--closed-loop'], /either --open-loop or --closed-loop/],
    [['-H', 'broken'], /--header\[0\] is "broken"; expected a header in the form "Name: value"/],
    [
      ['--body-file', '/no/such/file'],
      /--body-file is "\/no\/such\/file"; expected a readable file \(ENOENT\)/,
    ],
    [['-o', 'xml'], /--output is "xml"; expected one of text, json, yaml/],
    [
      ['--save-fortio', '/no/such/dir/x.json'],
      /--save-fortio .* expected a file path in an existing directory/,
    ],
    [['--generator', 'wrk', '-n', '10'], /--requests is 10; expected a duration instead/],
    [
      ['--generator', 'hey', '--qps', '10'],
      /--open-loop is "open"; expected a closed loop \(hey paces each worker/,
    ],
  ];
  server.requests.length = 0;
  for (const [flags, message] of cases) {
    const io = captureIO();
    const code = await main(['perf', 'run', server.url, ...flags], io);
    assert.equal(code, 2, `${flags.join(' ')}: ${io.err()}`);
    assert.match(io.err(), message);
    assert.equal(io.out(), '');
  }
  assert.equal(server.requests.length, 0);
});

test('unsupported URL schemes are rejected clearly', async () => {
  for (const url of ['h2c://127.0.0.1:8080/', 'grpc://127.0.0.1:50051/', 'ws://127.0.0.1/']) {
    const io = captureIO();
    assert.equal(await main(['perf', 'run', url], io), 2);
    assert.match(io.err(), /not supported yet/);
  }
});

test('Ctrl-C stops the run and prints the partial result (exit 130)', async () => {
  const controller = new AbortController();
  const io = captureIO(controller.signal);
  setTimeout(() => controller.abort(), 600);
  const started = performance.now();
  const code = await main(['perf', 'run', server.url, '--qps', '100', '-t', '60s', '--warmup', '0'], io);
  assert.equal(code, 130);
  assert.ok(performance.now() - started < 3000);
  assert.match(io.out(), /warning {6}interrupted after 0\.\d s measured of 60\.0 s/);
});

test('https with --cacert, mutual TLS with --cert/--key', async () => {
  const certs: TestCertificates = makeCertificates();
  const tlsServer = await startHttpsServer({
    cert: certs.serverCert,
    key: certs.serverKey,
    ca: certs.caCert,
    requestCert: true,
  });
  try {
    const io = captureIO();
    const code = await main(
      [
        'perf',
        'run',
        tlsServer.url,
        '-n',
        '5',
        '-c',
        '1',
        '--warmup',
        '0',
        '--cacert',
        certs.files.ca,
        '--cert',
        certs.files.clientCert,
        '--key',
        certs.files.clientKey,
      ],
      io,
    );
    assert.equal(code, 0, io.err());
    assert.match(io.out(), /over TLS/);
    assert.match(io.out(), /status {7}200: 5/);
    const bad = captureIO();
    assert.equal(await main(['perf', 'run', tlsServer.url, '--cacert', join(dir, 'missing.pem')], bad), 2);
    assert.match(bad.err(), /--cacert .* expected a readable file/);
    assert.ok(!existsSync(join(dir, 'missing.pem')));
  } finally {
    await tlsServer.close();
    certs.remove();
  }
});

test('on a terminal, progress is redrawn on stderr and cleared before the summary', async () => {
  const io = captureIO();
  io.stderr.isTTY = true;
  const code = await main(['perf', 'run', server.url, '--qps', '50', '-t', '1500ms', '--warmup', '0'], io);
  assert.equal(code, 0);
  const clearLine = '\r\u001b[K';
  const frames = io
    .err()
    .split(clearLine)
    .filter((f) => f !== '');
  assert.ok(
    frames.some((f) => /^measuring \d s {2}\d s left {2}\d+ req\/s/.test(f)),
    JSON.stringify(frames),
  );
  assert.ok(io.err().includes(`${clearLine}done: p99 `), 'the progress line is cleared before the result');
  assert.match(io.out(), /open loop at 50 req\/s/);
});
