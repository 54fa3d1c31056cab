import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatDuration, fromMesheryQuery, parseDuration, parseSettings, withName } from './settings.js';
import { planUpload } from './smp-runs.js';

test('durations read Go syntax and bare seconds, and write back', () => {
  assert.equal(parseDuration('d', '1m30s'), 90_000);
  assert.equal(parseDuration('d', '250ms'), 250);
  assert.equal(parseDuration('d', '2'), 2000);
  assert.equal(formatDuration(90_000), '1m30s');
  assert.equal(formatDuration(250), '250ms');
  assert.throws(() => parseDuration('duration', '10 parsecs'), { field: 'duration' });
});

test('settings get defaults, and qps 0 means a closed loop', () => {
  const s = parseSettings({ url: 'http://127.0.0.1:8080/x', qps: 0 });
  assert.equal(s.loadModel, 'closed');
  assert.equal(s.concurrency, 4);
  assert.equal(s.url, 'http://127.0.0.1:8080/x');
  assert.equal(parseSettings({ url: 'http://a/', qps: 5 }).loadModel, 'open');
});

test('every bad field is named, with what was expected', () => {
  const cases: [Record<string, unknown>, string][] = [
    [{}, 'url'],
    [{ url: 'ftp://a/' }, 'url'],
    [{ url: 'http://a/', concurrency: 0 }, 'concurrency'],
    [{ url: 'http://a/', concurrency: 2.5 }, 'concurrency'],
    [{ url: 'http://a/', qps: -1 }, 'qps'],
    [{ url: 'http://a/', duration: '10 years' }, 'duration'],
    [{ url: 'http://a/', duration: '1ms' }, 'duration'],
    [{ url: 'http://a/', headers: { 'bad name': 'x' } }, 'headers.bad name'],
    [{ url: 'http://a/', headers: { x: 'a\r\nb' } }, 'headers.x'],
    [{ url: 'http://a/', generator: 'nighthawk' }, 'generator'],
    [{ url: 'http://a/', loadModel: 'open', qps: 0 }, 'qps'],
    [{ url: 'http://a/', colour: 'red' }, 'colour'],
  ];
  for (const [input, field] of cases) {
    assert.throws(() => parseSettings(input), { code: 'ERR_INVALID_INPUT', field }, JSON.stringify(input));
  }
});

test("Meshery's query string maps onto settings", () => {
  const q = new URLSearchParams({
    name: 'n',
    mesh: 'istio',
    url: 'http://127.0.0.1:1/',
    qps: '-1',
    c: '8',
    t: '2',
    dur: 'm',
    loadGenerator: 'fortio',
    headers: '{"x-a":"1"}',
    cookies: '{"s":"2"}',
    reqBody: 'hi',
    contentType: 'text/plain',
  });
  const s = fromMesheryQuery(q);
  assert.equal(s.qps, 0);
  assert.equal(s.loadModel, 'closed');
  assert.equal(s.concurrency, 8);
  assert.equal(s.durationMs, 120_000);
  assert.equal(s.generator, 'meshplane');
  assert.deepEqual(s.headers, { 'x-a': '1' });
  assert.deepEqual(s.cookies, { s: '2' });
  assert.throws(() => fromMesheryQuery(new URLSearchParams({ url: 'http://a/', t: '1', dur: 'weeks' })), {
    field: 'dur',
  });
  assert.throws(() => fromMesheryQuery(new URLSearchParams({ url: 'http://a/', headers: '{nope' })), {
    field: 'headers',
  });
});

test('a blank name is generated from mesh, host and time', () => {
  const s = withName(
    parseSettings({ url: 'http://127.0.0.1:81/a', mesh: 'linkerd' }),
    new Date('2026-02-03T04:05:06Z'),
  );
  assert.equal(s.name, 'linkerd 127.0.0.1:81 2026-02-03 04:05:06');
});

test('an SMP test file becomes one run per client and endpoint, with headers, cookies and body', () => {
  const plan = planUpload({
    test: {
      smp_version: 'v0.0.1',
      id: 'test-1',
      name: 'Load Test',
      clients: [
        {
          load_generator: 'fortio',
          protocol: 1,
          connections: 2,
          rps: 10,
          headers: { 'x-a': 'b' },
          cookies: { c: 'd' },
          body: 'payload',
          content_type: 'text/plain',
          endpoint_urls: ['http://127.0.0.1:1/a', 'http://127.0.0.1:1/b'],
        },
        { protocol: 'PROTOCOL_HTTP', connections: 1, rps: 0, endpoint_urls: ['http://127.0.0.1:1/c'] },
      ],
      duration: '3s',
    },
    mesh: { type: 5 },
  });
  assert.equal(plan.testId, 'test-1');
  assert.deepEqual(
    plan.settings.map((s) => [s.name, s.url, s.mesh, s.concurrency, s.qps, s.durationMs, s.loadModel]),
    [
      ['Load Test #1.1', 'http://127.0.0.1:1/a', 'linkerd', 2, 10, 3000, 'open'],
      ['Load Test #1.2', 'http://127.0.0.1:1/b', 'linkerd', 2, 10, 3000, 'open'],
      ['Load Test #2.1', 'http://127.0.0.1:1/c', 'linkerd', 1, 0, 3000, 'closed'],
    ],
  );
  assert.deepEqual(plan.settings[0]!.headers, { 'x-a': 'b' });
  assert.deepEqual(plan.settings[0]!.cookies, { c: 'd' });
  assert.equal(plan.settings[0]!.body, 'payload');
  assert.equal(plan.settings[0]!.contentType, 'text/plain');
  assert.equal(plan.settings[0]!.generator, 'meshplane', 'fortio runs meshplane');
  assert.equal(planUpload({ test: { name: 'x', duration: '1s', clients: [{ protocol: 1, connections: 1, endpoint_urls: ['http://a/'] }] }, mesh: { type: 5 } }, { mesh: 'none', warmupMs: 0 }).settings[0]!.mesh, 'none');
  const bad = (doc: unknown, field: string, code = 'ERR_INVALID_INPUT') =>
    assert.throws(() => planUpload(doc), { field, code });
  const client = { protocol: 1, connections: 1, endpoint_urls: ['http://a/'] };
  bad({ name: 't', duration: '1s', clients: [{ ...client, protocol: 4 }] }, 'clients[0].protocol', 'PERF_ERR_UNSUPPORTED_PROTOCOL');
  // What perf apply can run but a stored server run cannot keep is refused, naming the SMP field.
  bad({ name: 't', duration: '1s', clients: [{ ...client, additional_options: '{"requests": 10}' }] }, 'clients[0].additional_options.requests');
  bad({ name: 't', duration: '1s', clients: [{ ...client, endpoint_urls: ['https://a/'], additional_options: '{insecure: true}' }] }, 'clients[0].additional_options.insecure');
  // The server's own limits still apply, under the client's path.
  bad({ name: 't', duration: '50ms', clients: [client] }, 'clients[0].durationMs');
}); // prettier-ignore
