import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MeshplaneRunner, prepareRun, run } from './runner.js';
import type { RunEvent, TickEvent } from './events.js';
import {
  closedPort,
  onEachRequest,
  startHttpServer,
  startRawServer,
  startChildServer,
  startStallingServer,
} from './testing/servers.js';

test('-n runs exactly n measured requests: closed loop, pipelined, and open loop', async () => {
  const server = await startHttpServer();
  try {
    let r = await run({ url: server.url, connections: 3, requests: 257, warmup: 0 });
    assert.equal(r.requests, 257);
    assert.equal(r.responses, 257);
    assert.equal(server.requests.length, 257);
    assert.equal(r.histograms.latency.totalCount, 257);
    assert.equal(r.statusCodes['200'], 257);

    server.requests.length = 0;
    r = await run({ url: server.url, connections: 2, pipeline: 8, requests: 301, warmup: 0 });
    assert.equal(r.responses, 301);
    assert.equal(server.requests.length, 301);

    server.requests.length = 0;
    r = await run({ url: server.url, connections: 2, qps: 400, requests: 120, warmup: 0 });
    assert.equal(r.responses, 120);
    assert.equal(server.requests.length, 120);
    assert.equal(r.latencyFrom, 'scheduled');
    assert.equal(r.histograms.sendLag!.totalCount, 120);
    assert.equal(r.histograms.uncorrected.totalCount, 120);
  } finally {
    await server.close();
  }
});

test('the warm-up runs first and is excluded from every figure', async () => {
  // The server answers 503 for the first 400 ms of traffic, then 200.
  let first = 0;
  const server = await startHttpServer((_req, res) => {
    const now = performance.now();
    if (first === 0) first = now;
    const status = now - first < 400 ? 503 : 200;
    res.writeHead(status, { 'Content-Length': '0' });
    res.end();
  });
  try {
    const r = await run({ url: server.url, connections: 2, qps: 200, requests: 100, warmup: '600ms' });
    assert.deepEqual(r.statusCodes, { '200': 100 });
    assert.equal(r.requests, 100);
    assert.ok(r.warmup.requests >= 100, `warm-up ran ${r.warmup.requests} requests`);
    assert.equal(r.warmup.durationMs, 600);
    assert.equal(server.requests.length, r.warmup.requests + 100);
  } finally {
    await server.close();
  }
});

test('progress during the warm-up: remainingMs is the whole measured window, warmupRemainingMs counts down', async () => {
  const server = await startHttpServer();
  try {
    const ticks: TickEvent[] = [];
    await run(
      { url: server.url, connections: 2, qps: 200, duration: '400ms', warmup: '500ms' },
      { onEvent: (e) => e.type === 'tick' && ticks.push(e), progressIntervalMs: 100 },
    );
    const warm = ticks.filter((t) => t.phase === 'warmup');
    const measured = ticks.filter((t) => t.phase === 'measure');
    assert.ok(warm.length >= 2 && measured.length >= 1, ticks.map((t) => t.phase).join());
    for (const t of warm) {
      assert.equal(t.remainingMs, 400, 'the measured window is still wholly ahead');
      assert.ok(t.warmupRemainingMs > 0 && t.warmupRemainingMs <= 500, `${t.warmupRemainingMs}`);
    }
    assert.ok(warm[0]!.warmupRemainingMs > warm.at(-1)!.warmupRemainingMs, 'it counts down');
    for (const t of measured) {
      assert.equal(t.warmupRemainingMs, 0);
      assert.ok(t.remainingMs! >= 0 && t.remainingMs! <= 400, `${t.remainingMs}`);
    }
  } finally {
    await server.close();
  }
});

test('status codes are counted; a non-2xx status is not an error', async () => {
  const codes = [200, 404, 500, 503];
  let i = 0;
  const server = await startHttpServer((_req, res) => {
    res.writeHead(codes[i++ % codes.length]!, { 'Content-Length': '1' });
    res.end('x');
  });
  try {
    const r = await run({ url: server.url, connections: 1, requests: 40, warmup: 0 });
    assert.deepEqual(r.statusCodes, { '200': 10, '404': 10, '500': 10, '503': 10 });
    assert.equal(r.errors.total, 0);
  } finally {
    await server.close();
  }
});

test('a refused connection is counted per request as "refused"', async () => {
  const port = await closedPort();
  const r = await run({ url: `http://127.0.0.1:${port}/`, connections: 2, requests: 25, warmup: 0 });
  assert.equal(r.requests, 25);
  assert.equal(r.responses, 0);
  assert.equal(r.errors.byKind.refused, 25);
  assert.match(r.errors.samples.refused!, /ECONNREFUSED/);
  assert.ok(r.diagnostics.warnings.some((w) => /no response received/.test(w)));
});

test('resets, early closes, timeouts and garbage are errors of their own kind', async () => {
  const reset = await startRawServer((s) => onEachRequest(s, (sock) => sock.resetAndDestroy()));
  const closing = await startRawServer((s) => onEachRequest(s, (sock) => sock.end()));
  const silent = await startRawServer((s) => s.resume());
  const garbage = await startRawServer((s) =>
    onEachRequest(s, (sock) => sock.write('SPDY/3 nonsense\r\n\r\n')),
  );
  try {
    let r = await run({ url: reset.url, connections: 2, requests: 10, warmup: 0 });
    assert.equal(r.errors.byKind.reset, 10);
    r = await run({ url: closing.url, connections: 2, requests: 10, warmup: 0 });
    assert.equal(r.errors.byKind.closed, 10);
    r = await run({ url: silent.url, connections: 3, requests: 3, warmup: 0, timeout: '200ms' });
    assert.equal(r.errors.byKind.timeout, 3);
    assert.ok(r.histograms.errors.min >= 190_000, `timed out after ${r.histograms.errors.min} µs`);
    r = await run({ url: garbage.url, connections: 1, requests: 4, warmup: 0 });
    assert.equal(r.errors.byKind.parse, 4);
    assert.match(r.errors.samples.parse!, /malformed status line/);
  } finally {
    await Promise.all([reset.close(), closing.close(), silent.close(), garbage.close()]);
  }
});

test('method, headers, cookies, content type and body reach the server as given', async () => {
  const server = await startHttpServer();
  try {
    const body = Buffer.from([0, 1, 2, 250, 255, 10, 13]);
    await run({
      url: `${server.url}items?id=7`,
      method: 'PATCH',
      headers: ['X-Trace: abc', 'Authorization: Bearer t0k'],
      cookies: ['session=s1', 'theme=dark'],
      contentType: 'application/octet-stream',
      body,
      requests: 3,
      connections: 1,
      warmup: 0,
    });
    assert.equal(server.requests.length, 3);
    for (const req of server.requests) {
      assert.equal(req.method, 'PATCH');
      assert.equal(req.url, '/items?id=7');
      assert.equal(req.headers['x-trace'], 'abc');
      assert.equal(req.headers.authorization, 'Bearer t0k');
      assert.equal(req.headers.cookie, 'session=s1; theme=dark');
      assert.equal(req.headers['content-type'], 'application/octet-stream');
      assert.equal(req.headers['content-length'], String(body.length));
      assert.equal(req.headers.host, `127.0.0.1:${server.port}`);
      assert.match(req.headers['user-agent']!, /^meshplane\//);
      assert.deepEqual(req.body, body);
    }
  } finally {
    await server.close();
  }
});

test('HEAD, chunked and Connection: close responses are handled (reconnecting as needed)', async () => {
  const server = await startHttpServer((req, res) => {
    if (req.method === 'HEAD') {
      res.writeHead(200, { 'Content-Length': '1000' });
      res.end();
    } else if (req.url === '/chunked') {
      res.writeHead(200, { 'Transfer-Encoding': 'chunked' });
      res.write('abc');
      res.end('defgh');
    } else {
      res.writeHead(200, { 'Content-Length': '2', Connection: 'close' });
      res.end('ok');
    }
  });
  try {
    let r = await run({ url: server.url, method: 'HEAD', connections: 2, requests: 20, warmup: 0 });
    assert.equal(r.responses, 20);
    r = await run({ url: `${server.url}chunked`, connections: 2, requests: 20, warmup: 0 });
    assert.equal(r.responses, 20);
    assert.ok(r.histograms.responseSize.min > r.histograms.headerSize.max);
    r = await run({ url: `${server.url}close`, connections: 2, requests: 20, warmup: 0 });
    assert.equal(r.responses, 20);
    assert.equal(r.errors.total, 0);
    assert.ok(r.sockets.reduce((a, b) => a + b, 0) >= 20, `sockets ${r.sockets}`);
  } finally {
    await server.close();
  }
});

test('open loop: requests arrive on one global schedule at the requested rate', async () => {
  const server = await startHttpServer();
  try {
    const r = await run({ url: server.url, connections: 4, qps: 400, duration: '1s', warmup: 0 });
    assert.equal(r.requests, 400);
    assert.ok(Math.abs(r.diagnostics.achievedRate - 400) < 12, `achieved ${r.diagnostics.achievedRate}`);
    // Request i arrives near first + i × 2.5 ms. Timers tick every ~1 ms; a busy shared machine adds
    // stalls, after which the backlog is sent at once, so the bounds are generous but still tight
    // enough to catch per-second budgets (autocannon) or per-connection bursts.
    const first = server.requests[0]!.at;
    const lateness = server.requests
      .map((req, i) => Math.abs(req.at - first - i * 2.5))
      .sort((a, b) => a - b);
    const median = lateness[200]!;
    const p90 = lateness[360]!;
    assert.ok(median < 10, `median lateness ${median.toFixed(2)} ms`);
    assert.ok(p90 < 100, `p90 lateness ${p90.toFixed(2)} ms`);
    assert.ok(
      r.histograms.sendLag!.percentile(50) < 20_000,
      `send lag p50 ${r.histograms.sendLag!.percentile(50)} µs`,
    );
    assert.equal(r.diagnostics.backlog!.unsent, 0);
  } finally {
    await server.close();
  }
});

test('the spin sequencer sends on schedule to the microsecond, and its busy CPU is not called generator-bound', async () => {
  const server = await startChildServer();
  try {
    const r = await run({
      url: server.url,
      connections: 4,
      qps: 1000,
      duration: '1s',
      warmup: '200ms',
      sequencer: 'spin',
    });
    assert.equal(r.options.sequencer, 'spin');
    assert.equal(r.requests, 1000);
    assert.equal(r.diagnostics.backlog!.unsent, 0);
    // Timer ticks put the median send ~0.5 ms late (1 ms ticks); polling puts it within a few µs.
    const lag = r.histograms.sendLag!;
    assert.ok(lag.percentile(50) < 200, `send lag p50 ${lag.percentile(50)} µs`);
    assert.ok(
      !r.diagnostics.warnings.some((w) => /used \d+% of one core/.test(w)),
      r.diagnostics.warnings.join('\n'),
    );
  } finally {
    await server.close();
  }
});

test('coordinated omission: a server stalling 500 ms every second shows in corrected, not uncorrected, p99', async () => {
  const server = await startStallingServer(500, 1000);
  try {
    const r = await run({
      url: server.url,
      connections: 4,
      qps: 1000,
      duration: '3s',
      warmup: '200ms',
      timeout: '5s',
    });
    const corrected = r.histograms.latency.percentile(99);
    const uncorrected = r.histograms.uncorrected.percentile(99);
    assert.ok(corrected >= 400_000, `corrected p99 ${corrected} µs`);
    assert.ok(uncorrected < 100_000, `uncorrected p99 ${uncorrected} µs`);
    assert.ok(r.diagnostics.backlog!.max > 100, `backlog max ${r.diagnostics.backlog!.max}`);
  } finally {
    await server.close();
  }
});

test('aborting stops the run promptly with a partial, flagged result; ticks report progress', async () => {
  const server = await startHttpServer();
  try {
    const controller = new AbortController();
    const events: RunEvent[] = [];
    setTimeout(() => controller.abort(), 700);
    const started = performance.now();
    const r = await run(
      { url: server.url, connections: 2, qps: 100, duration: '30s', warmup: 0 },
      { signal: controller.signal, onEvent: (e) => events.push(e), progressIntervalMs: 200 },
    );
    assert.ok(performance.now() - started < 3000);
    assert.equal(r.interrupted, true);
    assert.ok(r.requests > 20 && r.requests < 200, `requests ${r.requests}`);
    assert.ok(r.diagnostics.warnings.some((w) => w.startsWith('interrupted')));
    assert.equal(events[0]!.type, 'start');
    assert.equal(events.at(-1)!.type, 'done');
    const ticks = events.filter((e) => e.type === 'tick');
    assert.ok(ticks.length >= 2, `ticks ${ticks.length}`);
    assert.ok(ticks.every((t) => t.type === 'tick' && t.remainingMs! > 0 && t.phase === 'measure'));
  } finally {
    await server.close();
  }
});

test('closed-loop latency obeys Little’s law (mean latency × rate ≈ connections)', async () => {
  const server = await startChildServer();
  try {
    const r = await run({ url: server.url, connections: 8, duration: '1s', warmup: '300ms' });
    const inFlight = (r.histograms.latency.mean / 1e6) * r.diagnostics.achievedRate;
    assert.ok(Math.abs(inFlight - 8) / 8 < 0.1, `mean × rate = ${inFlight}`);
  } finally {
    await server.close();
  }
});

test('a host that does not resolve gives a result with an error, not an exception', async () => {
  const notFound = async (): Promise<never> => {
    throw Object.assign(new Error('getaddrinfo ENOTFOUND no-such-host.invalid'), { code: 'ENOTFOUND' });
  };
  const options = prepareRun({ url: 'http://no-such-host.invalid/', requests: 1, warmup: 0 });
  const r = await new MeshplaneRunner(notFound).run(options, {});
  assert.match(r.error!, /cannot resolve no-such-host.invalid/);
  assert.equal(r.requests, 0);
});
