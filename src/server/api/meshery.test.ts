import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Profile, Run, Schedule } from '../model.js';
import { quick, readStream, startHarness, type Harness } from '../testing/harness.js';

let h: Harness;
before(async () => {
  h = await startHarness();
});
after(async () => {
  await h.close();
});

test("GET /api/perf/load-test streams Meshery's {status, message, result} events to a stored result", async () => {
  const q = new URLSearchParams({
    name: 'meshery run',
    mesh: 'istio',
    url: h.target.url,
    qps: '100',
    c: '2',
    t: '1',
    dur: 's',
    loadGenerator: 'fortio',
    warmup: '0s',
  });
  const response = await fetch(`${h.server.url}/api/perf/load-test?${q}`);
  assert.match(response.headers.get('content-type')!, /^text\/event-stream/);
  const messages = await readStream(response);
  for (const m of messages) {
    assert.ok(['info', 'error', 'success'].includes(m.status));
    assert.equal(typeof m.message, 'string');
  }
  const last = messages.at(-1)!;
  assert.equal(last.status, 'success');
  const result = last.result as {
    meshery_id: string;
    name: string;
    mesh: string;
    runner_results: Record<string, unknown>;
  };
  assert.equal(result.name, 'meshery run');
  assert.equal(result.mesh, 'istio');
  assert.equal(result.runner_results.URL, h.target.url);
  assert.equal(result.runner_results.RequestedQPS, '100');
  const stored = await h.json<{ run: Run }>(`/api/runs/${result.meshery_id}`);
  assert.equal(stored.body.run.status, 'completed', 'unlike Meshery, every run is persisted');
});

test('POST /api/perf/load-test-smps runs every client and endpoint of an SMP test file', async () => {
  const file = `
test:
  smp_version: v0.0.1
  id: smp-test-1
  name: SMP file
  clients:
    - internal: false
      load_generator: fortio
      protocol: 1
      connections: 2
      rps: 100
      headers: { x-smp: "1" }
      endpoint_urls: ['${h.target.url}a', '${h.target.url}b']
  duration: 500ms
mesh:
  type: 5
`;
  const response = await fetch(`${h.server.url}/api/perf/load-test-smps?warmup=0s`, {
    method: 'POST',
    headers: { 'content-type': 'application/yaml' },
    body: file,
  });
  assert.equal(response.status, 200);
  const messages = await readStream(response);
  const finals = messages.filter((m) => m.status !== 'info');
  assert.equal(finals.length, 2);
  assert.ok(
    finals.every((m) => m.status === 'success'),
    JSON.stringify(finals),
  );
  const runs = await Promise.all(finals.map((m) => h.json<{ run: Run }>(`/api/runs/${m.runId}`)));
  assert.deepEqual(
    runs
      .map((r) => [
        r.body.run.settings.url,
        r.body.run.mesh,
        r.body.run.testId,
        r.body.run.settings.headers['x-smp'],
      ])
      .sort(),
    [
      [`${h.target.url}a`, 'linkerd', 'smp-test-1', '1'],
      [`${h.target.url}b`, 'linkerd', 'smp-test-1', '1'],
    ],
  );
  const bad = await h.json<{ error: { field: string } }>('/api/perf/load-test-smps', {
    method: 'POST',
    headers: { 'content-type': 'application/yaml' },
    body: 'name: x\nduration: 1s\nclients:\n  - connections: 1\n    protocol: 1\n    endpoint_urls: []\n',
  });
  assert.equal(bad.status, 400);
  assert.match(bad.body.error.field, /endpoint_urls/);
});

test('profiles: save (both body shapes), edit, run again, see the history; bad input names the field', async () => {
  const created = await h.json<Profile>('/api/user/performance/profiles', {
    method: 'POST',
    body: JSON.stringify({
      name: 'checkout',
      settings: quick(h.target.url, { mesh: 'none', duration: '300ms' }),
    }),
  });
  assert.equal(created.status, 201);
  assert.equal(created.body.settings.durationMs, 300);
  const meshery = await h.json<Profile>('/api/user/performance/profiles', {
    method: 'POST',
    body: JSON.stringify({
      name: 'meshery shape',
      endpoints: [h.target.url],
      load_generators: ['fortio'],
      service_mesh: 'linkerd',
      concurrent_request: 3,
      qps: 50,
      duration: '2s',
      request_headers: { 'x-a': 'b' },
    }),
  });
  assert.equal(meshery.status, 201);
  assert.deepEqual(
    [
      meshery.body.settings.url,
      meshery.body.settings.mesh,
      meshery.body.settings.concurrency,
      meshery.body.settings.headers,
    ],
    [h.target.url, 'linkerd', 3, { 'x-a': 'b' }],
  );
  const two = await h.json<{ error: { field: string } }>('/api/user/performance/profiles', {
    method: 'POST',
    body: JSON.stringify({ name: 'x', endpoints: ['http://a/', 'http://b/'] }),
  });
  assert.equal(two.status, 400);
  assert.equal(two.body.error.field, 'endpoints');
  const noName = await h.json<{ error: { field: string } }>('/api/user/performance/profiles', {
    method: 'POST',
    body: JSON.stringify({ settings: { url: h.target.url } }),
  });
  assert.equal(noName.body.error.field, 'name');

  const edited = await h.json<Profile>(`/api/user/performance/profiles/${created.body.id}`, {
    method: 'PUT',
    body: JSON.stringify({ settings: { concurrency: 3 } }),
  });
  assert.equal(edited.body.name, 'checkout');
  assert.equal(edited.body.settings.concurrency, 3);
  assert.equal(edited.body.settings.durationMs, 300, 'fields left out keep their value');

  for (let i = 0; i < 2; i++) {
    const queued = await h.json<{ run: Run }>(`/api/user/performance/profiles/${created.body.id}/run`, {
      method: 'POST',
    });
    assert.equal(queued.status, 202);
    await readStream(await fetch(`${h.server.url}/api/runs/${queued.body.run.id}/events`));
  }
  const history = await h.json<{ totalCount: number; items: Run[] }>(
    `/api/user/performance/profiles/${created.body.id}/results`,
  );
  assert.equal(history.body.totalCount, 2);
  assert.ok(history.body.items.every((r) => r.status === 'completed' && r.settings.concurrency === 3));
  const profile = await h.json<Profile>(`/api/user/performance/profiles/${created.body.id}`);
  assert.equal(profile.body.totalRuns, 2);
  assert.ok(profile.body.lastRunAt);

  assert.equal((await h.json('/api/user/performance/profiles/nope')).status, 404);
  assert.equal((await h.json('/api/user/performance/profiles/nope/run', { method: 'POST' })).status, 404);
});

test('schedules: a bad cron is a 400 naming `cron`; a good one fires, and survives a restart', async () => {
  const profile = await h.json<Profile>('/api/user/performance/profiles', {
    method: 'POST',
    body: JSON.stringify({ name: 'scheduled', settings: quick(h.target.url, { duration: '200ms' }) }),
  });
  for (const [body, field] of [
    [{ profileId: profile.body.id, cron: 'every tuesday' }, 'cron'],
    [{ profileId: profile.body.id, cron: '61 * * * *' }, 'cron'],
    [{ profileId: profile.body.id, cron: '* * * * *', timezone: 'Mars/Olympus' }, 'timezone'],
    [{ profileId: 'nope', cron: '* * * * *' }, 'profileId'],
    [{ profileId: profile.body.id, cron: '* * * * *', enabled: 'yes' }, 'enabled'],
  ] as const) {
    const r = await h.json<{ error: { field: string } }>('/api/user/schedules', {
      method: 'POST',
      body: JSON.stringify(body),
    });
    assert.equal(r.status, 400, JSON.stringify(body));
    assert.equal(r.body.error.field, field);
  }
  assert.equal(
    (await h.json<{ items: Schedule[] }>('/api/user/schedules')).body.items.length,
    0,
    'nothing stored',
  );

  // Meshery's spelling; six fields: every second.
  const created = await h.json<Schedule>('/api/user/schedules', {
    method: 'POST',
    body: JSON.stringify({ profile_id: profile.body.id, cron_expression: '* * * * * *' }),
  });
  assert.equal(created.status, 201);
  assert.ok(created.body.nextRunAt);
  const fired = await waitFor(async () => {
    const s = (await h.json<Schedule>(`/api/user/schedules/${created.body.id}`)).body;
    return s.lastRunId ? s : undefined;
  });
  const paused = await h.json<Schedule>(`/api/user/schedules/${created.body.id}`, {
    method: 'PUT',
    body: JSON.stringify({ enabled: false }),
  });
  assert.equal(paused.body.enabled, false);
  assert.equal(paused.body.nextRunAt, null);
  await h.server.queue.idle();
  const run = (await h.json<{ run: Run }>(`/api/runs/${fired.lastRunId}`)).body.run;
  assert.equal(run.profileId, profile.body.id);
  assert.equal(run.scheduleId, created.body.id);

  // Enable again, restart the server on the same database: the schedule is back and fires again.
  await h.json(`/api/user/schedules/${created.body.id}`, {
    method: 'PUT',
    body: JSON.stringify({ enabled: true }),
  });
  await h.restart();
  const listed = await h.json<{ items: Schedule[] }>('/api/user/schedules');
  assert.deepEqual(
    listed.body.items.map((s) => [s.id, s.cron, s.enabled]),
    [[created.body.id, '* * * * * *', true]],
  );
  assert.ok(listed.body.items[0]!.nextRunAt);
  await waitFor(async () => {
    const s = (await h.json<Schedule>(`/api/user/schedules/${created.body.id}`)).body;
    return s.lastRunId && s.lastRunId !== fired.lastRunId ? s : undefined;
  });
  assert.equal(
    (await fetch(`${h.server.url}/api/user/schedules/${created.body.id}`, { method: 'DELETE' })).status,
    204,
  );
  await h.server.queue.idle();
  assert.equal((await h.json(`/api/user/schedules/${created.body.id}`)).status, 404);
});

async function waitFor<T>(probe: () => Promise<T | undefined>, timeoutMs = 8000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 100));
  }
}
