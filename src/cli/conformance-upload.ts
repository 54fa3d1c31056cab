/**
 * `meshplane mesh validate --server URL`: after a run, store its result on a meshplane server
 * (`POST /api/smi/results`), where the web UI lists it with the other conformance runs.
 * @module
 */
import { conformanceDocument, type ConformanceRun } from '../conformance/index.js';
import type { IO } from './io.js';
import { Client } from './server-client.js';

/** conformanceServer checks --server and --token at the door; undefined when no server is named. */
export function conformanceServer(flags: { server?: string; token?: string }, io: IO): Client | undefined {
  if (flags.server === undefined) return undefined;
  return new Client({ server: flags.server, ...(flags.token ? { token: flags.token } : {}) }, io);
}

/** uploadConformance sends the run's result document; false (and a message on stderr) when the server refused it. */
export async function uploadConformance(client: Client, run: ConformanceRun, io: IO): Promise<boolean> {
  try {
    const stored = await client.json<{ id: string; passing_percentage: string }>('/api/smi/results', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(conformanceDocument(run)),
    });
    io.stderr.write(
      `result stored on ${client.base}: ${stored.passing_percentage} % passed, ${client.base}/conformance?id=${encodeURIComponent(stored.id)}\n`,
    );
    return true;
  } catch (error) {
    io.stderr.write(`meshplane: the result was not stored: ${(error as Error).message}\n`);
    return false;
  }
}
