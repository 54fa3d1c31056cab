/**
 * Helpers for driving an installed load tool (wrk, hey) as a child process: finding it on the PATH,
 * running it with a deadline and Ctrl-C forwarding, and emitting time-based progress ticks.
 * @module
 */
import { spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import type { RunContext } from '../events.js';

/** findExecutable returns the path of a program on the PATH, or null. */
export function findExecutable(name: string, path = process.env.PATH ?? ''): string | null {
  for (const dir of path.split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return null;
}

export interface ToolOutcome {
  code: number | null;
  stdout: string;
  stderr: string;
  /** The run was stopped by the abort signal (SIGINT forwarded to the tool). */
  interrupted: boolean;
  /** Wall time of the child, ms. */
  wallMs: number;
}

/**
 * runTool runs a command to completion. Aborting the signal sends SIGINT (wrk and hey print their
 * results on SIGINT); a tool still alive `graceMs` after its deadline is killed.
 */
export function runTool(
  command: string,
  args: string[],
  options: { signal?: AbortSignal; deadlineMs: number; graceMs?: number },
): Promise<ToolOutcome> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let interrupted = false;
    child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    const onAbort = (): void => {
      interrupted = true;
      child.kill('SIGINT');
    };
    options.signal?.addEventListener('abort', onAbort, { once: true });
    if (options.signal?.aborted) onAbort();
    const killer = setTimeout(() => child.kill('SIGKILL'), options.deadlineMs + (options.graceMs ?? 10_000));
    child.on('error', (error) => {
      clearTimeout(killer);
      options.signal?.removeEventListener('abort', onAbort);
      reject(error);
    });
    child.on('close', (code) => {
      clearTimeout(killer);
      options.signal?.removeEventListener('abort', onAbort);
      resolve({ code, stdout, stderr, interrupted, wallMs: performance.now() - started });
    });
  });
}

/**
 * progressTicks emits time-based tick events while a tool runs; call the returned function to stop.
 * `plannedMs` is the length of this phase; `measuredMs` the measured duration (null for a count).
 */
export function progressTicks(
  ctx: RunContext,
  phase: 'warmup' | 'measure',
  plannedMs: number | null,
  offsetMs: number,
  measuredMs: number | null,
): () => void {
  if (!ctx.onEvent) return () => {};
  const started = performance.now();
  const timer = setInterval(() => {
    const elapsed = performance.now() - started;
    const left = plannedMs === null ? null : Math.max(0, plannedMs - elapsed);
    ctx.onEvent!({
      type: 'tick',
      phase,
      elapsedMs: offsetMs + elapsed,
      measuredMs: phase === 'measure' ? elapsed : 0,
      remainingMs: phase === 'measure' ? left : measuredMs,
      warmupRemainingMs: phase === 'warmup' ? (left ?? 0) : 0,
      completed: 0,
      target: null,
      errors: 0,
      rate: 0,
      backlog: 0,
    });
  }, ctx.progressIntervalMs ?? 1000);
  return () => clearInterval(timer);
}
