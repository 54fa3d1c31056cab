/**
 * The Store contract: behaviour every Store implementation must have (SQLite today, PostgreSQL
 * later). An implementation's test calls storeContract with a factory for fresh, empty stores.
 * @module
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { defaultSettings } from '../settings.js';
import type { RunReport, RunSettings } from '../model.js';
import type { ConformanceResult, StoredConformance } from '../conformance.js';
import type { Store } from '../store/store.js';
const settings = (name: string, extra: Partial<RunSettings> = {}): RunSettings => ({
  ...defaultSettings,
  url: 'http://127.0.0.1:9/',
  name,
  ...extra,
});

const report = (p50Us: number): RunReport => ({
  startTime: '2026-01-01T00:00:00.000Z',
  endTime: '2026-01-01T00:00:01.000Z',
  requestedQps: 100,
  actualQps: 99.5,
  actualDurationMs: 1000,
  requestCount: 100,
  errorCount: 0,
  statusCodes: { '200': 100 },
  errors: {},
  latency: {
    count: 100,
    minUs: 10,
    meanUs: p50Us,
    maxUs: p50Us * 4,
    stddevUs: 1,
    percentiles: [
      { percentile: 50, valueUs: p50Us },
      { percentile: 99, valueUs: p50Us * 2 },
      { percentile: 99.9, valueUs: p50Us * 3 },
    ],
  },
  diagnostics: {},
  extra: {},
});

const environment = {
  hostname: 'h',
  os: 'Linux',
  kernel: 'Linux 6',
  arch: 'x64',
  cpuModel: 'cpu',
  cores: 2,
  memoryBytes: 1,
  nodeVersion: 'v20',
  meshplaneVersion: '0',
};

const conformance = (
  id: string,
  meshName: string,
  passingPercentage: string,
  date: string,
  document: StoredConformance['document'] = null,
): StoredConformance => {
  const result: ConformanceResult = {
    id,
    date,
    meshName,
    meshVersion: '1.0',
    driver: document ? 'local' : '',
    status: 'completed',
    casesPassed: Math.round((Number(passingPercentage) / 100) * 24),
    totalCases: 24,
    passingPercentage,
    specs: [
      {
        smi_specification: 'traffic-access',
        smi_version: 'v0.6.0/v1alpha3',
        time: '1.250',
        assertions: '7',
        capability: 'HALF',
        status: 'FAILED',
        result: 'step 5 trafficAllowed: app-b ReqReceived is []',
        reason: 'failed in step 5-trafficAllowed',
      },
    ],
    uploadedAt: '2026-01-03T00:00:00.000Z',
  };
  return { result, document };
};

/** storeContract registers the contract tests against stores made by `open`. */
export function storeContract(
  name: string,
  open: () => Promise<{ store: Store; cleanup(): Promise<void> }>,
): void {
  const withStore = async (fn: (store: Store) => Promise<void>): Promise<void> => {
    const { store, cleanup } = await open();
    try {
      await fn(store);
    } finally {
      await cleanup();
    }
  };
  test(`${name}: finishRun writes status, summary, report and histograms together`, async () => {
    await withStore(async (store) => {
      await store.createRun({ id: 'r1', settings: settings('one'), createdAt: '2026-01-01T00:00:00Z' });
      assert.equal(await store.markRunning('r1', '2026-01-01T00:00:01Z'), true);
      assert.equal(await store.markRunning('r1', '2026-01-01T00:00:01Z'), false, 'only a queued run starts');
      const run = await store.finishRun('r1', {
        status: 'completed',
        finishedAt: '2026-01-01T00:00:02Z',
        result: { report: report(500), histograms: { latency: 'HISTFAAAtest' }, environment },
      });
      assert.equal(run.status, 'completed');
      assert.deepEqual(
        {
          p50: run.summary?.p50Us,
          p99: run.summary?.p99Us,
          p999: run.summary?.p999Us,
          max: run.summary?.maxUs,
        },
        { p50: 500, p99: 1000, p999: 1500, max: 2000 },
      );
      const result = await store.getResult('r1');
      assert.equal(result?.histograms.latency, 'HISTFAAAtest');
      assert.equal(result?.report.requestCount, 100);
      await assert.rejects(store.finishRun('r1', { status: 'failed', finishedAt: 'x' }), {
        code: 'SERVER_ERR_CONFLICT',
      });
    });
  });

  test(`${name}: a failure inside finishRun leaves neither a half result nor a changed status`, async () => {
    await withStore(async (store) => {
      await store.createRun({ id: 'r1', settings: settings('one'), createdAt: '2026-01-01T00:00:00Z' });
      await store.markRunning('r1', '2026-01-01T00:00:01Z');
      // A histogram without data violates NOT NULL after the run row and the report were written.
      await assert.rejects(
        store.finishRun('r1', {
          status: 'completed',
          finishedAt: '2026-01-01T00:00:02Z',
          result: { report: report(500), histograms: { latency: null as unknown as string }, environment },
        }),
      );
      const run = await store.getRun('r1');
      assert.equal(run?.status, 'running');
      assert.equal(run?.summary, null);
      assert.equal(await store.getResult('r1'), undefined);
    });
  });

  test(`${name}: interruptRuns marks queued and running runs, and only those`, async () => {
    await withStore(async (store) => {
      for (const id of ['q', 'r', 'c']) {
        await store.createRun({
          id,
          settings: settings(id),
          createdAt: `2026-01-01T00:00:0${id === 'q' ? 1 : 2}Z`,
        });
      }
      await store.markRunning('r', 'x');
      await store.markRunning('c', 'x');
      await store.finishRun('c', {
        status: 'completed',
        finishedAt: 'y',
        result: { report: report(1), histograms: {}, environment },
      });
      assert.equal(await store.interruptRuns('z', 'SERVER_ERR_INTERRUPTED: stopped'), 2);
      assert.deepEqual(
        (await store.getRuns(['q', 'r', 'c'])).map((r) => r.status),
        ['interrupted', 'interrupted', 'completed'],
      );
    });
  });

  test(`${name}: listRuns searches name, mesh and URL literally, sorts by a column and pages`, async () => {
    await withStore(async (store) => {
      const names = ['alpha', 'beta', 'gamma 100%', 'delta_x'];
      for (const [i, name] of names.entries()) {
        await store.createRun({
          id: `r${i}`,
          settings: settings(name, { mesh: i % 2 ? 'istio' : 'linkerd' }),
          createdAt: `2026-01-01T00:00:0${i}Z`,
        });
        await store.markRunning(`r${i}`, 'x');
        await store.finishRun(`r${i}`, {
          status: 'completed',
          finishedAt: 'y',
          result: { report: report(100 * (4 - i)), histograms: {}, environment },
        });
      }
      const byP50 = await store.listRuns({ page: 0, pageSize: 10, orderBy: 'p50_us', descending: false });
      assert.deepEqual(
        byP50.items.map((r) => r.name),
        ['delta_x', 'gamma 100%', 'beta', 'alpha'],
      );
      const istio = await store.listRuns({
        page: 0,
        pageSize: 10,
        orderBy: 'created_at',
        descending: true,
        search: 'ISTIO',
      });
      assert.deepEqual(
        istio.items.map((r) => r.name),
        ['delta_x', 'beta'],
      );
      const percent = await store.listRuns({
        page: 0,
        pageSize: 10,
        orderBy: 'created_at',
        descending: true,
        search: '%',
      });
      assert.deepEqual(
        percent.items.map((r) => r.name),
        ['gamma 100%'],
        '% is matched literally',
      );
      const underscore = await store.listRuns({
        page: 0,
        pageSize: 10,
        orderBy: 'created_at',
        descending: true,
        search: '_',
      });
      assert.deepEqual(
        underscore.items.map((r) => r.name),
        ['delta_x'],
        '_ is matched literally',
      );
      const page1 = await store.listRuns({ page: 1, pageSize: 3, orderBy: 'created_at', descending: true });
      assert.equal(page1.totalCount, 4);
      assert.deepEqual(
        page1.items.map((r) => r.name),
        ['alpha'],
      );
    });
  });

  test(`${name}: conformance results are stored whole, refused twice, searched, sorted, paged, deleted`, async () => {
    await withStore(async (store) => {
      const doc = { apiVersion: 'meshplane.dev/v1alpha1', kind: 'ConformanceResult', id: 'c1', suites: [] };
      const first = conformance('c1', 'meshplane', '95.83', '2026-01-01T00:00:00.000Z', doc as never);
      assert.deepEqual(await store.saveConformance(first), first.result);
      await store.saveConformance(conformance('c2', 'Linkerd', '47.8', '2026-01-02T00:00:00.000Z'));
      await store.saveConformance(conformance('c3', 'istio_x', '100', '2026-01-03T00:00:00.000Z'));
      await assert.rejects(store.saveConformance(conformance('c1', 'other', '1', '2026-01-04T00:00:00.000Z')), {
        code: 'SERVER_ERR_CONFLICT',
      });
      assert.deepEqual(await store.getConformance('c1'), first);
      assert.equal((await store.getConformance('c2'))?.document, null);
      assert.equal(await store.getConformance('nope'), undefined);
      const list = (q: Partial<Parameters<Store['listConformance']>[0]>) =>
        store.listConformance({ page: 0, pageSize: 10, orderBy: 'date', descending: true, ...q });
      assert.deepEqual((await list({})).items.map((r) => r.id), ['c3', 'c2', 'c1']);
      assert.deepEqual(
        (await list({ orderBy: 'passing_percentage', descending: false })).items.map((r) => r.passingPercentage),
        ['47.8', '95.83', '100'],
        'percentages sort as numbers',
      );
      assert.deepEqual((await list({ orderBy: 'mesh_name', descending: false })).items.map((r) => r.meshName), ['istio_x', 'Linkerd', 'meshplane']);
      assert.deepEqual((await list({ search: 'LINK' })).items.map((r) => r.id), ['c2']);
      assert.deepEqual((await list({ search: '_' })).items.map((r) => r.id), ['c3'], '_ is matched literally');
      const page = await list({ page: 1, pageSize: 2 });
      assert.equal(page.totalCount, 3);
      assert.deepEqual(page.items.map((r) => r.id), ['c1']);
      assert.equal(await store.deleteConformance('c2'), true);
      assert.equal(await store.deleteConformance('c2'), false);
      assert.equal((await list({})).totalCount, 2);
    });
  }); // prettier-ignore

  test(`${name}: deleting a profile keeps its runs and drops its schedules`, async () => {
    await withStore(async (store) => {
      await store.createProfile({ id: 'p', name: 'P', settings: settings('P'), createdAt: 't' });
      await store.createSchedule({
        id: 's',
        profileId: 'p',
        cron: '* * * * *',
        timezone: '',
        enabled: true,
        createdAt: 't',
      });
      await store.createRun({
        id: 'r',
        settings: settings('r'),
        profileId: 'p',
        scheduleId: 's',
        createdAt: 't',
      });
      assert.equal((await store.getProfile('p'))?.totalRuns, 1);
      assert.equal(await store.deleteProfile('p'), true);
      assert.equal(await store.getSchedule('s'), undefined);
      const run = await store.getRun('r');
      assert.equal(run?.profileId, null);
      assert.equal(run?.scheduleId, null);
    });
  });
}
