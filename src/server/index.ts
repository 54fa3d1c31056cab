/**
 * Public surface of the management plane: `startServer` (API + web UI + run queue + scheduler on
 * a Store), the SQLite store, and the records the API returns.
 * @module
 */
export { startServer, isLoopback, defaultUiRoot, DEFAULT_HOST, DEFAULT_PORT } from './server.js';
export type { ServerOptions, RunningServer } from './server.js';
export { createApp } from './api/app.js';
export type { AppOptions } from './api/app.js';
export type { ApiContext } from './api/context.js';
export { openApiDocument } from './api/openapi.js';
export { SqliteStore, defaultDatabasePath } from './store/sqlite.js';
export type { Store, RunQuery, Page, RunOrderField } from './store/store.js';
export { RunQueue, QueueFullError } from './queue.js';
export type { RunEvent, LiveState } from './queue.js';
export { Scheduler, checkCron } from './scheduler.js';
export type { LoadGenerator, GeneratorOutput, GeneratorControl, RunProgress } from './generator.js';
export { perfGenerator } from './perf-generator.js';
export { parseSettings, defaultSettings, parseDuration, formatDuration } from './settings.js';
export { planUpload } from './smp-runs.js';
export type { PlannedRuns, SmpUploadOptions } from './smp-runs.js';
export type { StreamMessage } from './meshery.js';
export type {
  Environment,
  Profile,
  Run,
  RunReport,
  RunSettings,
  RunStatus,
  RunSummary,
  Schedule,
  StoredResult,
} from './model.js';
export { NotFoundError, ConflictError, UnauthorizedError, StoreError } from './errors.js';
