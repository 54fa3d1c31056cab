import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as hdr from 'hdr-histogram-js';
import { parse } from 'yaml';
import { decodeHistogram, parseHgrm } from '../../stats/index.js';
import { run } from '../runner.js';
import { startHttpServer } from '../testing/servers.js';
import { toFortioJson, type FortioHistogram } from './fortio.js';
import { toHgrm } from './hgrm.js';
import { formatMicros, formatText } from './text.js';
import { toYaml } from './yaml.js';
import { endTime, latencySummaryMs } from '../summary.js';

const FORTIO_FIELDS = [
  'RunType',
  'Labels',
  'StartTime',
  'RequestedQPS',
  'RequestedDuration',
  'ActualQPS',
  'ActualDuration',
  'NumThreads',
  'Version',
  'DurationHistogram',
  'ErrorsDurationHistogram',
  'Exactly',
  'Jitter',
  'Uniform',
  'NoCatchUp',
  'RunID',
  'AccessLoggerInfo',
  'ID',
  'RetCodes',
  'IPCountMap',
  'Sizes',
  'HeaderSizes',
  'URL',
  'NumConnections',
  'Compression',
  'DisableFastClient',
  'HTTP10',
  'H2',
  'DisableKeepAlive',
  'AllowHalfClose',
  'FollowRedirects',
  'Resolve',
  'HTTPReqTimeOut',
  'UserCredentials',
  'ContentType',
  'Payload',
  'MethodOverride',
  'LogErrors',
  'SequentialWarmup',
  'ConnReuseRange',
  'NoResolveEachConn',
  'Offset',
  'Resolution',
  'Insecure',
  'MTLS',
  'CACert',
  'Cert',
  'Key',
  'UnixDomainSocket',
  'Sockets',
  'SocketCount',
  'ConnectionStats',
  'AbortOn',
];

function checkHistogram(h: FortioHistogram, name: string): void {
  assert.deepEqual(
    Object.keys(h).sort(),
    ['Avg', 'Count', 'Data', 'Max', 'Min', 'Percentiles', 'StdDev', 'Sum'],
    name,
  );
  if (h.Count === 0) {
    assert.equal(h.Data, null);
    return;
  }
  const data = h.Data!;
  assert.equal(data[0]!.Start, h.Min, `${name}: first Start is Min`);
  assert.equal(data.at(-1)!.End, h.Max, `${name}: last End is Max`);
  assert.equal(data.at(-1)!.Percent, 100);
  assert.equal(
    data.reduce((a, b) => a + b.Count, 0),
    h.Count,
  );
  for (let i = 1; i < data.length; i++) {
    assert.ok(data[i]!.Percent > data[i - 1]!.Percent, `${name}: Percent is cumulative`);
    assert.ok(data[i]!.Start >= data[i - 1]!.End, `${name}: buckets in order`);
  }
  assert.ok(Math.abs(h.Sum - h.Avg * h.Count) < 1e-9 * Math.max(1, h.Sum));
}

test('fortio JSON: fortio field names and units, plus one separate meshplane block', async () => {
  // Every response takes ~20 ms, so latency values in seconds sit near 0.02.
  const server = await startHttpServer((_req, res) =>
    setTimeout(() => {
      res.writeHead(200, { 'Content-Length': '5' });
      res.end('hello');
    }, 20),
  );
  try {
    const result = await run({
      url: server.url,
      connections: 2,
      requests: 20,
      warmup: 0,
      labels: 'unit test',
    });
    const doc = toFortioJson(result);
    assert.deepEqual(Object.keys(doc).sort(), [...FORTIO_FIELDS, 'meshplane'].sort());
    assert.equal(doc.RunType, 'HTTP');
    assert.equal(doc.Labels, 'unit test');
    assert.equal(doc.RequestedQPS, 'max');
    assert.equal(doc.RequestedDuration, 'exactly 20 calls');
    assert.equal(doc.Exactly, 20);
    assert.ok(Number.isInteger(doc.ActualDuration));
    assert.ok(Math.abs(doc.ActualDuration - result.durationMs * 1e6) <= 1);
    assert.ok(Math.abs(doc.ActualQPS - (20 / result.durationMs) * 1000) < 1e-6);
    assert.equal(doc.HTTPReqTimeOut, 5_000_000_000);
    assert.equal(doc.NumThreads, 2);
    assert.deepEqual(doc.RetCodes, { '200': 20 });
    assert.match(doc.StartTime, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+Z$/);
    for (const name of [
      'DurationHistogram',
      'ErrorsDurationHistogram',
      'Sizes',
      'HeaderSizes',
      'ConnectionStats',
    ] as const) {
      checkHistogram(doc[name], name);
    }
    const d = doc.DurationHistogram;
    assert.equal(d.Count, 20);
    assert.ok(d.Min >= 0.019 && d.Max < 1, `latency in seconds: ${d.Min}..${d.Max}`);
    assert.deepEqual(
      d.Percentiles!.map((p) => p.Percentile),
      [50, 75, 90, 99, 99.9, 99.99],
    );
    assert.equal(doc.Sizes.Min, doc.Sizes.Max); // bytes, identical responses
    assert.ok(doc.Sizes.Min > 5 && doc.Sizes.Min < 400);

    const ext = doc.meshplane;
    assert.equal(ext.generator, 'meshplane');
    assert.equal(ext.warmup.excluded, true);
    assert.match(ext.histograms.latency, /^HISTFAAA/);
    const ours = decodeHistogram(ext.histograms.latency);
    const theirs = hdr.decodeFromCompressedBase64(ext.histograms.latency);
    assert.equal(ours.totalCount, 20);
    assert.equal(theirs.totalCount, 20);
    assert.equal(theirs.getValueAtPercentile(99), result.histograms.latency.valueAtPercentile(99));

    // The same document survives JSON and YAML round trips.
    const json = JSON.parse(JSON.stringify(doc)) as unknown;
    assert.deepEqual(parse(toYaml(result)), json);
  } finally {
    await server.close();
  }
});

test('fortio JSON of an open-loop run: RequestedQPS is the number as a string, errors under "-1"', async () => {
  let n = 0;
  const server = await startHttpServer((_req, res) => {
    if (n++ % 5 === 4) res.socket!.destroy();
    else {
      res.writeHead(200, { 'Content-Length': '0' });
      res.end();
    }
  });
  try {
    const result = await run({ url: server.url, connections: 4, qps: 250, duration: '400ms', warmup: 0 });
    const doc = toFortioJson(result);
    assert.equal(doc.RequestedQPS, '250');
    assert.equal(doc.RequestedDuration, '400ms');
    assert.equal(doc.RetCodes['-1'], result.errors.total);
    assert.ok(result.errors.total > 0);
    assert.equal(doc.ErrorsDurationHistogram.Count, result.errors.total);
    assert.equal(doc.meshplane.latencyFrom, 'scheduled');
    assert.match(doc.meshplane.histograms.sendLag!, /^HISTFAAA/);
    assert.ok(doc.meshplane.diagnostics.backlog !== null);
  } finally {
    await server.close();
  }
});

test('text summary: rate, status, errors, percentiles with units, warm-up note and diagnostics', async () => {
  const server = await startHttpServer();
  try {
    const result = await run({
      url: server.url,
      connections: 2,
      qps: 200,
      duration: '500ms',
      warmup: '300ms',
    });
    const text = formatText(result);
    assert.match(text, /open loop at 200 req\/s, 2 connections, 0\.50 s/);
    assert.match(
      text,
      /warm-up {6}0\.30 s \([\d,]+ requests\) run first and excluded from every figure below/,
    );
    assert.match(text, /requests {5}100 in 0\.50 s = 200\.0 req\/s \(100\.0% of 200 requested\)/);
    assert.match(text, /status {7}200: 100/);
    assert.match(text, /errors {7}none/);
    assert.match(text, /p50 +p75 +p90 +p99 +p99\.9 +p99\.99 +max +mean/);
    assert.match(text, /corrected +\d/);
    assert.match(text, /uncorrected +\d/);
    assert.match(text, /send lag +\d/);
    assert.match(text, /generator {4}CPU \d+% of one core/);
  } finally {
    await server.close();
  }
});

test('micro-second values print with units that fit them', () => {
  assert.equal(formatMicros(87), '87µs');
  assert.equal(formatMicros(1234), '1.23ms');
  assert.equal(formatMicros(45_600), '45.6ms');
  assert.equal(formatMicros(456_000), '456ms');
  assert.equal(formatMicros(2_345_678), '2.346s');
});

test('.hgrm output of a run parses back with the same count and max', async () => {
  const server = await startHttpServer();
  try {
    const result = await run({ url: server.url, connections: 2, requests: 500, warmup: 0 });
    const h = result.histograms.latency;
    for (const style of ['hdr', 'wrk2'] as const) {
      const parsed = parseHgrm(toHgrm(h, style));
      assert.equal(parsed.totalCount, 500);
      assert.equal(parsed.rows.at(-1)!.totalCount, 500);
      assert.ok(Math.abs(parsed.rows.at(-1)!.value - h.highestEquivalentValue(h.max) / 1000) < 0.001);
    }
  } finally {
    await server.close();
  }
});

test('SMP latency figures are milliseconds; the window end follows the start', async () => {
  const server = await startHttpServer((_req, res) =>
    setTimeout(() => {
      res.writeHead(200, { 'Content-Length': '0' });
      res.end();
    }, 10),
  );
  try {
    const result = await run({ url: server.url, connections: 1, requests: 5, warmup: 0 });
    const ms = latencySummaryMs(result.histograms.latency);
    // Node timers count from the loop's cached time, so a 10 ms delay can end up to ~1 ms early.
    assert.ok(ms.min >= 8.9 && ms.max < 500, JSON.stringify(ms));
    assert.ok(ms.min <= ms.p50 && ms.p50 <= ms.p90 && ms.p90 <= ms.p99 && ms.p99 <= ms.max);
    assert.ok(Math.abs(Date.parse(endTime(result)) - Date.parse(result.startTime) - result.durationMs) <= 1);
  } finally {
    await server.close();
  }
});
