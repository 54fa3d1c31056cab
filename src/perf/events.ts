/**
 * Events a run emits while it works, for progress displays, the management plane's SSE stream and
 * tests. The engine never prints; subscribers decide what to show.
 * @module
 */
import type { GeneratorName, ResolvedRunOptions } from './options.js';
import type { RunResult } from './result.js';

/** RunPhase: sockets opening, warm-up (excluded), measuring, waiting for the last responses. */
export type RunPhase = 'connecting' | 'warmup' | 'measure' | 'drain';

export interface StartEvent {
  type: 'start';
  generator: GeneratorName;
  options: ResolvedRunOptions;
  /** ISO 8601 wall-clock time the run started (warm-up included). */
  time: string;
}

/** TickEvent reports progress, by default once per second. */
export interface TickEvent {
  type: 'tick';
  phase: RunPhase;
  /** Since the load started (warm-up included), ms. */
  elapsedMs: number;
  /** Since the measured window started, ms (0 during warm-up). */
  measuredMs: number;
  /**
   * Measured time still ahead, ms: the whole measured duration while connecting and warming up,
   * then what is left of the measured window (0 while draining); null for a request-count run.
   */
  remainingMs: number | null;
  /** Warm-up time still ahead, ms; 0 once measuring. Time left in all = warmupRemainingMs + remainingMs. */
  warmupRemainingMs: number;
  /** Measured requests finished so far (responses + errors). */
  completed: number;
  /** Measured requests to run (`requests`), or null when running for a duration. */
  target: number | null;
  /** Measured requests failed so far. */
  errors: number;
  /** Requests finished per second since the previous tick (warm-up included). */
  rate: number;
  /** Requests due but not yet sent (open loop). */
  backlog: number;
}

export interface DoneEvent {
  type: 'done';
  result: RunResult;
}

/** ErrorEvent reports a failure that prevented the run (a bad generator install, a crash). */
export interface ErrorEvent {
  type: 'error';
  error: Error;
}

export type RunEvent = StartEvent | TickEvent | DoneEvent | ErrorEvent;

/** RunContext carries what a caller gives a run besides its options. */
export interface RunContext {
  /** Aborting stops the run cleanly; the result covers the part that ran and says it was interrupted. */
  signal?: AbortSignal;
  /** Receives every event synchronously; keep it cheap. */
  onEvent?: (event: RunEvent) => void;
  /** Interval between tick events, ms. Default 1000. */
  progressIntervalMs?: number;
}
