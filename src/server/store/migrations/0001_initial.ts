/** Migration 1: runs, their results and histograms, profiles and schedules. */
import type { Migration } from './index.js';

export const migration: Migration = {
  version: 1,
  name: 'initial',
  sql: `
CREATE TABLE profiles (
  id          TEXT PRIMARY KEY,
  name        TEXT NOT NULL,
  settings    TEXT NOT NULL,             -- RunSettings as JSON
  created_at  TEXT NOT NULL,
  updated_at  TEXT NOT NULL
);

CREATE TABLE schedules (
  id            TEXT PRIMARY KEY,
  profile_id    TEXT NOT NULL REFERENCES profiles(id) ON DELETE CASCADE,
  cron          TEXT NOT NULL,
  timezone      TEXT NOT NULL DEFAULT '',
  enabled       INTEGER NOT NULL DEFAULT 1,
  created_at    TEXT NOT NULL,
  updated_at    TEXT NOT NULL,
  last_fired_at TEXT,
  last_run_id   TEXT
);
CREATE INDEX schedules_profile ON schedules(profile_id);

CREATE TABLE runs (
  id            TEXT PRIMARY KEY,
  name          TEXT NOT NULL,
  mesh          TEXT NOT NULL DEFAULT '',
  url           TEXT NOT NULL,
  status        TEXT NOT NULL
                CHECK (status IN ('queued','running','completed','failed','cancelled','interrupted')),
  settings      TEXT NOT NULL,           -- RunSettings as JSON
  profile_id    TEXT REFERENCES profiles(id) ON DELETE SET NULL,
  schedule_id   TEXT REFERENCES schedules(id) ON DELETE SET NULL,
  test_id       TEXT,
  created_at    TEXT NOT NULL,
  started_at    TEXT,
  finished_at   TEXT,
  error         TEXT,
  -- headline figures, copied from the report so tables sort and page in SQL (latencies in µs)
  requested_qps REAL,
  actual_qps    REAL,
  duration_ms   REAL,
  request_count INTEGER,
  error_count   INTEGER,
  p50_us        INTEGER,
  p99_us        INTEGER,
  p999_us       INTEGER,
  max_us        INTEGER
);
CREATE INDEX runs_created ON runs(created_at);
CREATE INDEX runs_profile ON runs(profile_id, created_at);
CREATE INDEX runs_status ON runs(status);

CREATE TABLE results (
  run_id      TEXT PRIMARY KEY REFERENCES runs(id) ON DELETE CASCADE,
  report      TEXT NOT NULL,             -- RunReport as JSON
  environment TEXT NOT NULL              -- Environment as JSON
);

-- Histograms in the compressed HdrHistogram V2 form ("HISTFAAA..."), so exports and
-- comparisons are exact.
CREATE TABLE histograms (
  run_id   TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  name     TEXT NOT NULL,
  encoding TEXT NOT NULL DEFAULT 'HISTFAAA',
  data     TEXT NOT NULL,
  PRIMARY KEY (run_id, name)
);
`,
};
