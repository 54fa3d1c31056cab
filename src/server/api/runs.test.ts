import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { parse as parseYaml } from 'yaml';
import { decodeHistogram } from '../../stats/index.js';
import type { Run } from '../model.js';
import { quick, readStream, startHarness, type Harness } from '../testing/harness.js';

let h: Harness;
before(async () => {
  h = await startHarness();
});
after(async () => {
  await h.close();
});

async function runToEnd(settings: Record<string, unknown>): Promise<Run> {
  const started = await h.json<{ run: Run }>('/api/runs', { method: 'POST', body: JSON.stringify(settings) });
  assert.equal(started.status, 202, JSON.stringify(started.body));
  const messages = await readStream(await fetch(`${h.server.url}/api/runs/${started.body.run.id}/events`));
  assert.ok(messages.at(-1)!.status !== 'info', 'the stream ends with the final message');
  return (await h.json<{ run: Run }>(`/api/runs/${started.body.run.id}`)).body.run;
}

test('a run is queued, streamed, measured against the target and stored with its result', async () => {
  const before = h.target.requests;
  const started = await h.json<{ run: Run }>('/api/runs', {
    method: 'POST',
    body: JSON.stringify(quick(h.target.url, { mesh: 'none', headers: { 'x-test': 'a' } })),
  });
  assert.equal(started.status, 202);
  const run = started.body.run;
  assert.match(run.name, /^none 127\.0\.0\.1:\d+ \d{4}-/, 'a blank name is generated');
  const messages = await readStream(await fetch(`${h.server.url}/api/runs/${run.id}/events`));
  const last = messages.at(-1)!;
  assert.equal(last.status, 'success', JSON.stringify(last));
  assert.equal(last.state, 'completed');
  assert.ok(
    messages.some((m) => m.status === 'info'),
    'progress came before the end',
  );

  const { body: result } = await h.json<{
    run: Run;
    report: { requestCount: number; statusCodes: Record<string, number> };
    environment: { cores: number; nodeVersion: string; cpuModel: string; memoryBytes: number; os: string };
    histogram: {
      count: number;
      bins: { count: number; cumulativePercent: number }[];
      percentiles: unknown[];
    };
  }>(`/api/runs/${run.id}/result`);
  assert.equal(result.run.status, 'completed');
  assert.ok(result.report.requestCount > 0);
  assert.ok(h.target.requests - before >= result.report.requestCount, 'the target saw the measured requests');
  assert.equal(result.report.statusCodes['200'], result.report.requestCount);
  assert.equal(result.histogram.count, result.report.requestCount);
  assert.equal(
    result.histogram.bins.reduce((a, b) => a + b.count, 0),
    result.report.requestCount,
  );
  assert.ok(Math.abs(result.histogram.bins.at(-1)!.cumulativePercent - 100) < 1e-9);
  assert.equal(result.environment.nodeVersion, process.version);
  assert.ok(
    result.environment.cores >= 1 && result.environment.cpuModel && result.environment.memoryBytes > 0,
  );
  assert.ok(result.run.summary!.p50Us > 0 && result.run.summary!.p99Us >= result.run.summary!.p50Us);
});

test('downloads: SMP YAML (named result_<id>.yaml), SMP JSON, .hgrm — all from the stored histogram', async () => {
  const run = await runToEnd(quick(h.target.url, { name: 'download me' }));
  const yamlResponse = await fetch(`${h.server.url}/api/perf/result?id=${run.id}`);
  assert.equal(yamlResponse.status, 200);
  assert.equal(yamlResponse.headers.get('content-disposition'), `attachment; filename=result_${run.id}.yaml`);
  const smp = parseYaml(await yamlResponse.text()) as Record<string, unknown> & {
    latencies_ms: Record<string, number>;
    labels: Record<string, string>;
  };
  assert.equal(smp.id, run.id);
  assert.equal(smp.labels.name, 'download me');
  assert.ok((smp.actual_qps as number) > 0);
  assert.equal(smp.latencies_ms.p50, run.summary!.p50Us / 1000, 'latencies_ms are milliseconds');
  assert.ok(smp.latencies_ms.min <= smp.latencies_ms.p50 && smp.latencies_ms.p99 <= smp.latencies_ms.max);

  const json = await fetch(`${h.server.url}/api/perf/result?id=${run.id}&format=json`);
  assert.match(json.headers.get('content-disposition')!, /result_.*\.json$/);
  assert.equal(((await json.json()) as { id: string }).id, run.id);

  const fortioResponse = await fetch(`${h.server.url}/api/perf/result?id=${run.id}&format=fortio`);
  assert.match(fortioResponse.headers.get('content-disposition')!, /result_.*\.fortio\.json$/);
  const fortio = (await fortioResponse.json()) as {
    RetCodes: Record<string, number>;
    DurationHistogram: { Count: number; Percentiles: { Percentile: number; Value: number }[] };
    RequestedQPS: string;
  };
  assert.equal(fortio.DurationHistogram.Count, run.summary!.requestCount);
  assert.equal(fortio.RetCodes['200'], run.summary!.requestCount);
  assert.equal(fortio.RequestedQPS, '200');
  const p50 = fortio.DurationHistogram.Percentiles.find((p) => p.Percentile === 50)!.Value;
  assert.ok(p50 > 0 && p50 < 10, 'fortio histograms are in seconds');

  const hgrm = await (await fetch(`${h.server.url}/api/perf/result?id=${run.id}&format=hgrm`)).text();
  assert.match(hgrm, /Value\s+Percentile\s+TotalCount/);
  assert.match(hgrm, new RegExp(`Total count\\s*=\\s*${run.summary!.requestCount}\\b`));

  const bad = await h.json<{ error: { field: string } }>(`/api/perf/result?id=${run.id}&format=pdf`);
  assert.equal(bad.status, 400);
  assert.equal(bad.body.error.field, 'format');
});

test('the stored histogram is lossless: the HISTFAAA form decodes to the reported percentiles', async () => {
  const run = await runToEnd(quick(h.target.url, { name: 'lossless' }));
  const body = { items: [run] };
  const result = (await h.server.store.getResult(run.id))!;
  const histogram = decodeHistogram(result.histograms.latency!);
  assert.equal(histogram.totalCount, result.report.requestCount);
  assert.equal(histogram.percentile(50), body.items[0]!.summary!.p50Us);
  // The V2 encoding keeps every bucket count but not the exact extremes: a percentile that lands
  // on the maximum comes back as the top of its bucket, so compare buckets.
  const bucket = (v: number) => histogram.lowestEquivalentValue(v);
  assert.equal(bucket(histogram.percentile(99.9)), bucket(body.items[0]!.summary!.p999Us));
  assert.equal(bucket(histogram.percentile(99)), bucket(body.items[0]!.summary!.p99Us));
});

test('two runs at once: the second waits at position 1, then both complete and are stored', async () => {
  const first = await h.json<{ run: Run }>('/api/runs', {
    method: 'POST',
    body: JSON.stringify(quick(h.target.url, { name: 'first' })),
  });
  const second = await h.json<{ run: Run; live: { state: string; position: number } }>('/api/runs', {
    method: 'POST',
    body: JSON.stringify(quick(h.target.url, { name: 'second' })),
  });
  assert.deepEqual(second.body.live, { state: 'queued', position: 1 });
  const messages = await readStream(await fetch(`${h.server.url}/api/runs/${second.body.run.id}/events`));
  assert.match(messages[0]!.message, /^queued, position 1/);
  assert.equal(messages[0]!.position, 1);
  assert.equal(messages.at(-1)!.status, 'success');
  const runs = await Promise.all(
    [first, second].map((r) => h.json<{ run: Run }>(`/api/runs/${r.body.run.id}`)),
  );
  assert.deepEqual(
    runs.map((r) => r.body.run.status),
    ['completed', 'completed'],
  );
  assert.ok(
    runs[1]!.body.run.startedAt! >= runs[0]!.body.run.finishedAt!,
    'the second started after the first ended',
  );
});

test('cancel: a queued run is cancelled at once, a running one stops and keeps its partial result', async () => {
  const running = await h.json<{ run: Run }>('/api/runs', {
    method: 'POST',
    body: JSON.stringify(quick(h.target.url, { name: 'long', duration: '20s' })),
  });
  const queued = await h.json<{ run: Run }>('/api/runs', {
    method: 'POST',
    body: JSON.stringify(quick(h.target.url, { name: 'waiting' })),
  });
  const cancelledQueued = await h.json<{ run: Run }>(`/api/runs/${queued.body.run.id}/cancel`, {
    method: 'POST',
  });
  assert.equal(cancelledQueued.body.run.status, 'cancelled');
  assert.equal(cancelledQueued.body.run.summary, null);
  await new Promise((r) => setTimeout(r, 700));
  const t0 = Date.now();
  const stopped = await h.json<{ run: Run }>(`/api/runs/${running.body.run.id}/cancel`, { method: 'POST' });
  assert.ok(Date.now() - t0 < 5000, 'cancel does not wait for the 20 s run');
  assert.equal(stopped.body.run.status, 'cancelled');
  assert.ok(
    stopped.body.run.summary && stopped.body.run.summary.requestCount > 0,
    'the partial result is kept',
  );
  const again = await h.json<{ error: { code: string } }>(`/api/runs/${running.body.run.id}/cancel`, {
    method: 'POST',
  });
  assert.equal(again.status, 409);
  assert.equal(again.body.error.code, 'SERVER_ERR_CONFLICT');
});

test('compare: two runs overlay on shared bins, and different settings are called out', async () => {
  const a = await runToEnd(quick(h.target.url, { name: 'cmp a' }));
  const b = await runToEnd(quick(h.target.url, { name: 'cmp b', concurrency: 3 }));
  const { status, body } = await h.json<{
    runs: { run: Run; histogram: { bins: { startUs: number }[] } }[];
    warnings: string[];
  }>(`/api/compare?ids=${a.id},${b.id}`);
  assert.equal(status, 200);
  assert.deepEqual(
    body.runs.map((r) => r.run.id),
    [a.id, b.id],
  );
  assert.deepEqual(
    body.runs[0]!.histogram.bins.map((x) => x.startUs),
    body.runs[1]!.histogram.bins.map((x) => x.startUs),
  );
  assert.deepEqual(body.warnings, ['concurrency differs: 2 vs 3']);
  const one = await h.json<{ error: { field: string } }>(`/api/compare?ids=${a.id}`);
  assert.equal(one.status, 400);
  assert.equal(one.body.error.field, 'ids');
  const missing = await h.json(`/api/compare?ids=${a.id},nope`);
  assert.equal(missing.status, 404);
});

test('the results list searches, sorts and pages', async () => {
  const { body } = await h.json<{ totalCount: number; items: Run[] }>(
    '/api/runs?search=cmp&order=name%20desc',
  );
  assert.deepEqual(
    body.items.map((r) => r.name),
    ['cmp b', 'cmp a'],
  );
  const paged = await h.json<{ page: number; pageSize: number; items: Run[] }>('/api/runs?page=1&pageSize=2');
  assert.equal(paged.body.items.length, 2);
  const meshery = await h.json<{
    page_size: number;
    total_count: number;
    results: {
      meshery_id: string;
      status: string;
      runner_results: {
        ActualQPS: number;
        RetCodes: Record<string, number>;
        DurationHistogram: { Count: number };
      };
    }[];
  }>('/api/perf/results?page=0&pageSize=3&order=p99%20asc');
  assert.equal(meshery.body.page_size, 3);
  assert.ok(meshery.body.total_count >= 6);
  assert.ok(meshery.body.results.every((r) => typeof r.meshery_id === 'string'));
  // Every completed entry carries its whole fortio result: status codes add up to the request count.
  for (const r of meshery.body.results.filter((r) => r.status === 'completed')) {
    const codes = Object.values(r.runner_results.RetCodes).reduce((a, b) => a + b, 0);
    assert.equal(codes, r.runner_results.DurationHistogram.Count, r.meshery_id);
  }
});

test('bad input: 400 naming the field; unknown ids and routes: 404; all in one envelope', async () => {
  const cases: [string, RequestInit | undefined, number, string | undefined][] = [
    ['/api/runs', { method: 'POST', body: JSON.stringify({ url: 'nope' }) }, 400, 'url'],
    [
      '/api/runs',
      { method: 'POST', body: JSON.stringify(quick(h.target.url, { concurrency: -1 })) },
      400,
      'concurrency',
    ],
    ['/api/runs', { method: 'POST', body: JSON.stringify(quick(h.target.url, { qps: 'fast' })) }, 400, 'qps'],
    ['/api/runs', { method: 'POST', body: '{not json' }, 400, 'body'],
    ['/api/runs', { method: 'POST', body: '[]' }, 400, 'body'],
    ['/api/runs?order=evil;drop', undefined, 400, 'order'],
    ['/api/runs?pageSize=100000', undefined, 400, 'pageSize'],
    ['/api/runs?status=sleeping', undefined, 400, 'status'],
    ['/api/perf/load-test?url=http://127.0.0.1:1/&c=0', undefined, 400, 'concurrency'],
    ['/api/perf/result', undefined, 400, 'id'],
    ['/api/runs/00000000-0000-0000-0000-000000000000', undefined, 404, undefined],
    ['/api/runs/nope/result', undefined, 404, undefined],
    ['/api/runs/nope/events', undefined, 404, undefined],
    ['/api/perf/result?id=nope', undefined, 404, undefined],
    ['/api/no/such/route', undefined, 404, undefined],
  ];
  const before = (await h.json<{ totalCount: number }>('/api/runs')).body.totalCount;
  for (const [path, init, status, field] of cases) {
    const { status: got, body } = await h.json<{ error: { code: string; message: string; field?: string } }>(
      path,
      init,
    );
    assert.equal(got, status, `${path}: ${JSON.stringify(body)}`);
    assert.equal(typeof body.error.message, 'string');
    assert.equal(body.error.code, status === 400 ? 'ERR_INVALID_INPUT' : 'SERVER_ERR_NOT_FOUND');
    assert.equal(body.error.field, field, path);
  }
  assert.equal(
    (await h.json<{ totalCount: number }>('/api/runs')).body.totalCount,
    before,
    'bad input stored nothing',
  );
  const big = await h.json<{ error: { code: string } }>('/api/runs', {
    method: 'POST',
    body: 'x'.repeat(3 << 20),
  });
  assert.equal(big.status, 413);
  assert.equal(big.body.error.code, 'SERVER_ERR_TOO_LARGE');
});

test('a target that refuses connections gives a stored result full of errors, not a crash', async () => {
  const run = await runToEnd(quick('http://127.0.0.1:1/', { name: 'refused', duration: '500ms' }));
  assert.ok(run.status === 'completed' || run.status === 'failed', run.status);
  if (run.status === 'completed') assert.equal(run.summary!.errorCount, run.summary!.requestCount);
  else assert.ok(run.error);
});

test('a finished run can be deleted; a deleted run is gone', async () => {
  const run = await runToEnd(quick(h.target.url, { name: 'to delete', duration: '200ms' }));
  assert.equal((await fetch(`${h.server.url}/api/runs/${run.id}`, { method: 'DELETE' })).status, 204);
  assert.equal((await h.json(`/api/runs/${run.id}`)).status, 404);
  assert.equal((await h.json(`/api/runs/${run.id}/result`)).status, 404);
});
