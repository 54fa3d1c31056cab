/**
 * LoadGenerator is what the run queue drives: settings in, a stored-form result out, progress
 * reported on the way. The default one wraps meshplane's load generator (perf-generator.ts).
 * @module
 */
import type { EncodedHistograms, RunReport, RunSettings } from './model.js';

/** RunProgress is one live update of a running test (sent about once a second). */
export interface RunProgress {
  /** `warmup` while the excluded warm-up runs, then `measure` */
  phase: 'warmup' | 'measure';
  /** time since the measured period began (0 during warm-up) */
  elapsedMs: number;
  /** measured time still ahead: the whole measured duration during warm-up */
  remainingMs: number;
  /** warm-up time still ahead (0 once measuring) */
  warmupRemainingMs?: number;
  /** requests completed in the measured period so far */
  requests: number;
  errors: number;
  /** requests per second over the last interval */
  currentRate: number;
}

/** GeneratorOutput is a finished (or stopped, partial) run in the form the store keeps. */
export interface GeneratorOutput {
  report: RunReport;
  histograms: EncodedHistograms;
  /** true when the run was stopped early by the abort signal */
  partial: boolean;
}

export interface GeneratorControl {
  /** aborts the run; the generator then resolves with a partial result when it measured anything */
  signal: AbortSignal;
  onProgress(progress: RunProgress): void;
}

/**
 * LoadGenerator runs one test. Bad settings reject before any socket opens; failures once running
 * (refused connections, timeouts) are counted in the report, not thrown.
 */
export type LoadGenerator = (settings: RunSettings, control: GeneratorControl) => Promise<GeneratorOutput>;
