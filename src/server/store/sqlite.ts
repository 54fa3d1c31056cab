/**
 * SqliteStore: the Store on an embedded SQLite file (better-sqlite3), in WAL mode so a crash
 * never leaves a half-written result, with the versioned migrations of ./migrations.
 * @module
 */
import { mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import { ConflictError, NotFoundError, StoreError } from '../errors.js';
import type { ConformanceResult, StoredConformance } from '../conformance.js';
import type { Profile, Run, RunSettings, RunStatus, Schedule, StoredResult } from '../model.js';
import {
  toProfile,
  toRun,
  toSchedule,
  type ProfileRow,
  type RunRow,
  type ScheduleRow,
} from './sqlite-rows.js';
import { migrations } from './migrations/index.js';
import { SqliteConformance } from './sqlite-conformance.js';
import type {
  ConformanceQuery,
  NewProfile,
  NewRun,
  NewSchedule,
  Page,
  RunEnd,
  RunQuery,
  Store,
} from './store.js';

/** defaultDatabasePath is `$MESHPLANE_DB`, else `~/.meshplane/meshplane.db`. */
export function defaultDatabasePath(env: Record<string, string | undefined> = process.env): string {
  return env.MESHPLANE_DB || join(homedir(), '.meshplane', 'meshplane.db');
}

/** percentileOf picks one percentile of a report's latency summary (0 when absent). */
function percentileOf(end: RunEnd, p: number): number {
  return end.result?.report.latency.percentiles.find((x) => x.percentile === p)?.valueUs ?? 0;
}

/** escapeLike makes a user's search text literal inside a LIKE pattern. */
function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

const profileColumns = `p.*,
  (SELECT MAX(created_at) FROM runs r WHERE r.profile_id = p.id) AS last_run_at,
  (SELECT COUNT(*) FROM runs r WHERE r.profile_id = p.id) AS total_runs`;

export class SqliteStore implements Store {
  readonly location: string;
  private readonly db: Database.Database;
  private readonly conformance: SqliteConformance;

  /**
   * Opens (creating when missing) the database file at `path` and brings its schema up to date.
   * `:memory:` gives a throw-away store.
   */
  constructor(path: string) {
    this.location = path;
    try {
      if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
      this.db = new Database(path);
      this.db.pragma('journal_mode = WAL');
      this.db.pragma('synchronous = NORMAL');
      this.db.pragma('foreign_keys = ON');
      this.db.pragma('busy_timeout = 5000');
      this.migrate();
      this.conformance = new SqliteConformance(this.db);
    } catch (error) {
      if (error instanceof StoreError) throw error;
      throw new StoreError(
        `cannot open the database at ${path}: ${error instanceof Error ? error.message : error}`,
        error,
      );
    }
  }

  /** schemaVersion is the highest migration applied. */
  schemaVersion(): number {
    const row = this.db.prepare('SELECT MAX(version) AS v FROM schema_migrations').get() as {
      v: number | null;
    };
    return row.v ?? 0;
  }

  private migrate(): void {
    this.db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`);
    const current = this.schemaVersion();
    const newest = migrations.at(-1)?.version ?? 0;
    if (current > newest) {
      throw new StoreError(
        `the database at ${this.location} has schema version ${current}, newer than this meshplane knows (${newest}); upgrade meshplane`,
      );
    }
    for (const m of migrations) {
      if (m.version <= current) continue;
      this.db.transaction(() => {
        this.db.exec(m.sql);
        this.db
          .prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)')
          .run(m.version, m.name, new Date().toISOString());
      })();
    }
  }

  async createRun(run: NewRun): Promise<Run> {
    this.db
      .prepare(
        `INSERT INTO runs (id, name, mesh, url, status, settings, profile_id, schedule_id, test_id, created_at)
         VALUES (?, ?, ?, ?, 'queued', ?, ?, ?, ?, ?)`,
      )
      .run(
        run.id,
        run.settings.name,
        run.settings.mesh,
        run.settings.url,
        JSON.stringify(run.settings),
        run.profileId ?? null,
        run.scheduleId ?? null,
        run.testId ?? null,
        run.createdAt,
      );
    return (await this.getRun(run.id))!;
  }

  async markRunning(id: string, startedAt: string): Promise<boolean> {
    const info = this.db
      .prepare(`UPDATE runs SET status = 'running', started_at = ? WHERE id = ? AND status = 'queued'`)
      .run(startedAt, id);
    return info.changes === 1;
  }

  async finishRun(id: string, end: RunEnd): Promise<Run> {
    const write = this.db.transaction(() => {
      const row = this.db.prepare('SELECT status FROM runs WHERE id = ?').get(id) as
        { status: RunStatus } | undefined;
      if (!row) throw new NotFoundError('run', id);
      if (row.status !== 'queued' && row.status !== 'running') {
        throw new ConflictError(`run ${id} is already ${row.status}`);
      }
      const report = end.result?.report;
      this.db
        .prepare(
          `UPDATE runs SET status = ?, finished_at = ?, error = ?, requested_qps = ?, actual_qps = ?,
             duration_ms = ?, request_count = ?, error_count = ?, p50_us = ?, p99_us = ?, p999_us = ?, max_us = ?
           WHERE id = ?`,
        )
        .run(
          end.status,
          end.finishedAt,
          end.error ?? null,
          report?.requestedQps ?? null,
          report?.actualQps ?? null,
          report?.actualDurationMs ?? null,
          report?.requestCount ?? null,
          report?.errorCount ?? null,
          report ? percentileOf(end, 50) : null,
          report ? percentileOf(end, 99) : null,
          report ? percentileOf(end, 99.9) : null,
          report?.latency.maxUs ?? null,
          id,
        );
      if (end.result) {
        this.db
          .prepare('INSERT INTO results (run_id, report, environment) VALUES (?, ?, ?)')
          .run(id, JSON.stringify(end.result.report), JSON.stringify(end.result.environment));
        const insert = this.db.prepare('INSERT INTO histograms (run_id, name, data) VALUES (?, ?, ?)');
        for (const [name, data] of Object.entries(end.result.histograms)) insert.run(id, name, data);
      }
    });
    write();
    return (await this.getRun(id))!;
  }

  async interruptRuns(at: string, reason: string): Promise<number> {
    return this.db
      .prepare(
        `UPDATE runs SET status = 'interrupted', finished_at = ?, error = ? WHERE status IN ('queued', 'running')`,
      )
      .run(at, reason).changes;
  }

  async getRun(id: string): Promise<Run | undefined> {
    const row = this.db.prepare('SELECT * FROM runs WHERE id = ?').get(id) as RunRow | undefined;
    return row && toRun(row);
  }

  async getRuns(ids: string[]): Promise<Run[]> {
    const select = this.db.prepare('SELECT * FROM runs WHERE id = ?');
    return ids.flatMap((id) => {
      const row = select.get(id) as RunRow | undefined;
      return row ? [toRun(row)] : [];
    });
  }

  async listRuns(query: RunQuery): Promise<Page<Run>> {
    const where: string[] = [];
    const args: unknown[] = [];
    if (query.search) {
      where.push(`(name LIKE ? ESCAPE '\\' OR mesh LIKE ? ESCAPE '\\' OR url LIKE ? ESCAPE '\\')`);
      const pattern = `%${escapeLike(query.search)}%`;
      args.push(pattern, pattern, pattern);
    }
    if (query.profileId) {
      where.push('profile_id = ?');
      args.push(query.profileId);
    }
    if (query.status) {
      where.push('status = ?');
      args.push(query.status);
    }
    const clause = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const total = (this.db.prepare(`SELECT COUNT(*) AS n FROM runs ${clause}`).get(...args) as { n: number })
      .n;
    // orderBy is one of runOrderFields (checked by the API), never user text.
    const direction = query.descending ? 'DESC' : 'ASC';
    const rows = this.db
      .prepare(
        `SELECT * FROM runs ${clause} ORDER BY ${query.orderBy} IS NULL, ${query.orderBy} ${direction}, created_at DESC, id
         LIMIT ? OFFSET ?`,
      )
      .all(...args, query.pageSize, query.page * query.pageSize) as RunRow[];
    return { page: query.page, pageSize: query.pageSize, totalCount: total, items: rows.map(toRun) };
  }

  async getResult(runId: string): Promise<StoredResult | undefined> {
    const row = this.db.prepare('SELECT report, environment FROM results WHERE run_id = ?').get(runId) as
      { report: string; environment: string } | undefined;
    if (!row) return undefined;
    const histograms: Record<string, string> = {};
    for (const h of this.db
      .prepare('SELECT name, data FROM histograms WHERE run_id = ? ORDER BY name')
      .all(runId) as { name: string; data: string }[]) {
      histograms[h.name] = h.data;
    }
    return { report: JSON.parse(row.report), environment: JSON.parse(row.environment), histograms };
  }

  async deleteRun(id: string): Promise<boolean> {
    const row = this.db.prepare('SELECT status FROM runs WHERE id = ?').get(id) as
      { status: RunStatus } | undefined;
    if (!row) return false;
    if (row.status === 'queued' || row.status === 'running') {
      throw new ConflictError(`run ${id} is ${row.status}; cancel it before deleting it`);
    }
    return this.db.prepare('DELETE FROM runs WHERE id = ?').run(id).changes === 1;
  }

  async createProfile(profile: NewProfile): Promise<Profile> {
    this.db
      .prepare('INSERT INTO profiles (id, name, settings, created_at, updated_at) VALUES (?, ?, ?, ?, ?)')
      .run(profile.id, profile.name, JSON.stringify(profile.settings), profile.createdAt, profile.createdAt);
    return (await this.getProfile(profile.id))!;
  }

  async updateProfile(id: string, name: string, settings: RunSettings, updatedAt: string): Promise<Profile> {
    const info = this.db
      .prepare('UPDATE profiles SET name = ?, settings = ?, updated_at = ? WHERE id = ?')
      .run(name, JSON.stringify(settings), updatedAt, id);
    if (info.changes !== 1) throw new NotFoundError('profile', id);
    return (await this.getProfile(id))!;
  }

  async getProfile(id: string): Promise<Profile | undefined> {
    const row = this.db.prepare(`SELECT ${profileColumns} FROM profiles p WHERE p.id = ?`).get(id) as
      ProfileRow | undefined;
    return row && toProfile(row);
  }

  async listProfiles(page: number, pageSize: number, search?: string): Promise<Page<Profile>> {
    const clause = search ? `WHERE p.name LIKE ? ESCAPE '\\'` : '';
    const args = search ? [`%${escapeLike(search)}%`] : [];
    const total = (
      this.db.prepare(`SELECT COUNT(*) AS n FROM profiles p ${clause}`).get(...args) as { n: number }
    ).n;
    const rows = this.db
      .prepare(
        `SELECT ${profileColumns} FROM profiles p ${clause} ORDER BY p.updated_at DESC, p.id LIMIT ? OFFSET ?`,
      )
      .all(...args, pageSize, page * pageSize) as ProfileRow[];
    return { page, pageSize, totalCount: total, items: rows.map(toProfile) };
  }

  async deleteProfile(id: string): Promise<boolean> {
    return this.db.prepare('DELETE FROM profiles WHERE id = ?').run(id).changes === 1;
  }

  async createSchedule(s: NewSchedule): Promise<Schedule> {
    this.db
      .prepare(
        `INSERT INTO schedules (id, profile_id, cron, timezone, enabled, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(s.id, s.profileId, s.cron, s.timezone, s.enabled ? 1 : 0, s.createdAt, s.createdAt);
    return (await this.getSchedule(s.id))!;
  }

  async updateSchedule(
    id: string,
    f: { cron: string; timezone: string; enabled: boolean; updatedAt: string },
  ): Promise<Schedule> {
    const info = this.db
      .prepare('UPDATE schedules SET cron = ?, timezone = ?, enabled = ?, updated_at = ? WHERE id = ?')
      .run(f.cron, f.timezone, f.enabled ? 1 : 0, f.updatedAt, id);
    if (info.changes !== 1) throw new NotFoundError('schedule', id);
    return (await this.getSchedule(id))!;
  }

  async recordScheduleFired(id: string, firedAt: string, runId: string): Promise<void> {
    this.db
      .prepare('UPDATE schedules SET last_fired_at = ?, last_run_id = ? WHERE id = ?')
      .run(firedAt, runId, id);
  }

  async getSchedule(id: string): Promise<Schedule | undefined> {
    const row = this.db.prepare('SELECT * FROM schedules WHERE id = ?').get(id) as ScheduleRow | undefined;
    return row && toSchedule(row);
  }

  async listSchedules(): Promise<Schedule[]> {
    return (this.db.prepare('SELECT * FROM schedules ORDER BY created_at, id').all() as ScheduleRow[]).map(
      toSchedule,
    );
  }

  async deleteSchedule(id: string): Promise<boolean> {
    return this.db.prepare('DELETE FROM schedules WHERE id = ?').run(id).changes === 1;
  }

  async saveConformance(record: StoredConformance): Promise<ConformanceResult> {
    return this.conformance.save(record);
  }

  async getConformance(id: string): Promise<StoredConformance | undefined> {
    return this.conformance.get(id);
  }

  async listConformance(query: ConformanceQuery): Promise<Page<ConformanceResult>> {
    return this.conformance.list(query);
  }

  async deleteConformance(id: string): Promise<boolean> {
    return this.conformance.delete(id);
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}
