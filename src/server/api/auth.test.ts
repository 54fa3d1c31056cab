import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startServer } from '../server.js';
import { startHarness, tempDir } from '../testing/harness.js';
import { join } from 'node:path';

test('binding a non-loopback address without a token is refused before anything opens', async () => {
  const dir = tempDir();
  try {
    await assert.rejects(startServer({ host: '0.0.0.0', port: 0, db: join(dir.path, 'x.db'), env: {} }), {
      code: 'ERR_INVALID_INPUT',
      field: 'token',
    });
    await assert.rejects(startServer({ port: 70000, db: join(dir.path, 'x.db'), env: {} }), {
      field: 'port',
    });
  } finally {
    dir.remove();
  }
});

test('with a token, every API call needs `Authorization: Bearer <token>`; the UI files do not', async () => {
  const h = await startHarness({ token: 's3cret' });
  try {
    const none = await fetch(`${h.server.url}/api/runs`);
    assert.equal(none.status, 401);
    assert.equal(((await none.json()) as { error: { code: string } }).error.code, 'SERVER_ERR_UNAUTHORIZED');
    const wrong = await fetch(`${h.server.url}/api/runs`, { headers: { authorization: 'Bearer s3cre' } });
    assert.equal(wrong.status, 401);
    const right = await fetch(`${h.server.url}/api/runs`, { headers: { authorization: 'Bearer s3cret' } });
    assert.equal(right.status, 200);
    const page = await fetch(`${h.server.url}/results`);
    assert.equal(page.status, 200);
  } finally {
    await h.close();
  }
});

test('the token can come from MESHPLANE_TOKEN', async () => {
  const h = await startHarness({ env: { MESHPLANE_TOKEN: 'from-env' } });
  try {
    assert.equal((await fetch(`${h.server.url}/api/system`)).status, 401);
    const ok = await fetch(`${h.server.url}/api/system`, { headers: { authorization: 'Bearer from-env' } });
    assert.equal(ok.status, 200);
  } finally {
    await h.close();
  }
});
