import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { storeContract } from '../testing/store-contract.js';
import { tempDir } from '../testing/harness.js';
import { migrations } from './migrations/index.js';
import { defaultDatabasePath, SqliteStore } from './sqlite.js';

async function withStore(fn: (store: SqliteStore, path: string) => Promise<void>): Promise<void> {
  const dir = tempDir();
  const path = join(dir.path, 'sub', 'm.db');
  const store = new SqliteStore(path);
  try {
    await fn(store, path);
  } finally {
    await store.close();
    dir.remove();
  }
}

storeContract('SqliteStore', async () => {
  const dir = tempDir();
  const store = new SqliteStore(join(dir.path, 'contract.db'));
  return {
    store,
    cleanup: async () => {
      await store.close();
      dir.remove();
    },
  };
});

test('a new database gets every migration, WAL mode, and reopens without re-running them', async () => {
  await withStore(async (store, path) => {
    assert.equal(store.schemaVersion(), migrations.at(-1)!.version);
    await store.close();
    const raw = new Database(path, { readonly: true });
    assert.equal(raw.pragma('journal_mode', { simple: true }), 'wal');
    assert.equal(
      (raw.prepare('SELECT COUNT(*) AS n FROM schema_migrations').get() as { n: number }).n,
      migrations.length,
    );
    raw.close();
    const again = new SqliteStore(path);
    assert.equal(again.schemaVersion(), migrations.at(-1)!.version);
    await again.close();
  });
});

test('a database from a newer meshplane is refused with SERVER_ERR_STORE and left alone', async () => {
  await withStore(async (store, path) => {
    await store.close();
    const raw = new Database(path);
    raw
      .prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, ?, ?)')
      .run('future', 'x');
    raw.close();
    assert.throws(() => new SqliteStore(path), { code: 'SERVER_ERR_STORE', message: /schema version 999/ });
  });
});

test('the default database path honours MESHPLANE_DB', () => {
  assert.equal(defaultDatabasePath({ MESHPLANE_DB: '/x/y.db' }), '/x/y.db');
  assert.match(defaultDatabasePath({}), /\.meshplane\/meshplane\.db$/);
});

test('a database at schema version 1 gains the conformance table and keeps its runs', async () => {
  const dir = tempDir();
  try {
    const path = join(dir.path, 'v1.db');
    // Build a version-1 database as an earlier meshplane left it, with one run in it.
    const raw = new Database(path);
    raw.exec(
      'CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)',
    );
    raw.exec(migrations[0]!.sql);
    raw.prepare('INSERT INTO schema_migrations VALUES (1, ?, ?)').run(migrations[0]!.name, 'then');
    raw
      .prepare(
        `INSERT INTO runs (id, name, url, status, settings, created_at) VALUES ('old', 'old run', 'http://a/', 'completed', '{}', 't')`,
      )
      .run();
    raw.close();
    const store = new SqliteStore(path);
    try {
      assert.equal(store.schemaVersion(), 2);
      assert.equal((await store.getRun('old'))?.name, 'old run');
      const page = await store.listConformance({ page: 0, pageSize: 5, orderBy: 'date', descending: true });
      assert.equal(page.totalCount, 0);
    } finally {
      await store.close();
    }
  } finally {
    dir.remove();
  }
});
