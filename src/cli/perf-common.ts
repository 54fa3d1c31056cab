/**
 * Pieces `perf run` and `perf apply` share: flag files, writable-path checks, the TTY progress
 * line, and the SMP result file writer.
 * @module
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { InvalidInputError } from '../errors/index.js';
import type { RunEvent } from '../perf/index.js';
import { formatSmp, type PerformanceTestResult } from '../smp/index.js';
import type { Output } from './io.js';

export const collect = (value: string, previous: string[] | undefined): string[] => [
  ...(previous ?? []),
  value,
];

/** numberOrText keeps a flag's text when it is not a number, so validation can quote it. */
export function numberOrText(value: string | undefined): number | string | undefined {
  if (value === undefined) return undefined;
  return value.trim() !== '' && Number.isFinite(Number(value)) ? Number(value) : value;
}

export function readFlagFile(flag: string, path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    throw new InvalidInputError(
      flag,
      path,
      `a readable file (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
    );
  }
}

/** checkWritable accepts a file path in an existing directory (not a directory itself). */
export function checkWritable(flag: string, path: string | undefined): void {
  if (path === undefined) return;
  const dir = dirname(resolve(path));
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new InvalidInputError(flag, path, 'a file path in an existing directory');
  }
  if (existsSync(path) && statSync(path).isDirectory())
    throw new InvalidInputError(flag, path, 'a file path, not a directory');
}

/** smpText renders an SMP result as Meshery writes it (snake_case YAML), or JSON for a `.json` file. */
export function smpText(result: PerformanceTestResult, path: string): string {
  return formatSmp('PerformanceTestResult', result, /\.json$/i.test(path) ? 'json' : 'yaml');
}

const secondsText = (ms: number): string => `${(ms / 1000).toFixed(0)} s`;

/** ProgressLine redraws one status line on a TTY (stderr) while a run works. */
export class ProgressLine {
  private shown = false;
  constructor(
    private readonly out: Output,
    private readonly prefix = '',
  ) {}

  update(event: RunEvent): void {
    if (event.type !== 'tick') return;
    const parts: string[] = [];
    if (this.prefix) parts.push(this.prefix);
    if (event.phase === 'warmup' || event.phase === 'connecting') {
      parts.push(`warm-up ${secondsText(event.elapsedMs)}, ${secondsText(event.warmupRemainingMs)} left`);
    } else {
      parts.push(`${event.phase === 'drain' ? 'finishing' : 'measuring'} ${secondsText(event.measuredMs)}`);
      if (event.remainingMs !== null) parts.push(`${secondsText(event.remainingMs)} left`);
    }
    if (event.target !== null) parts.push(`${event.completed}/${event.target} requests`);
    if (event.rate > 0) parts.push(`${event.rate.toFixed(0)} req/s`);
    if (event.errors > 0) parts.push(`${event.errors} errors`);
    if (event.backlog > 0) parts.push(`backlog ${event.backlog}`);
    this.out.write(`\r\x1b[K${parts.join('  ')}`);
    this.shown = true;
  }

  clear(): void {
    if (this.shown) this.out.write('\r\x1b[K');
    this.shown = false;
  }
}
