// The one SMP mapping: a PerformanceTestConfig planned into runs (every client, every URL, SMP
// field names in errors) and a RunResult turned into a PerformanceTestResult (milliseconds).
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { parsePerformanceTestFile, readPerformanceTestFile, timestampToMillis } from '../../smp/index.js';
import { decodeHistogram, encodeHistogram, Histogram } from '../../stats/index.js';
import { availableGenerators } from '../generators.js';
import { run } from '../runner.js';
import { startHttpServer } from '../testing/servers.js';
import { planSmpRuns } from './plan.js';
import { runFacts, toPerformanceTestResult, type SmpRunFacts } from './result.js';

const testFile = `
test:
  smp_version: v0.0.1
  id: checkout-1
  name: Checkout
  labels: { team: payments }
  clients:
    - load_generator: fortio
      protocol: 1
      connections: 3
      rps: 50
      headers: { x-user: alice }
      cookies: { session: abc }
      body: '{"item": 1}'
      content_type: application/json
      endpoint_urls: ['http://127.0.0.1:1/cart', 'http://127.0.0.1:1/pay']
    - protocol: PROTOCOL_HTTP
      connections: 1
      rps: 0
      additional_options: '{"method": "PUT", "warmup": "0s", "timeout": "1s"}'
      endpoint_urls: ['http://127.0.0.1:1/stock']
  duration: 1500ms
mesh:
  type: ISTIO
  version: 1.22.0
`;

test('every client and every endpoint URL becomes a run with its own settings', () => {
  const plan = planSmpRuns(parsePerformanceTestFile(testFile), { defaults: { warmup: '1s' } });
  assert.equal(plan.testId, 'checkout-1');
  assert.equal(plan.mesh, 'istio');
  assert.equal(plan.meshVersion, '1.22.0');
  assert.deepEqual(plan.labels, { team: 'payments' });
  assert.deepEqual(
    plan.runs.map((r) => [r.name, r.path, r.prepared.target.url, r.prepared.method, r.prepared.connections]),
    [
      ['Checkout #1.1', 'test.clients[0]', 'http://127.0.0.1:1/cart', 'POST', 3],
      ['Checkout #1.2', 'test.clients[0]', 'http://127.0.0.1:1/pay', 'POST', 3],
      ['Checkout #2.1', 'test.clients[1]', 'http://127.0.0.1:1/stock', 'PUT', 1],
    ],
  );
  const [cart, , stock] = plan.runs.map((r) => r.prepared);
  assert.equal(cart!.qps, 50);
  assert.equal(cart!.loadModel, 'open');
  assert.equal(cart!.durationMs, 1500);
  assert.equal(cart!.warmupMs, 1000, 'the defaults apply');
  assert.deepEqual(cart!.headers, [['x-user', 'alice']]);
  assert.deepEqual(cart!.cookies, [['session', 'abc']]);
  assert.equal(cart!.body!.toString(), '{"item": 1}');
  assert.equal(cart!.contentType, 'application/json');
  assert.equal(cart!.generator, 'meshplane', 'fortio runs meshplane');
  assert.equal(stock!.qps, 0);
  assert.equal(stock!.loadModel, 'closed');
  assert.equal(stock!.warmupMs, 0, "a client's additional_options win over the defaults");
  assert.equal(stock!.timeoutMs, 1000);
  assert.equal(plan.runs[0]!.options.labels, 'Checkout #1.1 -_- http://127.0.0.1:1/cart');

  // A single run keeps the config's name.
  const one = planSmpRuns(
    readPerformanceTestFile({
      name: 'solo',
      duration: '1s',
      clients: [{ protocol: 1, connections: 1, endpoint_urls: ['http://127.0.0.1:1/'] }],
    }),
  );
  assert.deepEqual(
    one.runs.map((r) => [r.name, r.path]),
    [['solo', 'clients[0]']],
  );
  assert.equal(one.mesh, '');
});

test('a bad client is refused before anything runs, naming the SMP field as written', () => {
  const client = { protocol: 1, connections: 1, endpoint_urls: ['http://127.0.0.1:1/'] };
  const bad = (clients: unknown[], field: RegExp | string, code = 'ERR_INVALID_INPUT', wrap = true) => {
    const doc = { name: 't', duration: '1s', clients };
    assert.throws(
      () => planSmpRuns(readPerformanceTestFile(wrap ? { test: doc } : doc, { source: 'f.yaml' }), { source: 'f.yaml' }),
      (e: { field: string; code: string; message: string }) => {
        assert.ok(typeof field === 'string' ? e.field === field : field.test(e.field), `${e.field}: ${e.message}`);
        assert.equal(e.code, code, e.message);
        assert.match(e.message, /^f\.yaml: /);
        return true;
      },
    );
  };
  bad([client, { ...client, protocol: 4 }], 'test.clients[1].protocol', 'PERF_ERR_UNSUPPORTED_PROTOCOL');
  bad([{ ...client, protocol: 'PROTOCOL_TCP' }], 'test.clients[0].protocol', 'PERF_ERR_UNSUPPORTED_PROTOCOL');
  bad([{ ...client, rps: 20_000_000 }], 'test.clients[0].rps');
  bad([{ ...client, connections: 20_000 }], 'test.clients[0].connections');
  bad([{ ...client, endpoint_urls: ['http://127.0.0.1:1/', 'https://user:pw@h/'] }], 'test.clients[0].endpoint_urls[1]');
  bad([{ ...client, headers: { 'Content-Length': '3' } }], 'test.clients[0].headers');
  bad([{ ...client, content_type: 'text/plain', headers: { 'content-type': 'a/b' } }], 'test.clients[0].content_type');
  bad([{ ...client, load_generator: 'wrk2' }], 'test.clients[0].load_generator');
  bad([{ ...client, internal: true }], 'test.clients[0].internal');
  bad([{ ...client, ssl_certificate: 'not pem', endpoint_urls: ['https://127.0.0.1:1/'] }], 'test.clients[0].ssl_certificate');
  bad([{ ...client, additional_options: '{"retries": 3}' }], 'test.clients[0].additional_options.retries');
  bad([{ ...client, additional_options: '[1, 2]' }], 'test.clients[0].additional_options');
  bad([{ ...client, additional_options: '{"method": "GET POST"}' }], 'test.clients[0].additional_options.method');
  bad([{ ...client, additional_options: '{"warmup": "2 minutes"}' }], 'test.clients[0].additional_options.warmup');
  // camelCase input is named in camelCase; a bare config has no `test.` prefix.
  bad([{ protocol: 1, connections: 1, endpointUrls: ['ftp://127.0.0.1/'] }], 'clients[0].endpointUrls[0]', 'ERR_INVALID_INPUT', false);
  bad([{ protocol: 1, connections: 1, loadGenerator: 'nighthawk', endpointUrls: ['http://a/'] }], 'clients[0].loadGenerator', 'ERR_INVALID_INPUT', false);
  // The caller's defaults are named in the caller's words.
  assert.throws(
    () => planSmpRuns(readPerformanceTestFile({ name: 't', duration: '1s', clients: [client] }), {
      defaults: { warmup: 'soon' },
      defaultNames: { warmup: '--warmup' },
    }),
    { field: '--warmup' },
  );
}); // prettier-ignore

test('availableGenerators: meshplane always, wrk and hey only when on the PATH', () => {
  const dir = mkdtempSync(join(tmpdir(), 'meshplane-gen-'));
  try {
    assert.deepEqual(availableGenerators(dir), ['meshplane']);
    writeFileSync(join(dir, 'hey'), '#!/bin/sh\n');
    assert.deepEqual(availableGenerators(dir), ['meshplane'], 'not executable');
    chmodSync(join(dir, 'hey'), 0o755);
    assert.deepEqual(availableGenerators(dir), ['meshplane', 'hey']);
    assert.deepEqual(availableGenerators(''), ['meshplane']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a RunResult becomes an SMP result: latencies in milliseconds, rate, window, test id, labels', async () => {
  const server = await startHttpServer();
  try {
    const result = await run({ url: server.url, connections: 2, qps: 200, duration: '500ms', warmup: 0 });
    const smp = toPerformanceTestResult(result, { id: 'r-1', testId: 'checkout-1', labels: { name: 'n' } });
    const h = result.histograms.latency;
    assert.equal(smp.id, 'r-1');
    assert.equal(smp.testId, 'checkout-1');
    assert.equal(smp.smpVersion, 'v0.6.1');
    assert.deepEqual(smp.latenciesMs, {
      min: h.min / 1000,
      average: Math.round(h.mean) / 1000,
      p50: h.percentile(50) / 1000,
      p90: h.percentile(90) / 1000,
      p99: h.percentile(99) / 1000,
      max: h.max / 1000,
    });
    assert.ok(smp.latenciesMs!.p50 > 0.001 && smp.latenciesMs!.p50 < 1000, 'milliseconds');
    assert.equal(smp.actualQps, Math.round(result.diagnostics.achievedRate * 1000) / 1000);
    assert.equal(timestampToMillis(smp.startTime!), Date.parse(result.startTime));
    assert.equal(timestampToMillis(smp.endTime!) - timestampToMillis(smp.startTime!), Math.round(result.durationMs));
    assert.deepEqual(smp.labels, {
      url: server.url,
      method: 'GET',
      load_generator: 'meshplane',
      load_model: 'open',
      latency_from: 'scheduled',
      connections: '2',
      requested_qps: '200',
      duration: '500ms',
      warmup: '0s',
      requests: String(result.requests),
      errors: '0',
      name: 'n',
    });
  } finally {
    await server.close();
  }
}); // prettier-ignore

test('facts rebuilt from a store give the same result as the RunResult; a failed run still converts', async () => {
  const server = await startHttpServer();
  try {
    const result = await run({ url: server.url, connections: 1, requests: 20, warmup: 0 });
    // A store keeps the HISTFAAA form, exact to the histogram's 3 significant digits.
    const facts: SmpRunFacts = { ...runFacts(result), latency: decodeHistogram(encodeHistogram(result.histograms.latency)) };
    const stored = toPerformanceTestResult(facts, { id: 'x' });
    const direct = toPerformanceTestResult(result, { id: 'x' });
    assert.deepEqual({ ...stored, latenciesMs: undefined }, { ...direct, latenciesMs: undefined });
    for (const [k, v] of Object.entries(direct.latenciesMs!)) {
      const got = stored.latenciesMs![k as keyof typeof direct.latenciesMs];
      assert.ok(Math.abs(got - v) <= v * 0.001 + 0.001, `${k}: ${got} vs ${v}`);
    }
    assert.equal(toPerformanceTestResult(result).labels.duration, 'exactly 20 requests');
  } finally {
    await server.close();
  }
  const empty = new Histogram();
  const failed = toPerformanceTestResult({
    ...runFactsOfNothing(),
    latency: empty,
    error: 'cannot resolve nowhere.invalid',
  });
  assert.deepEqual(failed.latenciesMs, { min: 0, average: 0, p50: 0, p90: 0, p99: 0, max: 0 });
  assert.equal(failed.labels.error, 'cannot resolve nowhere.invalid');
}); // prettier-ignore

function runFactsOfNothing(): SmpRunFacts {
  return {
    startTime: '2026-01-01T00:00:00.000Z',
    endTime: '2026-01-01T00:00:00.000Z',
    actualQps: 0,
    latency: new Histogram(),
    latencyFrom: 'sent',
    url: 'http://nowhere.invalid/',
    method: 'GET',
    generator: 'meshplane',
    loadModel: 'closed',
    connections: 1,
    requestedQps: 0,
    requestedDurationMs: 1000,
    requestedRequests: null,
    warmupMs: 0,
    requests: 0,
    errors: 0,
    interrupted: false,
    error: null,
  };
}
