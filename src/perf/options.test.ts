import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InvalidInputError } from '../errors/index.js';
import { formatGoDuration, parseGoDuration } from './duration.js';
import { RUN_DEFAULTS, validateRunOptions, type RunOptions } from './options.js';
import { buildRequest } from './request.js';
import { prepareRun } from './runner.js';
import { makeCertificates } from './testing/certs.js';

const url = 'http://127.0.0.1:8080/path?q=1';

function rejects(options: RunOptions, field: string, code = 'ERR_INVALID_INPUT'): InvalidInputError {
  try {
    prepareRun(options);
  } catch (error) {
    assert.ok(error instanceof InvalidInputError, String(error));
    assert.equal(error.field, field, error.message);
    assert.equal(error.code, code);
    assert.equal(error.status, 400);
    return error;
  }
  assert.fail(`expected ${JSON.stringify(options)} to be rejected on ${field}`);
}

test('defaults: closed loop at full speed for 10 s after a 2 s warm-up, 10 connections', () => {
  const o = validateRunOptions({ url });
  assert.equal(o.connections, RUN_DEFAULTS.connections);
  assert.equal(o.qps, 0);
  assert.equal(o.loadModel, 'closed');
  assert.equal(o.durationMs, 10_000);
  assert.equal(o.requests, null);
  assert.equal(o.warmupMs, 2000);
  assert.equal(o.timeoutMs, 5000);
  assert.equal(o.pipeline, 1);
  assert.equal(o.sequencer, 'timer');
  assert.equal(o.method, 'GET');
  assert.deepEqual(o.target, {
    url,
    scheme: 'http',
    hostname: '127.0.0.1',
    port: 8080,
    path: '/path?q=1',
    hostHeader: '127.0.0.1:8080',
  });
  assert.equal(validateRunOptions({ url, qps: 100 }).loadModel, 'open');
  assert.equal(validateRunOptions({ url, body: 'x' }).method, 'POST');
  assert.equal(validateRunOptions({ url, requests: 5, duration: 'junk' }).durationMs, null);
});

test('unsupported URL schemes are rejected with a clear error', () => {
  for (const bad of ['h2c://127.0.0.1/', 'grpc://127.0.0.1:50051', 'ws://127.0.0.1/', 'h2://x/']) {
    const e = rejects({ url: bad }, 'url', 'PERF_ERR_UNSUPPORTED_SCHEME');
    assert.match(e.message, /HTTP\/2, gRPC and WebSocket are not supported/);
  }
  rejects({ url: 'not a url' }, 'url');
  rejects({ url: 'http://user:pw@127.0.0.1/' }, 'url');
});

test('numbers, durations and models out of range name their field', () => {
  rejects({ url, connections: 0 }, 'connections');
  rejects({ url, connections: 1.5 }, 'connections');
  rejects({ url, qps: -1 }, 'qps');
  rejects({ url, loadModel: 'open' }, 'loadModel');
  rejects({ url, requests: 0 }, 'requests');
  rejects({ url, duration: '10' }, 'duration');
  rejects({ url, duration: '-5s' }, 'duration');
  rejects({ url, warmup: 'soon' }, 'warmup');
  rejects({ url, timeout: 0 }, 'timeout');
  rejects({ url, pipeline: 1000 }, 'pipeline');
  rejects({ url, method: 'GE T' }, 'method');
  rejects({ url, generator: 'ab' as never }, 'generator');
  rejects({ url, qps: 100, sequencer: 'busy' as never }, 'sequencer');
  rejects({ url, sequencer: 'spin' }, 'sequencer');
  assert.equal(validateRunOptions({ url, qps: 100, sequencer: 'spin' }).sequencer, 'spin');
  assert.equal(validateRunOptions({ url, warmup: 0 }).warmupMs, 0);
});

test('headers and cookies are checked and serialised', () => {
  rejects({ url, headers: ['NoColon'] }, 'headers[0]');
  rejects({ url, headers: { 'Content-Length': '3' } }, 'headers');
  rejects({ url, headers: { 'X-A': 'line\r\nInjected: 1' } }, 'headers.X-A');
  rejects({ url, cookies: ['novalue'] }, 'cookies[0]');
  rejects({ url, cookies: { a: 'b c' } }, 'cookies.a');
  rejects({ url, contentType: 'text/plain', headers: ['content-type: x'] }, 'contentType');
  const o = validateRunOptions({
    url,
    method: 'put',
    headers: ['X-One: 1', ['X-Two', '2']],
    cookies: ['a=1; b=2', ['c', '3']],
    body: 'payload',
    contentType: 'text/plain',
  });
  const text = buildRequest(o).toString('latin1');
  assert.equal(
    text,
    'PUT /path?q=1 HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nUser-Agent: meshplane/' +
      text.match(/meshplane\/(\S+)/)![1] +
      '\r\nAccept: */*\r\nX-One: 1\r\nX-Two: 2\r\nCookie: a=1; b=2; c=3\r\nContent-Type: text/plain\r\n' +
      'Content-Length: 7\r\n\r\npayload',
  );
});

test('field names follow the caller’s vocabulary', () => {
  assert.throws(
    () => validateRunOptions({ url, connections: -2 }, { connections: '--connections' }),
    /--connections is -2; expected an integer from 1 to 10000/,
  );
  assert.throws(
    () => validateRunOptions({ url, qps: -2 }, { qps: 'clients[0].rps' }, 'test.yaml'),
    /test.yaml: clients\[0\].rps is -2/,
  );
});

test('TLS options: only for https, PEM checked at the door, cert and key together', () => {
  const certs = makeCertificates();
  try {
    rejects({ url, tls: { insecure: true } }, 'tls');
    rejects({ url: 'https://127.0.0.1/', tls: { ca: 'not pem' } }, 'tls.ca');
    rejects({ url: 'https://127.0.0.1/', tls: { cert: certs.clientCert } }, 'tls.key');
    rejects({ url: 'https://127.0.0.1/', tls: { cert: certs.clientCert, key: certs.serverKey } }, 'tls.cert');
    const o = validateRunOptions({
      url: 'https://localhost:8443/',
      tls: { ca: certs.caCert, cert: certs.clientCert, key: certs.clientKey },
    });
    assert.equal(o.tls.servername, 'localhost');
    assert.equal(validateRunOptions({ url: 'https://127.0.0.1/' }).tls.servername, undefined);
  } finally {
    certs.remove();
  }
});

test('external generators refuse what they cannot do, before anything runs', () => {
  rejects({ url, generator: 'wrk', qps: 100 }, 'qps', 'PERF_ERR_GENERATOR_UNSUPPORTED');
  rejects({ url, generator: 'wrk', requests: 100 }, 'requests', 'PERF_ERR_GENERATOR_UNSUPPORTED');
  rejects({ url, generator: 'wrk', duration: '1500ms' }, 'duration', 'PERF_ERR_GENERATOR_UNSUPPORTED');
  rejects({ url: 'https://127.0.0.1/', generator: 'wrk' }, 'tls', 'PERF_ERR_GENERATOR_UNSUPPORTED');
  rejects({ url, generator: 'hey', qps: 100 }, 'loadModel', 'PERF_ERR_GENERATOR_UNSUPPORTED');
  rejects(
    { url, generator: 'hey', requests: 101, connections: 10 },
    'requests',
    'PERF_ERR_GENERATOR_UNSUPPORTED',
  );
  rejects({ url, generator: 'hey', pipeline: 2 }, 'pipeline', 'PERF_ERR_GENERATOR_UNSUPPORTED');
  rejects(
    { url, generator: 'hey', qps: 100, loadModel: 'closed', sequencer: 'spin' },
    'sequencer',
    'PERF_ERR_GENERATOR_UNSUPPORTED',
  );
  assert.equal(prepareRun({ url, generator: 'hey', qps: 100, loadModel: 'closed' }).qps, 100);
});

test('Go durations parse and print like time.ParseDuration / Duration.String', () => {
  assert.equal(parseGoDuration('30s'), 30_000);
  assert.equal(parseGoDuration('1m30s'), 90_000);
  assert.equal(parseGoDuration('1.5h'), 5_400_000);
  assert.equal(parseGoDuration('250ms'), 250);
  assert.equal(parseGoDuration('500us'), 0.5);
  assert.equal(parseGoDuration('0'), 0);
  assert.equal(parseGoDuration('10'), undefined);
  assert.equal(parseGoDuration('5 s'), undefined);
  assert.equal(formatGoDuration(10_000), '10s');
  assert.equal(formatGoDuration(90_000), '1m30s');
  assert.equal(formatGoDuration(1500), '1.5s');
  assert.equal(formatGoDuration(250), '250ms');
  assert.equal(formatGoDuration(7_200_000), '2h0m0s');
});
