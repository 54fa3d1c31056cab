/**
 * Watchdog keeps the platform's process groups from outliving the mesh process: it feeds their ids to
 * a separate reaper (watchdog_main.ts) whose stdin is a pipe from this process. The kernel closes
 * that pipe whatever way this process ends, and the reaper then stops every group still listed.
 * @module
 */
import { spawn, type ChildProcess } from 'node:child_process';
import type { Writable } from 'node:stream';

export class Watchdog {
  readonly #child: ChildProcess;
  readonly #stdin: Writable & { unref?: () => void };

  constructor() {
    const main = new URL('./watchdog_main.js', import.meta.url).pathname;
    this.#child = spawn(process.execPath, [main], { stdio: ['pipe', 'ignore', 'ignore'], detached: true });
    this.#child.unref();
    this.#stdin = this.#child.stdin as Writable & { unref?: () => void };
    this.#stdin.on('error', () => {}); // the reaper died; nothing left to tell it
    (this.#stdin as unknown as { unref?: () => void }).unref?.();
  }

  /** pid of the reaper process. */
  get pid(): number | undefined {
    return this.#child.pid;
  }

  watch(pgid: number): void {
    this.#stdin.write(`+${pgid}\n`);
  }

  unwatch(pgid: number): void {
    this.#stdin.write(`-${pgid}\n`);
  }

  /** close tells the reaper the platform stopped everything itself, and lets it exit. */
  close(): void {
    this.#stdin.end('exit\n');
  }
}
