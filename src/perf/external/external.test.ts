import assert from 'node:assert/strict';
import { test } from 'node:test';
import { toFortioJson } from '../report/fortio.js';
import { run } from '../runner.js';
import { closedPort, startHttpServer } from '../testing/servers.js';
import { luaString, parseWrkOutput, uncorrectWrk } from './wrk.js';
import { findExecutable } from './tool.js';

const hasWrk = findExecutable('wrk') !== null;
const hasHey = findExecutable('hey') !== null;

test(
  'wrk: the measured run converts into the common result with the exact distribution',
  { skip: !hasWrk && 'wrk not installed' },
  async () => {
    let n = 0;
    const server = await startHttpServer((_req, res) => {
      res.writeHead(n++ % 10 === 9 ? 503 : 200, { 'Content-Length': '2' });
      res.end('ok');
    });
    try {
      const r = await run({
        url: server.url,
        generator: 'wrk',
        connections: 4,
        duration: '1s',
        warmup: 0,
        method: 'POST',
        body: 'from wrk',
        headers: ['X-Tool: wrk'],
        cookies: ['a=1'],
        contentType: 'text/plain',
      });
      assert.equal(r.error, null);
      assert.equal(r.generator, 'wrk');
      assert.ok(r.responses > 100, `responses ${r.responses}`);
      assert.equal(r.histograms.latency.totalCount, r.responses);
      assert.equal((r.statusCodes['2xx-3xx'] ?? 0) + (r.statusCodes['4xx-5xx'] ?? 0), r.responses);
      assert.ok(r.statusCodes['4xx-5xx']! > 0);
      assert.ok(r.durationMs > 900 && r.durationMs < 1500, `duration ${r.durationMs}`);
      assert.ok(r.limitations.some((l) => /closed loop only/.test(l)));
      const req = server.requests[0]!;
      assert.equal(req.method, 'POST');
      assert.equal(req.body.toString(), 'from wrk');
      assert.equal(req.headers['x-tool'], 'wrk');
      assert.equal(req.headers.cookie, 'a=1');
      assert.equal(req.headers['content-type'], 'text/plain');
      assert.equal(toFortioJson(r).meshplane.generator, 'wrk');
    } finally {
      await server.close();
    }
  },
);

test(
  'wrk: a target nobody listens on yields a result with an error',
  { skip: !hasWrk && 'wrk not installed' },
  async () => {
    const port = await closedPort();
    const r = await run({
      url: `http://127.0.0.1:${port}/`,
      generator: 'wrk',
      duration: '1s',
      warmup: 0,
      connections: 1,
    });
    assert.ok(r.error !== null || r.errors.byKind.refused > 0, JSON.stringify(r.errors));
    assert.equal(r.responses, 0);
  },
);

test('wrk output parsing: exact dump and percentile-grid fallback', () => {
  const exact = parseWrkOutput(
    'noise\nMESHPLANE-SUMMARY 1000000 6 900 1 2 3 1 4\nMESHPLANE-L 100 2\nMESHPLANE-L 250 4\n',
  )!;
  assert.equal(exact.requests, 6);
  assert.deepEqual(exact.errors, { connect: 1, read: 2, write: 3, status: 1, timeout: 4 });
  assert.equal(exact.histogram.totalCount, 6);
  assert.equal(exact.histogram.percentile(50), 250);
  const grid = parseWrkOutput(
    'MESHPLANE-SUMMARY 1000000 100 0 0 0 0 0 0\nMESHPLANE-P 0 10\nMESHPLANE-P 50 20\nMESHPLANE-P 100 90\n',
  )!;
  assert.equal(grid.exact, false);
  assert.equal(grid.histogram.totalCount, 100);
  assert.equal(parseWrkOutput('wrk: unable to connect'), null);
  assert.equal(luaString('a"b\\c\n'), '"a\\034b\\092c\\010"');
});

test('wrk: its synthetic latency samples are removed exactly', () => {
  // Measured samples, then the padding wrk 4 adds before done(): every value n >= 2e also counts
  // at n-e, n-2e, ... while above e (e = runtime / (requests / connections)).
  const measured = new Map<number, number>([
    [90, 5],
    [120, 40],
    [260, 3],
    [700, 2],
    [1000, 1],
  ]);
  const requests = [...measured.values()].reduce((a, b) => a + b, 0);
  const connections = 3;
  const durationUs = 1700;
  const e = Math.floor(durationUs / Math.floor(requests / connections));
  const padded = new Map(measured);
  for (const [n, count] of measured) {
    if (n < 2 * e) continue;
    for (let m = n - e; m > e; m -= e) padded.set(m, (padded.get(m) ?? 0) + count);
  }
  assert.ok([...padded.values()].reduce((a, b) => a + b, 0) > requests);
  const back = uncorrectWrk([...padded.entries()], durationUs, requests, connections)!;
  assert.deepEqual(
    back,
    [...measured.entries()].sort((a, b) => a[0] - b[0]),
  );
});

test(
  'hey: exact -n counts, status codes per code, request shape',
  { skip: !hasHey && 'hey not installed' },
  async () => {
    let n = 0;
    const server = await startHttpServer((_req, res) => {
      res.writeHead(n++ % 4 === 3 ? 404 : 200, { 'Content-Length': '2' });
      res.end('ok');
    });
    try {
      const r = await run({
        url: server.url,
        generator: 'hey',
        connections: 4,
        requests: 40,
        warmup: 0,
        method: 'PUT',
        body: 'from hey',
        headers: ['X-Tool: hey'],
        cookies: ['b=2'],
        contentType: 'application/json',
      });
      assert.equal(r.error, null);
      assert.equal(r.responses, 40);
      assert.equal(r.requests, 40);
      assert.deepEqual(r.statusCodes, { '200': 30, '404': 10 });
      assert.equal(r.histograms.latency.totalCount, 40);
      assert.equal(server.requests.length, 40);
      const req = server.requests[0]!;
      assert.equal(req.method, 'PUT');
      assert.equal(req.body.toString(), 'from hey');
      assert.equal(req.headers['x-tool'], 'hey');
      assert.equal(req.headers.cookie, 'b=2');
      assert.equal(req.headers['content-type'], 'application/json');
      assert.ok(r.limitations.some((l) => /0\.1 ms resolution/.test(l)));
    } finally {
      await server.close();
    }
  },
);

test('hey: a paced closed loop for a duration', { skip: !hasHey && 'hey not installed' }, async () => {
  const server = await startHttpServer();
  try {
    const r = await run({
      url: server.url,
      generator: 'hey',
      connections: 2,
      qps: 100,
      loadModel: 'closed',
      duration: '1s',
      warmup: 0,
    });
    assert.equal(r.error, null);
    assert.ok(r.responses >= 60 && r.responses <= 120, `responses ${r.responses}`);
    assert.equal(r.diagnostics.requestedRate, 100);
  } finally {
    await server.close();
  }
});
