// An IO for transcript tests: buffers what a command writes to stdout and stderr.
import type { IO } from '../io.js';

export interface CapturedIO extends IO {
  out(): string;
  err(): string;
}

/** captureIO returns an IO whose output the test reads back; `signal` stands in for Ctrl-C. */
export function captureIO(signal?: AbortSignal, env: Record<string, string> = {}): CapturedIO {
  let out = '';
  let err = '';
  return {
    stdout: { write: (s: string) => (out += s) },
    stderr: { write: (s: string) => (err += s) },
    env,
    ...(signal ? { signal } : {}),
    out: () => out,
    err: () => err,
  };
}
