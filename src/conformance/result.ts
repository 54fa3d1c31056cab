/**
 * What a conformance run produces, step by step; score.ts turns it into the learn-layer5 and
 * Meshery result shapes.
 * @module
 */
import type { ServedApi } from './driver.js';
import type { SuiteName } from './suites/index.js';

/** StepStatus: skipped steps did not run (interrupted, or an earlier step they need failed). */
export type StepStatus = 'passed' | 'failed' | 'skipped';

export interface StepResult {
  number: number;
  name: string;
  summary: string;
  /** One of the 24 steps of the original suite. */
  original: boolean;
  status: StepStatus;
  /** Why the step failed or was skipped, one precise sentence each. */
  reasons: string[];
  durationMs: number;
  /** How long the mesh took to put the step's changes into effect (when it changed something). */
  settleMs?: number;
  /** Warnings the mesh returned when applying. */
  warnings: string[];
  /** Objects applied and deleted, as "Kind apiVersion namespace/name". */
  applied: string[];
  deleted: string[];
}

export interface SuiteResult {
  name: SuiteName;
  specVersion: string;
  namespace: string;
  steps: StepResult[];
  durationMs: number;
  /** Set when tearing the namespace down failed. */
  teardownError?: string;
}

export interface ConformanceRun {
  id: string;
  startedAt: string;
  finishedAt: string;
  driver: string;
  mesh: { name: string; version: string };
  served: ServedApi[];
  suites: SuiteResult[];
  /** True when Ctrl-C (or the caller's signal) stopped the run. */
  interrupted: boolean;
  /** Present when repeated calls were scaled down (RunOptions.trafficScale < 1). */
  trafficScale?: number;
}

/** firstFailedStep is the number of the first step that did not pass, or undefined when all passed. */
export function firstFailedStep(suite: SuiteResult): StepResult | undefined {
  return suite.steps.find((s) => s.status !== 'passed');
}
