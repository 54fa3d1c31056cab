/**
 * SupervisedProcess runs one program in its own process group with stdout and stderr appended to a
 * log file, restarts it with exponential back-off whenever it exits (the back-off resets after a run
 * that lasted long enough), and stops the whole group with SIGTERM, then SIGKILL after a grace time.
 * @module
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Watchdog } from './watchdog.js';

export interface RestartPolicy {
  /** First delay before a restart (default 1 s), doubling up to maxMs (default 30 s). */
  initialMs: number;
  maxMs: number;
  /** A run at least this long resets the delay to initialMs (default 10 s). */
  resetAfterMs: number;
}

export const DEFAULT_RESTART_POLICY: RestartPolicy = { initialMs: 1000, maxMs: 30_000, resetAfterMs: 10_000 };

export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Why it could not start (e.g. ENOENT), when it never ran. */
  error?: string;
  /** When the next start is due, in ms; undefined once stopping. */
  restartInMs?: number;
}

export interface SupervisedProcessOptions {
  /** For messages, e.g. "default/web-0 app". */
  name: string;
  argv: string[];
  env: NodeJS.ProcessEnv;
  cwd: string;
  logFile: string;
  restart?: Partial<RestartPolicy>;
  watchdog?: Watchdog;
  onStart?: (pid: number) => void;
  onExit?: (info: ExitInfo) => void;
}

export class SupervisedProcess {
  readonly #o: SupervisedProcessOptions;
  readonly #policy: RestartPolicy;
  #child: ChildProcess | undefined;
  #exited: Promise<void> = Promise.resolve();
  #restartTimer: NodeJS.Timeout | undefined;
  #delay: number;
  #starts = 0;
  #stopping = false;

  constructor(options: SupervisedProcessOptions) {
    this.#o = options;
    this.#policy = { ...DEFAULT_RESTART_POLICY, ...options.restart };
    this.#delay = this.#policy.initialMs;
  }

  get pid(): number | undefined {
    return this.#child?.pid;
  }

  /** restarts is how many times it was started again after exiting. */
  get restarts(): number {
    return Math.max(0, this.#starts - 1);
  }

  get running(): boolean {
    return this.#child !== undefined;
  }

  start(): void {
    if (this.#stopping || this.#child) return;
    mkdirSync(dirname(this.#o.logFile), { recursive: true, mode: 0o700 });
    const fd = openSync(this.#o.logFile, 'a', 0o600);
    const startedAt = Date.now();
    let child: ChildProcess;
    try {
      child = spawn(this.#o.argv[0]!, this.#o.argv.slice(1), {
        cwd: this.#o.cwd,
        env: this.#o.env,
        detached: true, // its own process group, so stop() reaches its children too
        stdio: ['ignore', fd, fd],
      });
    } finally {
      closeSync(fd);
    }
    this.#starts++;
    this.#child = child;
    let resolveExited!: () => void;
    this.#exited = new Promise((r) => (resolveExited = r));
    let spawnError: string | undefined;
    child.once('error', (error) => {
      spawnError = error.message;
      if (child.pid === undefined) finish(null, null); // never started: no 'exit' follows
    });
    const finish = (code: number | null, signal: NodeJS.Signals | null): void => {
      if (this.#child !== child) return;
      this.#child = undefined;
      if (child.pid !== undefined) {
        killGroup(child.pid, 'SIGKILL'); // leftovers of the group die with their leader
        this.#o.watchdog?.unwatch(child.pid);
      }
      if (spawnError) this.#note(`cannot start ${JSON.stringify(this.#o.argv[0])}: ${spawnError}`);
      const ranLong = Date.now() - startedAt >= this.#policy.resetAfterMs;
      if (ranLong) this.#delay = this.#policy.initialMs;
      const restartInMs = this.#stopping ? undefined : this.#delay;
      this.#o.onExit?.({ code, signal, ...(spawnError ? { error: spawnError } : {}), restartInMs });
      if (restartInMs !== undefined) {
        this.#restartTimer = setTimeout(() => this.start(), restartInMs);
        this.#delay = Math.min(this.#policy.maxMs, this.#delay * 2);
      }
      resolveExited();
    };
    child.once('exit', finish);
    if (child.pid !== undefined) {
      this.#o.watchdog?.watch(child.pid);
      this.#o.onStart?.(child.pid);
    }
  }

  /** stop ends the process group (SIGTERM, then SIGKILL after graceMs) and cancels restarts. */
  async stop(graceMs = 5000): Promise<void> {
    this.#stopping = true;
    clearTimeout(this.#restartTimer);
    const child = this.#child;
    if (!child || child.pid === undefined) return;
    killGroup(child.pid, 'SIGTERM');
    const timer = setTimeout(() => killGroup(child.pid!, 'SIGKILL'), graceMs);
    await this.#exited;
    clearTimeout(timer);
  }

  /** note appends a line from the platform to the process's log, e.g. why it could not start. */
  #note(message: string): void {
    try {
      const fd = openSync(this.#o.logFile, 'a', 0o600);
      writeSync(fd, `meshplane: ${this.#o.name}: ${message}\n`);
      closeSync(fd);
    } catch {
      // the log directory went away; the exit is still reported
    }
  }
}

function killGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // ESRCH: the group is already gone
  }
}
