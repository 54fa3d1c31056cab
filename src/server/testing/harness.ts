/**
 * Test harness of the management plane: a real target HTTP server on loopback, a real SQLite file
 * in a temp folder, and a real meshplane server on an ephemeral port.
 * @module
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LoadGenerator } from '../generator.js';
import type { StreamMessage } from '../meshery.js';
import { perfGenerator } from '../perf-generator.js';
import { startServer, type RunningServer, type ServerOptions } from '../server.js';

/** Target is a loopback HTTP server that answers every request; `delayMs` slows each reply. */
export interface Target {
  url: string;
  requests: number;
  close(): Promise<void>;
}

export async function startTarget(delayMs = 0): Promise<Target> {
  const state = { requests: 0 };
  const server: Server = createServer((req, res) => {
    state.requests++;
    req.resume();
    const reply = () => res.end('ok\n');
    if (delayMs) setTimeout(reply, delayMs);
    else reply();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    get requests() {
      return state.requests;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** tempDir makes a folder removed by the returned cleanup. */
export function tempDir(): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), 'meshplane-server-'));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

/** testGenerator is the generator the server tests drive: meshplane's own (perf). */
export const testGenerator: LoadGenerator = perfGenerator;

export interface Harness {
  server: RunningServer;
  target: Target;
  db: string;
  dir: { path: string; remove(): void };
  /** json calls the API and parses the answer */
  json<T = unknown>(path: string, init?: RequestInit): Promise<{ status: number; body: T }>;
  /** restart closes the server and starts a new one on the same database file */
  restart(): Promise<RunningServer>;
  close(): Promise<void>;
}

export async function startHarness(options: Partial<ServerOptions> = {}): Promise<Harness> {
  const dir = tempDir();
  const db = join(dir.path, 'meshplane.db');
  const target = await startTarget();
  const start = () =>
    startServer({ host: '127.0.0.1', port: 0, db, generator: testGenerator, env: {}, ...options });
  const harness: Harness = {
    server: await start(),
    target,
    db,
    dir,
    async json<T>(path: string, init: RequestInit = {}) {
      const response = await fetch(`${harness.server.url}${path}`, {
        ...init,
        headers: { 'content-type': 'application/json', ...(init.headers as Record<string, string>) },
      });
      const text = await response.text();
      return { status: response.status, body: (text ? JSON.parse(text) : undefined) as T };
    },
    async restart() {
      await harness.server.close();
      harness.server = await start();
      return harness.server;
    },
    async close() {
      await harness.server.close();
      await target.close();
      dir.remove();
    },
  };
  return harness;
}

/** readStream collects every message of a Server-Sent Events response. */
export async function readStream(response: Response): Promise<StreamMessage[]> {
  const text = await response.text();
  return text
    .split('\n\n')
    .map((block) =>
      block
        .split('\n')
        .filter((l) => l.startsWith('data:'))
        .map((l) => l.slice(5).trim())
        .join('\n'),
    )
    .filter(Boolean)
    .map((data) => JSON.parse(data) as StreamMessage);
}

/** quick are settings for a short real run: 1 s, no warm-up, a low rate. */
export function quick(url: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { url, duration: '1s', warmup: '0s', concurrency: 2, qps: 200, ...extra };
}
