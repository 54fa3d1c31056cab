/** Migration 2: SMI conformance results, one row per run with its per-specification rows. */
import type { Migration } from './index.js';

export const migration: Migration = {
  version: 2,
  name: 'conformance',
  sql: `
CREATE TABLE conformance_results (
  id                 TEXT PRIMARY KEY,
  date               TEXT NOT NULL,                 -- when the run started, RFC 3339
  mesh_name          TEXT NOT NULL,
  mesh_version       TEXT NOT NULL DEFAULT '',
  driver             TEXT NOT NULL DEFAULT '',      -- '' for a Meshery adapter's result
  status             TEXT NOT NULL,                 -- Meshery's: completed, running, deleting...
  cases_passed       INTEGER NOT NULL,
  total_cases        INTEGER NOT NULL,
  passing_percentage TEXT NOT NULL,                 -- as scored, e.g. '11.86'
  passing_ratio      REAL NOT NULL,                 -- the same as a number, to sort by
  specs              TEXT NOT NULL,                 -- per-specification rows (Meshery more_details) as JSON
  document           TEXT,                          -- meshplane's whole ConformanceResult as JSON, or NULL
  uploaded_at        TEXT NOT NULL
);
CREATE INDEX conformance_results_date ON conformance_results(date);
`,
};
