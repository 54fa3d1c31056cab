/**
 * `meshplane server`: runs the management plane (API + web UI + SQLite store) until Ctrl-C.
 * @module
 */
import type { Command } from 'commander';
import { InvalidInputError } from '../errors/index.js';
import { DEFAULT_HOST, DEFAULT_PORT, defaultDatabasePath, startServer } from '../server/index.js';
import type { CommandRegistrar } from './main.js';

function port(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535)
    throw new InvalidInputError('--port', value, 'an integer from 0 to 65535');
  return n;
}

export const registerServer: CommandRegistrar = (program: Command, io) => {
  program
    .command('server')
    .description('Run the management plane: HTTP API, web UI and the SQLite result store')
    .option('--host <address>', 'address to listen on; anything but loopback needs --token', DEFAULT_HOST)
    .option('--port <port>', 'TCP port (0 = any free port)', String(DEFAULT_PORT))
    .option(
      '--db <path>',
      `SQLite database file (env MESHPLANE_DB; default ${defaultDatabasePath({}).replace(/^.*\/\.meshplane/, '~/.meshplane')})`,
    )
    .option('--token <token>', 'bearer token required on every API request (env MESHPLANE_TOKEN)')
    .addHelpText(
      'after',
      '\nOpen the printed URL in a browser. Stop with Ctrl-C: queued runs are cancelled, a running one is\nstopped and its partial result kept.',
    )
    .action(async (opts: { host: string; port: string; db?: string; token?: string }) => {
      const stamp = () => new Date().toISOString().slice(11, 19);
      const server = await startServer({
        host: opts.host,
        port: port(opts.port),
        ...(opts.db ? { db: opts.db } : {}),
        ...(opts.token ? { token: opts.token } : {}),
        env: io.env,
        log: (line) => io.stderr.write(`${stamp()} ${line}\n`),
      });
      io.stdout.write(
        `meshplane server listening on ${server.url}\n` +
          `  store: ${server.store.location}\n` +
          `  auth:  ${opts.token || io.env.MESHPLANE_TOKEN ? 'bearer token required' : 'none (loopback only)'}\n`,
      );
      await new Promise<void>((resolve) => {
        if (!io.signal) return; // embedded without a signal: run until the process ends
        if (io.signal.aborted) return resolve();
        io.signal.addEventListener('abort', () => resolve(), { once: true });
      });
      io.stderr.write(`${stamp()} shutting down\n`);
      await server.close();
    });
};
