/**
 * startServer wires the management plane together: opens the store (marking runs a crash left
 * behind as interrupted), starts the run queue and the scheduler, and serves the API and the UI.
 * @module
 */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { serve } from '@hono/node-server';
import type { Hono } from 'hono';
import { InvalidInputError } from '../errors/index.js';
import { createApp } from './api/app.js';
import type { ApiContext } from './api/context.js';
import { currentEnvironment } from './environment.js';
import { runFailureCodes } from './errors.js';
import type { LoadGenerator } from './generator.js';
import { checkSettings, installedGenerators, perfGenerator } from './perf-generator.js';
import { RunQueue } from './queue.js';
import { Scheduler } from './scheduler.js';
import { defaultDatabasePath, SqliteStore } from './store/sqlite.js';
import type { Store } from './store/store.js';

export const DEFAULT_PORT = 9081;
export const DEFAULT_HOST = '127.0.0.1';

export interface ServerOptions {
  /** address to bind; anything but loopback needs a token (default 127.0.0.1) */
  host?: string;
  /** TCP port; 0 picks a free one (default 9081) */
  port?: number;
  /** SQLite file (default `$MESHPLANE_DB` or ~/.meshplane/meshplane.db); ignored when `store` is given */
  db?: string;
  /** a Store to use instead of opening the SQLite file */
  store?: Store;
  /** bearer token every /api request must carry (default `$MESHPLANE_TOKEN`); required off loopback */
  token?: string;
  /** the load generator runs are handed to (default: meshplane's own, perf) */
  generator?: LoadGenerator;
  /** folder of the built web UI (default: dist/ui of this package) */
  uiRoot?: string;
  /** where log lines go (default: nowhere) */
  log?: (line: string) => void;
  env?: Record<string, string | undefined>;
}

export interface RunningServer {
  /** base URL, e.g. http://127.0.0.1:9081 */
  url: string;
  host: string;
  port: number;
  store: Store;
  queue: RunQueue;
  scheduler: Scheduler;
  app: Hono;
  /** interrupted is how many runs a previous process left queued or running */
  interrupted: number;
  /** close stops the scheduler, cancels queued runs, stops the running one and closes the store */
  close(): Promise<void>;
}

/** isLoopback tells whether binding `host` keeps the server on this machine. */
export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/** defaultUiRoot is the UI the package ships, built beside the compiled server. */
export function defaultUiRoot(): string {
  return fileURLToPath(new URL('../ui/', import.meta.url));
}

export async function startServer(options: ServerOptions = {}): Promise<RunningServer> {
  const env = options.env ?? process.env;
  const host = options.host ?? DEFAULT_HOST;
  const port = options.port ?? DEFAULT_PORT;
  const token = options.token ?? (env.MESHPLANE_TOKEN || undefined);
  const log = options.log ?? (() => {});
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new InvalidInputError('port', port, 'an integer from 0 to 65535');
  }
  if (!isLoopback(host) && !token) {
    throw new InvalidInputError(
      'token',
      undefined,
      `a bearer token (--token or MESHPLANE_TOKEN) when binding ${host}, which is reachable from other machines`,
    );
  }

  const store = options.store ?? new SqliteStore(options.db ?? defaultDatabasePath(env));
  const interrupted = await store.interruptRuns(
    new Date().toISOString(),
    `${runFailureCodes.interrupted}: the server stopped while this run was queued or running`,
  );
  if (interrupted) log(`marked ${interrupted} run(s) left by an earlier server process as interrupted`);

  const queue = new RunQueue({
    store,
    generator: options.generator ?? perfGenerator,
    environment: currentEnvironment,
    // perf's own checks apply whenever perf runs the tests (the default generator).
    ...(options.generator && options.generator !== perfGenerator ? {} : { check: checkSettings }),
  });
  queue.onAny((event) => {
    if (event.type === 'finished')
      log(
        `run ${event.run.id} "${event.run.name}" ${event.run.status}${event.run.error ? `: ${event.run.error}` : ''}`,
      );
    if (event.type === 'started') log(`run ${event.runId} started`);
  });
  const scheduler = new Scheduler(store, queue, log);
  await scheduler.start();

  const ctx: ApiContext = {
    store,
    queue,
    scheduler,
    environment: currentEnvironment,
    generators: installedGenerators(),
    version: currentEnvironment().meshplaneVersion,
    log,
  };
  const uiRoot = options.uiRoot ?? defaultUiRoot();
  if (!existsSync(uiRoot)) log(`no web UI at ${uiRoot}; serving the API only`);
  const app = createApp(ctx, { ...(token ? { token } : {}), uiRoot });

  let server: Server;
  try {
    server = await new Promise<Server>((resolve, reject) => {
      const s = serve({ fetch: app.fetch, hostname: host, port }, () => resolve(s as Server)) as Server;
      s.once('error', reject);
    });
  } catch (error) {
    scheduler.stop();
    await queue.close();
    await store.close();
    throw error;
  }
  const address = server.address() as AddressInfo;
  const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${shownHost}:${address.port}`;

  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      scheduler.stop();
      await queue.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await store.close();
    })());

  return { url, host: address.address, port: address.port, store, queue, scheduler, app, interrupted, close };
}
