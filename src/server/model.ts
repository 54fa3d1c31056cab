/**
 * The management plane's records: what a run asks for (RunSettings), what it produced (RunReport),
 * and the saved Profile and Schedule that create runs. These are the shapes the API returns.
 * @module
 */

/** RunStatus is where a run is in its life; only `queued` and `running` can still change. */
export type RunStatus =
  /** waiting for the generator, which runs one test at a time */
  | 'queued'
  /** the generator is sending load */
  | 'running'
  /** finished; a result is stored */
  | 'completed'
  /** the generator could not run it (bad target, generator error); `error` says why */
  | 'failed'
  /** stopped by a user; a partial result is stored when the run had started */
  | 'cancelled'
  /** the server stopped (crash, kill) while the run was running */
  | 'interrupted';

export const runStatuses: readonly RunStatus[] = [
  'queued',
  'running',
  'completed',
  'failed',
  'cancelled',
  'interrupted',
];

/** LoadModel: open loop sends at a fixed arrival rate; closed loop sends as fast as replies come. */
export type LoadModel = 'open' | 'closed';

/** RunSettings is everything a test asks for; it is stored with the run so reruns are exact. */
export interface RunSettings {
  /** test name shown in tables; generated when left blank */
  name: string;
  /** free-form label of the mesh under test (e.g. "meshplane", "istio", "none") */
  mesh: string;
  url: string;
  method: string;
  /** concurrent connections */
  concurrency: number;
  /** requests per second in total; 0 means as fast as possible (closed loop) */
  qps: number;
  /** run time in milliseconds, excluding warm-up */
  durationMs: number;
  /** warm-up in milliseconds, run before and excluded from every figure */
  warmupMs: number;
  loadModel: LoadModel;
  /** per-request timeout in milliseconds */
  timeoutMs: number;
  headers: Record<string, string>;
  cookies: Record<string, string>;
  body: string;
  contentType: string;
  /** which load generator drives the test: meshplane's own, or wrk / hey when installed */
  generator: string;
  labels: Record<string, string>;
}

/** LatencySummary holds the figures the results table shows, in microseconds. */
export interface LatencySummary {
  count: number;
  minUs: number;
  meanUs: number;
  maxUs: number;
  stddevUs: number;
  /** percentile (0..100) → value in microseconds */
  percentiles: { percentile: number; valueUs: number }[];
}

/** RunReport is a finished run's outcome as stored and returned by the API. */
export interface RunReport {
  startTime: string;
  endTime: string;
  /** requested rate; 0 = max */
  requestedQps: number;
  actualQps: number;
  /** measured time in milliseconds (warm-up excluded) */
  actualDurationMs: number;
  requestCount: number;
  errorCount: number;
  /** HTTP status code (or "-1" for socket errors) → count */
  statusCodes: Record<string, number>;
  /** error kind (refused, reset, timeout…) → count */
  errors: Record<string, number>;
  latency: LatencySummary;
  /** the generator's own health: achieved rate, CPU, event-loop delay, send lag, warnings */
  diagnostics: Record<string, unknown>;
  /** generator-specific extra data kept for exports (e.g. the fortio JSON) */
  extra: Record<string, unknown>;
}

/** Histograms of one run by name (`latency`, `uncorrected`, `sendLag`…) in HdrHistogram `HISTFAAA` form. */
export type EncodedHistograms = Record<string, string>;

/** Environment records where a run was measured, so results from different hosts are told apart. */
export interface Environment {
  hostname: string;
  os: string;
  kernel: string;
  arch: string;
  cpuModel: string;
  cores: number;
  memoryBytes: number;
  nodeVersion: string;
  meshplaneVersion: string;
  /** room for the mesh under test: version, config id, proxy build */
  mesh?: Record<string, string>;
}

/** Run is one test: its settings, where it is, and (once done) its report. */
export interface Run {
  id: string;
  name: string;
  mesh: string;
  status: RunStatus;
  settings: RunSettings;
  profileId: string | null;
  scheduleId: string | null;
  /** groups the runs made from one SMP PerformanceTestConfig (its `id`) */
  testId: string | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  /** why the run failed, was cancelled or interrupted */
  error: string | null;
  /** headline figures, filled when a report is stored */
  summary: RunSummary | null;
}

/** RunSummary is the headline of a report, kept in columns so tables sort and page in SQL. */
export interface RunSummary {
  requestedQps: number;
  actualQps: number;
  durationMs: number;
  requestCount: number;
  errorCount: number;
  p50Us: number;
  p99Us: number;
  p999Us: number;
  maxUs: number;
}

/** StoredResult is everything kept for a finished run. */
export interface StoredResult {
  report: RunReport;
  histograms: EncodedHistograms;
  environment: Environment;
}

/** ProfileSettings is what a profile saves: the settings of a run, without the per-run name. */
export interface Profile {
  id: string;
  name: string;
  settings: RunSettings;
  createdAt: string;
  updatedAt: string;
  lastRunAt: string | null;
  totalRuns: number;
}

/** Schedule runs a profile whenever its cron expression fires while the server is up. */
export interface Schedule {
  id: string;
  profileId: string;
  /** 5- or 6-field cron expression (croner syntax) */
  cron: string;
  /** IANA time zone the expression is read in; empty = the server's local zone */
  timezone: string;
  enabled: boolean;
  createdAt: string;
  updatedAt: string;
  lastFiredAt: string | null;
  lastRunId: string | null;
  /** when it fires next, computed by the server (null when disabled) */
  nextRunAt?: string | null;
}
