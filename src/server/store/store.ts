/**
 * Store is the management plane's persistence contract. SqliteStore fills it today; a PostgreSQL
 * implementation can fill it later, which is why every method returns a Promise.
 * @module
 */
import type { StoredConformance, ConformanceResult } from '../conformance.js';
import type {
  Environment,
  EncodedHistograms,
  Profile,
  Run,
  RunReport,
  RunSettings,
  RunStatus,
  Schedule,
  StoredResult,
} from '../model.js';

/** The columns a run list can be ordered by. */
export const runOrderFields = [
  'created_at',
  'name',
  'mesh',
  'status',
  'actual_qps',
  'duration_ms',
  'p50_us',
  'p99_us',
  'p999_us',
] as const;
export type RunOrderField = (typeof runOrderFields)[number];

/** The columns a conformance result list can be ordered by. */
export const conformanceOrderFields = [
  'date',
  'mesh_name',
  'mesh_version',
  'passing_percentage',
  'status',
  'uploaded_at',
] as const;
export type ConformanceOrderField = (typeof conformanceOrderFields)[number];

export interface ConformanceQuery {
  /** 0-based page number */
  page: number;
  pageSize: number;
  /** matched case-insensitively against id, mesh name and mesh version */
  search?: string;
  orderBy: ConformanceOrderField;
  descending: boolean;
}

export interface RunQuery {
  /** 0-based page number */
  page: number;
  pageSize: number;
  /** matched case-insensitively against name, mesh and URL */
  search?: string;
  orderBy: RunOrderField;
  descending: boolean;
  profileId?: string;
  status?: RunStatus;
}

export interface Page<T> {
  page: number;
  pageSize: number;
  totalCount: number;
  items: T[];
}

export interface NewRun {
  id: string;
  settings: RunSettings;
  profileId?: string | null;
  scheduleId?: string | null;
  testId?: string | null;
  createdAt: string;
}

export interface NewProfile {
  id: string;
  name: string;
  settings: RunSettings;
  createdAt: string;
}

export interface NewSchedule {
  id: string;
  profileId: string;
  cron: string;
  timezone: string;
  enabled: boolean;
  createdAt: string;
}

/** RunEnd is how a run finished; `result` is absent when nothing was measured. */
export interface RunEnd {
  status: Extract<RunStatus, 'completed' | 'failed' | 'cancelled'>;
  finishedAt: string;
  error?: string | null;
  result?: { report: RunReport; histograms: EncodedHistograms; environment: Environment };
}

export interface Store {
  /** where the data lives, for logs (a file path or a connection string without secrets) */
  readonly location: string;

  createRun(run: NewRun): Promise<Run>;
  /** markRunning moves a queued run to running; false when it was no longer queued */
  markRunning(id: string, startedAt: string): Promise<boolean>;
  /** finishRun stores the end state and the result in one transaction */
  finishRun(id: string, end: RunEnd): Promise<Run>;
  /** interruptRuns marks every queued or running run interrupted (used at start-up after a crash) */
  interruptRuns(at: string, reason: string): Promise<number>;
  getRun(id: string): Promise<Run | undefined>;
  getRuns(ids: string[]): Promise<Run[]>;
  listRuns(query: RunQuery): Promise<Page<Run>>;
  getResult(runId: string): Promise<StoredResult | undefined>;
  deleteRun(id: string): Promise<boolean>;

  createProfile(profile: NewProfile): Promise<Profile>;
  updateProfile(id: string, name: string, settings: RunSettings, updatedAt: string): Promise<Profile>;
  getProfile(id: string): Promise<Profile | undefined>;
  listProfiles(page: number, pageSize: number, search?: string): Promise<Page<Profile>>;
  deleteProfile(id: string): Promise<boolean>;

  createSchedule(schedule: NewSchedule): Promise<Schedule>;
  updateSchedule(
    id: string,
    fields: { cron: string; timezone: string; enabled: boolean; updatedAt: string },
  ): Promise<Schedule>;
  recordScheduleFired(id: string, firedAt: string, runId: string): Promise<void>;
  getSchedule(id: string): Promise<Schedule | undefined>;
  listSchedules(): Promise<Schedule[]>;
  deleteSchedule(id: string): Promise<boolean>;

  /** saveConformance stores an uploaded conformance result; a ConflictError when its id is taken */
  saveConformance(record: StoredConformance): Promise<ConformanceResult>;
  getConformance(id: string): Promise<StoredConformance | undefined>;
  listConformance(query: ConformanceQuery): Promise<Page<ConformanceResult>>;
  deleteConformance(id: string): Promise<boolean>;

  close(): Promise<void>;
}
