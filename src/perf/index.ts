/**
 * Public surface of perf, the load generator: validate options at the door, run (meshplane's own
 * HTTP/1.1 engine, or wrk / hey), listen to typed events, and render results as text, fortio JSON,
 * YAML and `.hgrm`. The engine prints nothing and touches no process state, so the CLI and the
 * management plane call the same API.
 * @module
 */
export { run, runPrepared, prepareRun, runnerFor, MeshplaneRunner, emptyResult } from './runner.js';
export type { Runner } from './runner.js';
export { WrkRunner, WRK_LIMITATIONS } from './external/wrk.js';
export { HeyRunner, HEY_LIMITATIONS } from './external/hey.js';
export { validateRunOptions, parseTarget, RUN_DEFAULTS } from './options.js';
export { availableGenerators, GENERATOR_NAMES } from './generators.js';
export { planSmpRuns, SMP_MESH_LABELS } from './smp/plan.js';
export type { SmpPlan, SmpRun, SmpPlanOptions, DefaultRunOptions } from './smp/plan.js';
export { toPerformanceTestResult, runFacts, smpResultLabels } from './smp/result.js';
export type { SmpRunFacts, SmpResultMeta } from './smp/result.js';
export type {
  RunOptions,
  ResolvedRunOptions,
  TlsOptions,
  LoadModel,
  Sequencer,
  GeneratorName,
  Target,
  FieldNames,
} from './options.js';
export type {
  RunEvent,
  StartEvent,
  TickEvent,
  DoneEvent,
  ErrorEvent,
  RunContext,
  RunPhase,
} from './events.js';
export { ERROR_KINDS } from './result.js';
export type { RunResult, RunHistograms, Diagnostics, ErrorKind } from './result.js';
export { GENERATOR_CPU_LIMIT_PERCENT, EVENT_LOOP_DELAY_LIMIT_US } from './diagnostics.js';
export { parseGoDuration, formatGoDuration } from './duration.js';
export { latencySummaryMs, endTime } from './summary.js';
export type { LatencySummaryMs } from './summary.js';
export { PerfErrorCode } from './errors.js';
export { toFortioJson, fortioHistogram, FORTIO_PERCENTILES } from './report/fortio.js';
export type {
  FortioResult,
  FortioHistogram,
  FortioBucket,
  FortioPercentile,
  MeshplaneExtension,
} from './report/fortio.js';
export { formatText, formatMicros, formatBytes } from './report/text.js';
export { toYaml } from './report/yaml.js';
export { toHgrm } from './report/hgrm.js';
