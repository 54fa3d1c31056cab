// Kill -9 of a real `meshplane server` process during a run: the store must reopen cleanly with the
// earlier result intact and the interrupted run marked as such.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import type { Run } from './model.js';
import { quick, readStream, startTarget, tempDir } from './testing/harness.js';

const bin = fileURLToPath(new URL('../cli/bin.js', import.meta.url));

async function startProcess(db: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [bin, 'server', '--port', '0', '--db', db], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, MESHPLANE_TOKEN: '' },
  });
  let out = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start: ${out}`)), 15_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk;
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    child.stderr!.on('data', (chunk: Buffer) => (out += chunk));
    child.once('exit', (code) => reject(new Error(`server exited with ${code}: ${out}`)));
  });
  return { child, url };
}

function killed(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
  });
}

test('kill -9 during a run: restart opens the store, keeps earlier results, marks the run interrupted', async () => {
  const dir = tempDir();
  const db = join(dir.path, 'crash.db');
  const target = await startTarget();
  let child: ChildProcess | undefined;
  try {
    const first = await startProcess(db);
    child = first.child;
    const post = (settings: Record<string, unknown>) =>
      fetch(`${first.url}/api/runs`, { method: 'POST', body: JSON.stringify(settings) }).then(
        async (r) => ((await r.json()) as { run: Run }).run,
      );
    const done = await post(quick(target.url, { name: 'before the crash' }));
    await readStream(await fetch(`${first.url}/api/runs/${done.id}/events`));
    const long = await post(quick(target.url, { name: 'killed', duration: '30s' }));
    // Wait until it is really running and measuring.
    for (let i = 0; i < 100; i++) {
      const { run } = (await (await fetch(`${first.url}/api/runs/${long.id}`)).json()) as { run: Run };
      if (run.status === 'running') break;
      await new Promise((r) => setTimeout(r, 50));
    }
    await new Promise((r) => setTimeout(r, 500));
    child.kill('SIGKILL');
    await killed(child);

    const second = await startProcess(db);
    child = second.child;
    const get = async (id: string) =>
      ((await (await fetch(`${second.url}/api/runs/${id}`)).json()) as { run: Run }).run;
    const earlier = await get(done.id);
    assert.equal(earlier.status, 'completed');
    assert.ok(earlier.summary!.requestCount > 0);
    const result = await fetch(`${second.url}/api/runs/${done.id}/result`);
    assert.equal(result.status, 200, 'the earlier result is intact');
    const interrupted = await get(long.id);
    assert.equal(interrupted.status, 'interrupted');
    assert.match(interrupted.error!, /^SERVER_ERR_INTERRUPTED/);
    assert.equal(interrupted.summary, null, 'no half result');
    child.kill('SIGTERM');
    await killed(child);
    child = undefined;

    const raw = new Database(db, { readonly: true });
    assert.equal(raw.pragma('integrity_check', { simple: true }), 'ok');
    raw.close();
  } finally {
    if (child) {
      child.kill('SIGKILL');
      await killed(child);
    }
    await target.close();
    dir.remove();
  }
});
