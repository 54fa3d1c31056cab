/**
 * RunQueue runs tests one at a time (the generator needs the machine's cores to itself), keeps
 * every run in the store from the moment it is asked for, and tells subscribers where each run is:
 * queued at position N, running with live progress, or finished.
 * @module
 */
import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { MeshplaneError } from '../errors/index.js';
import { ConflictError, NotFoundError } from './errors.js';
import type { Environment, Run, RunSettings } from './model.js';
import type { GeneratorOutput, LoadGenerator, RunProgress } from './generator.js';
import type { Store } from './store/store.js';

/** RunEvent is what a subscriber of one run hears, in this order. */
export type RunEvent =
  | { type: 'queued'; runId: string; position: number }
  | { type: 'started'; runId: string; startedAt: string }
  | { type: 'progress'; runId: string; progress: RunProgress }
  | { type: 'finished'; run: Run };

/** LiveState is what the queue knows of a run that has not finished. */
export type LiveState =
  | { state: 'queued'; position: number }
  | { state: 'running'; startedAt: string; progress: RunProgress | null };

export interface RunOrigin {
  profileId?: string | null;
  scheduleId?: string | null;
  testId?: string | null;
}

/** QueueFullError refuses a run when too many already wait. */
export class QueueFullError extends MeshplaneError {
  constructor(limit: number) {
    super('SERVER_ERR_QUEUE_FULL', `${limit} runs are already waiting; try again when some have finished`, {
      status: 503,
    });
  }
}

interface Active {
  run: Run;
  controller: AbortController;
  startedAt: string;
  progress: RunProgress | null;
  done: Promise<void>;
}

export interface RunQueueOptions {
  store: Store;
  generator: LoadGenerator;
  environment: () => Environment;
  /** the generator's own check of settings, run before a run is stored (throws InvalidInputError) */
  check?: (settings: RunSettings) => void;
  /** most runs that may wait at once (default 100) */
  maxQueued?: number;
  now?: () => Date;
}

export class RunQueue {
  private readonly waiting: Run[] = [];
  private active: Active | undefined;
  private readonly events = new EventEmitter();
  private closed = false;
  private readonly maxQueued: number;
  private readonly now: () => Date;

  constructor(private readonly options: RunQueueOptions) {
    this.maxQueued = options.maxQueued ?? 100;
    this.now = options.now ?? (() => new Date());
    this.events.setMaxListeners(0);
  }

  /** submit stores a new queued run and starts it as soon as the generator is free. */
  async submit(settings: RunSettings, origin: RunOrigin = {}): Promise<Run> {
    if (this.closed) throw new ConflictError('the server is shutting down');
    if (this.waiting.length >= this.maxQueued) throw new QueueFullError(this.maxQueued);
    this.check(settings);
    const run = await this.options.store.createRun({
      id: randomUUID(),
      settings,
      profileId: origin.profileId ?? null,
      scheduleId: origin.scheduleId ?? null,
      testId: origin.testId ?? null,
      createdAt: this.now().toISOString(),
    });
    this.waiting.push(run);
    this.emit({ type: 'queued', runId: run.id, position: this.waiting.length });
    this.pump();
    return run;
  }

  /** check validates settings as the generator will, without queuing anything. */
  check(settings: RunSettings): void {
    this.options.check?.(settings);
  }

  /** state tells where an unfinished run is; undefined once it has finished (ask the store). */
  state(id: string): LiveState | undefined {
    if (this.active?.run.id === id) {
      return { state: 'running', startedAt: this.active.startedAt, progress: this.active.progress };
    }
    const index = this.waiting.findIndex((r) => r.id === id);
    return index < 0 ? undefined : { state: 'queued', position: index + 1 };
  }

  /** subscribe calls `listener` with every event of one run; returns the unsubscribe function. */
  subscribe(id: string, listener: (event: RunEvent) => void): () => void {
    this.events.on(id, listener);
    return () => this.events.off(id, listener);
  }

  /** onAny hears every run's events (the server log uses it). */
  onAny(listener: (event: RunEvent) => void): () => void {
    this.events.on('*', listener);
    return () => this.events.off('*', listener);
  }

  /**
   * cancel stops a queued run at once, or aborts a running one and waits until its partial result
   * is stored. A finished run cannot be cancelled (409).
   */
  async cancel(id: string): Promise<Run> {
    const index = this.waiting.findIndex((r) => r.id === id);
    if (index >= 0) {
      this.waiting.splice(index, 1);
      const run = await this.options.store.finishRun(id, {
        status: 'cancelled',
        finishedAt: this.now().toISOString(),
        error: 'cancelled while queued',
      });
      this.emit({ type: 'finished', run });
      this.announcePositions();
      return run;
    }
    if (this.active?.run.id === id) {
      const active = this.active;
      active.controller.abort(new Error('cancelled'));
      await active.done;
      return (await this.options.store.getRun(id))!;
    }
    const run = await this.options.store.getRun(id);
    if (!run) throw new NotFoundError('run', id);
    throw new ConflictError(`run ${id} is already ${run.status}`);
  }

  /** close cancels what waits, aborts what runs and waits for its result to be stored. */
  async close(): Promise<void> {
    this.closed = true;
    for (const run of this.waiting.splice(0)) {
      const done = await this.options.store.finishRun(run.id, {
        status: 'cancelled',
        finishedAt: this.now().toISOString(),
        error: 'the server shut down before the run started',
      });
      this.emit({ type: 'finished', run: done });
    }
    if (this.active) {
      this.active.controller.abort(new Error('the server is shutting down'));
      await this.active.done;
    }
  }

  /** idle resolves when nothing runs or waits (tests use it). */
  async idle(): Promise<void> {
    while (this.active) await this.active.done;
  }

  private emit(event: RunEvent): void {
    const id = event.type === 'finished' ? event.run.id : event.runId;
    this.events.emit(id, event);
    this.events.emit('*', event);
  }

  private announcePositions(): void {
    this.waiting.forEach((r, i) => this.emit({ type: 'queued', runId: r.id, position: i + 1 }));
  }

  private pump(): void {
    if (this.active || this.closed) return;
    const run = this.waiting.shift();
    if (!run) return;
    const controller = new AbortController();
    const startedAt = this.now().toISOString();
    const active: Active = { run, controller, startedAt, progress: null, done: Promise.resolve() };
    this.active = active;
    active.done = this.execute(active).finally(() => {
      this.active = undefined;
      this.pump();
      this.announcePositions();
    });
  }

  private async execute(active: Active): Promise<void> {
    const { store, generator } = this.options;
    const { run, controller } = active;
    try {
      await store.markRunning(run.id, active.startedAt);
      this.emit({ type: 'started', runId: run.id, startedAt: active.startedAt });
      const environment = this.options.environment();
      let output: GeneratorOutput | undefined;
      let failure: unknown;
      try {
        output = await generator(run.settings, {
          signal: controller.signal,
          onProgress: (progress) => {
            active.progress = progress;
            this.emit({ type: 'progress', runId: run.id, progress });
          },
        });
      } catch (error) {
        failure = error;
      }
      const finishedAt = this.now().toISOString();
      const cancelled = controller.signal.aborted;
      const reason = cancelled ? describe(controller.signal.reason) : undefined;
      const finished = await store.finishRun(run.id, {
        status: cancelled ? 'cancelled' : failure === undefined ? 'completed' : 'failed',
        finishedAt,
        error: cancelled ? reason : failure === undefined ? null : describe(failure),
        ...(output && output.report.requestCount > 0
          ? { result: { report: output.report, histograms: output.histograms, environment } }
          : {}),
      });
      this.emit({ type: 'finished', run: finished });
    } catch (error) {
      // The store itself failed: the run stays 'running' on disk and is marked interrupted at the
      // next start-up; tell the subscribers now.
      const stored = await store.getRun(run.id).catch(() => undefined);
      this.emit({
        type: 'finished',
        run: { ...(stored ?? run), status: 'failed', error: `cannot store the result: ${describe(error)}` },
      });
    }
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
