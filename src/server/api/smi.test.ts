// SMI conformance results on the management API: a real no-mesh run's document and a Meshery
// adapter's result are stored, listed in Meshery's page shape, read back whole, refused when bad.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { stringify as toYaml } from 'yaml';
import type { ConformanceDocument } from '../../conformance/index.js';
import { MESHERY_ADAPTER_RESULT, noMeshResult } from '../testing/conformance.js';
import { startHarness, type Harness } from '../testing/harness.js';

interface SmiResultJson {
  id: string;
  date: string;
  mesh_name: string;
  mesh_version: string;
  cases_passed: string;
  passing_percentage: string;
  status: string;
  more_details: Record<string, string>[];
  driver: string;
  total_cases: number;
  document?: ConformanceDocument | null;
}
interface SmiPageJson {
  page: number;
  page_size: number;
  total_count: number;
  results: SmiResultJson[];
}

let h: Harness;
let doc: ConformanceDocument;
before(async () => {
  [h, doc] = await Promise.all([startHarness(), noMeshResult()]);
});
after(async () => {
  await h.close();
});

const post = (body: unknown, type = 'application/json') =>
  h.json<SmiResultJson & { error: { field: string; message: string; code: string } }>('/api/smi/results', {
    method: 'POST',
    headers: { 'content-type': type },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });

test("a conformance run's document is stored and read back in Meshery's SmiResult shape", async () => {
  const created = await post(doc);
  assert.equal(created.status, 201, JSON.stringify(created.body));
  const r = created.body;
  assert.equal(r.id, doc.id);
  assert.equal(r.mesh_name, 'no mesh');
  assert.equal(r.driver, 'none');
  assert.equal(r.date, doc.startedAt);
  assert.equal(r.status, 'completed');
  assert.equal(r.cases_passed, doc.totals.casespassed);
  assert.equal(r.passing_percentage, doc.totals.passpercent);
  assert.equal(r.total_cases, doc.totals.steps);
  assert.deepEqual(
    r.more_details.map((d) => [d.smi_specification, d.assertions, d.capability, d.status]),
    doc.response.details.map((d) => [d.smispec, d.assertion, d.capability, d.status]),
  );
  assert.ok(r.more_details.every((d) => d.status === 'FAILED' && /failed in step \d+-/.test(d.reason!)));

  const one = await h.json<SmiResultJson>(`/api/smi/results/${doc.id}`);
  assert.equal(one.status, 200);
  assert.deepEqual(one.body.document, doc, 'the whole document comes back');
  const { document, ...row } = one.body;
  assert.ok(document);
  assert.deepEqual(row, r);

  const again = await post(doc);
  assert.equal(again.status, 409);
  assert.equal(again.body.error.code, 'SERVER_ERR_CONFLICT');
});

test("YAML (mesh validate -o yaml) and a Meshery adapter's result are accepted too; the list pages, sorts and searches", async () => {
  const yaml = await post(toYaml({ ...doc, id: 'yaml-run', meshery: { ...doc.meshery, id: 'yaml-run' } }), 'application/yaml');
  assert.equal(yaml.status, 201, JSON.stringify(yaml.body));
  const meshery = await post(MESHERY_ADAPTER_RESULT);
  assert.equal(meshery.status, 201, JSON.stringify(meshery.body));
  assert.equal(meshery.body.driver, '');
  assert.equal(meshery.body.total_cases, 24);
  assert.equal(meshery.body.more_details[0]!.reason, '', 'absent fields are empty strings');
  assert.equal((await h.json<SmiResultJson>(`/api/smi/results/${MESHERY_ADAPTER_RESULT.id}`)).body.document, null);

  const all = await h.json<SmiPageJson>('/api/smi/results');
  assert.equal(all.status, 200);
  assert.deepEqual(Object.keys(all.body), ['page', 'page_size', 'total_count', 'results']);
  assert.equal(all.body.total_count, 3);
  assert.equal(all.body.results.at(-1)!.id, MESHERY_ADAPTER_RESULT.id, 'newest first; the 2021 run last');
  const best = await h.json<SmiPageJson>('/api/smi/results?order=passing_percentage%20desc&pagesize=1');
  assert.equal(best.body.page_size, 1);
  assert.deepEqual(best.body.results.map((x) => x.passing_percentage), ['87.50']);
  const page2 = await h.json<SmiPageJson>('/api/smi/results?page=1&pageSize=2');
  assert.equal(page2.body.results.length, 1);
  const osm = await h.json<SmiPageJson>('/api/smi/results?search=open%20service');
  assert.deepEqual(osm.body.results.map((x) => x.mesh_name), ['Open Service Mesh']);
}); // prettier-ignore

test('a bad upload is a 400 naming the field and stores nothing; unknown ids are 404; delete works', async () => {
  const before = (await h.json<SmiPageJson>('/api/smi/results')).body.total_count;
  const spec = doc.meshery.more_details![0]!;
  const cases: [unknown, string][] = [
    [[1, 2], 'body'],
    [{ ...doc, kind: 'PerformanceTestResult' }, 'kind'],
    [{ ...doc, id: 'other', meshery: { ...doc.meshery, id: 'x' } }, 'meshery.id'],
    [{ ...doc, id: 'bad-1', meshery: { ...doc.meshery, id: 'bad-1', more_details: [{ ...spec, capability: 'PARTIAL' }] } }, 'meshery.more_details[0].capability'],
    [{ ...doc, id: 'bad-2', meshery: { ...doc.meshery, id: 'bad-2', passing_percentage: '120' } }, 'meshery.passing_percentage'],
    [{ ...doc, id: 'bad-3', meshery: { ...doc.meshery, id: 'bad-3' }, startedAt: 'yesterday' }, 'startedAt'],
    [{ ...doc, id: 'bad-4', meshery: { ...doc.meshery, id: 'bad-4' }, suites: [{ name: 's', steps: [{ number: 1, name: 'x', status: 'maybe', reasons: [] }] }] }, 'suites[0].steps[0].status'],
    [{ ...MESHERY_ADAPTER_RESULT, id: 'm-1', mesh_name: undefined }, 'mesh_name'],
    [{ ...MESHERY_ADAPTER_RESULT, id: 'm-2', mesh: 'x' }, 'mesh'],
    [{ ...MESHERY_ADAPTER_RESULT, id: 'm-3', cases_passed: 'seven' }, 'cases_passed'],
    [{ ...MESHERY_ADAPTER_RESULT, id: 'has space' }, 'id'],
  ];
  for (const [body, field] of cases) {
    const r = await post(body);
    assert.equal(r.status, 400, `${field}: ${JSON.stringify(r.body)}`);
    assert.equal(r.body.error.field, field, r.body.error.message);
  }
  assert.equal((await post('{"id": ')).status, 400);
  assert.equal((await h.json<SmiPageJson>('/api/smi/results')).body.total_count, before, 'nothing was stored');
  assert.equal((await h.json('/api/smi/results?order=score')).status, 400);
  assert.equal((await h.json('/api/smi/results/nope')).status, 404);

  assert.equal((await h.json(`/api/smi/results/${MESHERY_ADAPTER_RESULT.id}`, { method: 'DELETE' })).status, 204);
  assert.equal((await h.json(`/api/smi/results/${MESHERY_ADAPTER_RESULT.id}`)).status, 404);
  assert.equal((await h.json(`/api/smi/results/${MESHERY_ADAPTER_RESULT.id}`, { method: 'DELETE' })).status, 404);
}); // prettier-ignore
