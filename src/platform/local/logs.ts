/** Reads an instance's log file: whole or its last N lines, then optionally follows what is appended. */
import { open, stat } from 'node:fs/promises';
import { join } from 'node:path';

/** logPath is <stateDir>/logs/<namespace>/<instance>.log, or <instance>.proxy.log for the sidecar. */
export function logPath(
  stateDir: string,
  namespace: string,
  instance: string,
  container: 'app' | 'proxy',
): string {
  return join(stateDir, 'logs', namespace, `${instance}${container === 'proxy' ? '.proxy' : ''}.log`);
}

export interface ReadLogOptions {
  follow: boolean;
  tail?: number;
  signal: AbortSignal;
  /** How often a followed file is checked for growth (default 200 ms). */
  pollMs?: number;
}

/** readLog yields the file's bytes; when following it keeps yielding until the signal aborts. */
export async function* readLog(path: string, options: ReadLogOptions): AsyncGenerator<Uint8Array> {
  const handle = await open(path, 'r');
  try {
    // The first read stops where the file ended when the tail was found: lines appended meanwhile
    // are not part of "the last N lines" (they come next when following).
    let { size } = await handle.stat();
    let offset = options.tail === undefined ? 0 : await tailOffset(handle, options.tail, size);
    for (let first = true; ; first = false) {
      if (!first) ({ size } = await handle.stat());
      if (size < offset) offset = 0; // truncated
      while (offset < size) {
        const buffer = Buffer.alloc(Math.min(64 * 1024, size - offset));
        const { bytesRead } = await handle.read(buffer, 0, buffer.length, offset);
        if (bytesRead === 0) break;
        offset += bytesRead;
        yield buffer.subarray(0, bytesRead);
      }
      if (!options.follow || options.signal.aborted) return;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, options.pollMs ?? 200);
        options.signal.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
      });
      if (options.signal.aborted) return;
    }
  } finally {
    await handle.close();
  }
}

/** tailOffset finds where the last `lines` lines start, reading backwards in blocks. */
async function tailOffset(
  handle: Awaited<ReturnType<typeof open>>,
  lines: number,
  size: number,
): Promise<number> {
  if (lines === 0) return size;
  let position = size;
  let newlines = 0;
  const block = Buffer.alloc(8192);
  // A trailing newline ends the last line; it does not start another.
  let skipLast = true;
  while (position > 0) {
    const length = Math.min(block.length, position);
    position -= length;
    await handle.read(block, 0, length, position);
    for (let i = length - 1; i >= 0; i--) {
      if (block[i] !== 0x0a) continue;
      if (skipLast && position + i === size - 1) continue;
      if (++newlines === lines) return position + i + 1;
    }
    skipLast = false;
  }
  return 0;
}

/** fileExists tells whether a log has been written yet. */
export async function fileExists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}
