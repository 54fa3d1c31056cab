/** The streams a command writes to; tests pass buffers, the binary passes the process's own. */
export interface Output {
  write(chunk: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

export interface IO {
  stdout: Output;
  stderr: Output;
  env: Record<string, string | undefined>;
  /** Aborted on Ctrl-C (SIGINT) or SIGTERM; long-running commands stop cleanly when it fires. */
  signal?: AbortSignal;
}
