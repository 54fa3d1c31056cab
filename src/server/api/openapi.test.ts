import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startHarness, type Harness } from '../testing/harness.js';

let h: Harness;
before(async () => {
  h = await startHarness();
});
after(async () => {
  await h.close();
});

test('the OpenAPI document lists exactly the routes the server has', async () => {
  const served = new Set(
    h.server.app.routes
      .filter((r) => r.path.startsWith('/api/') && r.path !== '/api/*' && r.method !== 'ALL')
      .map((r) => `${r.method} ${r.path.replace(/:(\w+)/g, '{$1}')}`),
  );
  const response = await fetch(`${h.server.url}/api/openapi.json`);
  assert.equal(response.status, 200);
  const doc = (await response.json()) as { openapi: string; paths: Record<string, Record<string, unknown>> };
  assert.match(doc.openapi, /^3\./);
  const documented = new Set(
    Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`),
    ),
  );
  assert.deepEqual([...served].filter((r) => !documented.has(r)).sort(), [], 'served but not documented');
  assert.deepEqual([...documented].filter((r) => !served.has(r)).sort(), [], 'documented but not served');
  assert.ok(served.size >= 20);
});

test('every documented $ref resolves', async () => {
  const doc = (await (await fetch(`${h.server.url}/api/openapi.json`)).json()) as Record<string, unknown>;
  const refs = JSON.stringify(doc).match(/"#\/components\/[^"]+"/g) ?? [];
  for (const ref of new Set(refs)) {
    let node: unknown = doc;
    for (const part of JSON.parse(ref).slice(2).split('/')) node = (node as Record<string, unknown>)?.[part];
    assert.ok(node, `${ref} resolves`);
  }
});
