/** Rows of the SQLite tables and their mapping to the API's records. */
import type { Profile, Run, RunSettings, RunStatus, Schedule } from '../model.js';

export interface RunRow {
  id: string;
  name: string;
  mesh: string;
  url: string;
  status: RunStatus;
  settings: string;
  profile_id: string | null;
  schedule_id: string | null;
  test_id: string | null;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
  error: string | null;
  requested_qps: number | null;
  actual_qps: number | null;
  duration_ms: number | null;
  request_count: number | null;
  error_count: number | null;
  p50_us: number | null;
  p99_us: number | null;
  p999_us: number | null;
  max_us: number | null;
}

export interface ProfileRow {
  id: string;
  name: string;
  settings: string;
  created_at: string;
  updated_at: string;
  last_run_at: string | null;
  total_runs: number;
}

export interface ScheduleRow {
  id: string;
  profile_id: string;
  cron: string;
  timezone: string;
  enabled: number;
  created_at: string;
  updated_at: string;
  last_fired_at: string | null;
  last_run_id: string | null;
}

export function toRun(row: RunRow): Run {
  return {
    id: row.id,
    name: row.name,
    mesh: row.mesh,
    status: row.status,
    settings: JSON.parse(row.settings) as RunSettings,
    profileId: row.profile_id,
    scheduleId: row.schedule_id,
    testId: row.test_id,
    createdAt: row.created_at,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    error: row.error,
    summary:
      row.actual_qps === null
        ? null
        : {
            requestedQps: row.requested_qps ?? 0,
            actualQps: row.actual_qps,
            durationMs: row.duration_ms ?? 0,
            requestCount: row.request_count ?? 0,
            errorCount: row.error_count ?? 0,
            p50Us: row.p50_us ?? 0,
            p99Us: row.p99_us ?? 0,
            p999Us: row.p999_us ?? 0,
            maxUs: row.max_us ?? 0,
          },
  };
}

export function toProfile(row: ProfileRow): Profile {
  return {
    id: row.id,
    name: row.name,
    settings: JSON.parse(row.settings) as RunSettings,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    lastRunAt: row.last_run_at,
    totalRuns: row.total_runs,
  };
}

export function toSchedule(row: ScheduleRow): Schedule {
  return {
    id: row.id,
    profileId: row.profile_id,
    cron: row.cron,
    timezone: row.timezone,
    enabled: row.enabled === 1,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    lastFiredAt: row.last_fired_at,
    lastRunId: row.last_run_id,
  };
}
