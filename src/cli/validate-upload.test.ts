// `meshplane mesh validate --server URL` stores its result on a management server; a bad --server
// is refused before anything runs.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startHarness } from '../server/testing/harness.js';
import { main } from './main.js';
import { captureIO } from './testing/io.js';

test('mesh validate --server uploads the result, which the server lists with its per-spec rows', async () => {
  const h = await startHarness();
  try {
    const io = captureIO();
    const code = await main(
      ['mesh', 'validate', '--driver', 'none', '--suite', 'traffic-metrics', '-o', 'json', '-q', '--server', h.server.url],
      io,
    );
    assert.equal(code, 1, 'the no-mesh run fails, and the upload does not change that');
    const doc = JSON.parse(io.out()) as { id: string; totals: { passpercent: string } };
    assert.match(io.err(), new RegExp(`result stored on ${h.server.url}: 0\\.00 % passed, ${h.server.url}/conformance\\?id=${doc.id}`));
    const list = await h.json<{ total_count: number; results: { id: string; driver: string; more_details: { smi_specification: string; capability: string }[] }[] }>('/api/smi/results');
    assert.equal(list.body.total_count, 1);
    assert.equal(list.body.results[0]!.id, doc.id);
    assert.equal(list.body.results[0]!.driver, 'none');
    assert.deepEqual(list.body.results[0]!.more_details.map((d) => [d.smi_specification, d.capability]), [['traffic-metrics', 'NONE']]);
  } finally {
    await h.close();
  }
}); // prettier-ignore

test('a bad --server fails at the door (exit 2); an unreachable one is reported after the run (exit 1)', async () => {
  const bad = captureIO();
  assert.equal(await main(['mesh', 'validate', '--driver', 'none', '--server', 'ftp://x'], bad), 2);
  assert.match(bad.err(), /--server is "ftp:\/\/x"; expected an http:\/\/ or https:\/\/ URL/);
  assert.equal(bad.out(), '', 'nothing ran');
  const down = captureIO();
  const code = await main(['mesh', 'validate', '--driver', 'none', '--suite', 'traffic-metrics', '-q', '--server', 'http://127.0.0.1:1'], down);
  assert.equal(code, 1);
  assert.match(down.out(), /SMI conformance of no mesh/);
  assert.match(down.err(), /the result was not stored: cannot reach the meshplane server at http:\/\/127\.0\.0\.1:1/);
}); // prettier-ignore
