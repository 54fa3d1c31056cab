/**
 * The CLI side of the management API: `perf apply -f FILE --server URL` (run an SMP test file on a
 * server and follow it), `perf list` and `perf view ID`. Thin: each is one or two API calls.
 * @module
 */
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { CommanderError, Option } from 'commander';
import { stringify as toYaml } from 'yaml';
import { InvalidInputError } from '../errors/index.js';
import type { Run, StreamMessage } from '../server/index.js';
import type { IO } from './io.js';
import type { CommandRegistrar } from './main.js';
import { Client, defaultServer, type ClientOptions } from './server-client.js';

/** readEvents yields the JSON of each `data:` event of a Server-Sent Events response. */
async function* readEvents(response: Response): AsyncGenerator<StreamMessage> {
  if (!response.body) return;
  const decoder = new TextDecoder();
  let buffer = '';
  for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
    buffer += decoder.decode(chunk, { stream: true });
    let end: number;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const data = block
        .split('\n')
        .filter((l) => l.startsWith('data:'))
        .map((l) => l.slice(5).trimStart())
        .join('\n');
      if (data) yield JSON.parse(data) as StreamMessage;
    }
  }
}

const us = (v: number | undefined) =>
  v === undefined
    ? '-'
    : v >= 1e6
      ? `${(v / 1e6).toFixed(2)}s`
      : v >= 1000
        ? `${(v / 1000).toFixed(2)}ms`
        : `${v}µs`;

/** table lays out rows in aligned columns. */
function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n') + '\n';
}

function runRows(runs: Run[]): string[][] {
  return runs.map((r) => [
    r.id,
    r.name.length > 36 ? `${r.name.slice(0, 35)}…` : r.name,
    r.mesh || '-',
    r.status,
    (r.startedAt ?? r.createdAt).slice(0, 19).replace('T', ' '),
    r.summary ? r.summary.actualQps.toFixed(1) : '-',
    us(r.summary?.p50Us),
    us(r.summary?.p99Us),
    us(r.summary?.p999Us),
  ]);
}
const runHeader = ['ID', 'NAME', 'MESH', 'STATUS', 'STARTED', 'QPS', 'P50', 'P99', 'P99.9'];

function output(format: string, value: unknown, io: IO): void {
  io.stdout.write(format === 'yaml' ? toYaml(value) : `${JSON.stringify(value, null, 2)}\n`);
}

const outputOption = () =>
  new Option('-o, --output <format>', 'output format').choices(['text', 'json', 'yaml']).default('text');

interface RemoteApplyOptions {
  file?: string;
  server?: string;
  token?: string;
  mesh?: string;
  output?: string;
  warmup?: string;
}

/** Flags of the local `perf apply` that a server run cannot take, and why. */
const keeps = 'the server keeps the results (`perf view ID -o smp` prints one)';
const ownSettings = 'a server run uses its own timeout and TLS settings';
const localOnlyFlags: [string, string, string][] = [
  ['saveSmp', '--save-smp', keeps],
  ['timeout', '--timeout', ownSettings],
  ['insecure', '--insecure', ownSettings],
  ['cacert', '--cacert', ownSettings],
  ['cert', '--cert', ownSettings],
  ['key', '--key', ownSettings],
];

/** applyRemote sends an SMP test file to the server and follows its runs to the end. */
async function applyRemote(opts: RemoteApplyOptions, io: IO): Promise<number> {
  const format = opts.output ?? 'text';
  if (!['text', 'json', 'yaml'].includes(format))
    throw new InvalidInputError('--output', format, 'one of text, json, yaml');
  if (!opts.file)
    throw new InvalidInputError('--file', undefined, 'an SMP PerformanceTestConfig file (YAML or JSON)');
  const client = new Client(opts, io);
  let text: string;
  try {
    text = await readFile(opts.file, 'utf8');
  } catch (error) {
    throw new InvalidInputError(
      '--file',
      opts.file,
      `a readable file (${(error as NodeJS.ErrnoException).code ?? error})`,
    );
  }
  const params = new URLSearchParams();
  if (opts.mesh) params.set('mesh', opts.mesh);
  if (opts.warmup) params.set('warmup', opts.warmup);
  const query = params.size ? `?${params}` : '';
  const response = await client.fetch(`/api/perf/load-test-smps${query}`, {
    method: 'POST',
    headers: { 'content-type': 'application/yaml', accept: 'text/event-stream' },
    body: text,
    ...(io.signal ? { signal: io.signal } : {}),
  });
  const finals = new Map<string, StreamMessage>();
  let lastLine = '';
  for await (const m of readEvents(response)) {
    if (m.status === 'info') {
      const line = `${m.runId.slice(0, 8)} ${m.message}`;
      if (line !== lastLine) io.stderr.write(`${line}\n`);
      lastLine = line;
    } else {
      finals.set(m.runId, m);
      io.stderr.write(`${m.runId.slice(0, 8)} ${m.message}\n`);
    }
  }
  const runs = await Promise.all(
    [...finals.keys()].map(async (id) => (await client.json<{ run: Run }>(`/api/runs/${id}`)).run),
  );
  if (format === 'text')
    io.stdout.write(table(runHeader, runRows(runs)) + `\nView them at ${client.base}/results\n`);
  else output(format, runs, io);
  return runs.every((r) => r.status === 'completed') && runs.length > 0 ? 0 : 1;
}

function perfCommand(program: Command): Command {
  return (
    program.commands.find((c) => c.name() === 'perf') ??
    program.command('perf').description('Performance tests')
  );
}

function serverOptions(cmd: Command): Command {
  return cmd
    .option('--server <url>', `meshplane server (env MESHPLANE_SERVER; default ${defaultServer})`)
    .option('--token <token>', 'bearer token for the server (env MESHPLANE_TOKEN)');
}

/** remoteDone ends a command whose work another registrar's action would otherwise repeat. */
class RemoteDone extends CommanderError {
  constructor(code: number) {
    super(code, 'meshplane.remoteDone', '');
  }
}

export const registerPerfRemote: CommandRegistrar = (program, io, setExitCode) => {
  const perf = perfCommand(program);

  const existingApply = perf.commands.find((c) => c.name() === 'apply');
  if (existingApply) {
    // The local `perf apply` exists: add what --server needs to it, and take over when a server is named.
    if (!existingApply.options.some((o) => o.long === '--server')) serverOptions(existingApply);
    if (!existingApply.options.some((o) => o.long === '--mesh'))
      existingApply.option('--mesh <label>', 'mesh label for the runs (with --server)');
    existingApply.hook('preAction', async (cmd) => {
      const opts = cmd.opts<RemoteApplyOptions & Record<string, unknown>>();
      if (!opts.server && !io.env.MESHPLANE_SERVER) return;
      for (const [key, flag, why] of localOnlyFlags) {
        if (opts[key] !== undefined) {
          throw new InvalidInputError(
            flag,
            opts[key],
            `no ${flag} when a server runs the file (--server or $MESHPLANE_SERVER): ${why}`,
          );
        }
      }
      throw new RemoteDone(await applyRemote(opts, io));
    });
  } else {
    serverOptions(
      perf
        .command('apply')
        .description('Run an SMP PerformanceTestConfig file on a meshplane server and follow it')
        .requiredOption('-f, --file <path>', 'SMP test file (YAML or JSON; bare or Meshery test-file shape)')
        .option('--mesh <label>', 'mesh label for the runs')
        .addOption(outputOption()),
    ).action(async (opts) => setExitCode(await applyRemote(opts, io)));
  }

  serverOptions(
    perf
      .command('list')
      .description('List results stored on a meshplane server')
      .option('--search <text>', 'only runs whose name, mesh or URL contain this')
      .option('--page <n>', 'page number, from 0', '0')
      .option('--page-size <n>', 'runs per page', '25')
      .addOption(outputOption()),
  ).action(
    async (opts: ClientOptions & { search?: string; page: string; pageSize: string; output: string }) => {
      const client = new Client(opts, io);
      const q = new URLSearchParams({ page: opts.page, pageSize: opts.pageSize });
      if (opts.search) q.set('search', opts.search);
      const page = await client.json<{ page: number; pageSize: number; totalCount: number; items: Run[] }>(
        `/api/runs?${q}`,
      );
      if (opts.output !== 'text') return output(opts.output, page, io);
      io.stdout.write(table(runHeader, runRows(page.items)));
      const pages = Math.max(1, Math.ceil(page.totalCount / page.pageSize));
      io.stdout.write(`\npage ${page.page + 1} of ${pages} (${page.totalCount} runs)\n`);
    },
  );

  serverOptions(
    perf
      .command('view <id>')
      .description('Show one result stored on a meshplane server')
      .addOption(
        new Option('-o, --output <format>', 'text, json/yaml (the full record) or smp (SMP result YAML)')
          .choices(['text', 'json', 'yaml', 'smp'])
          .default('text'),
      ),
  ).action(async (id: string, opts: ClientOptions & { output: string }) => {
    const client = new Client(opts, io);
    const full = id.trim();
    if (opts.output === 'smp') {
      io.stdout.write(
        await (await client.fetch(`/api/perf/result?id=${encodeURIComponent(full)}&format=yaml`)).text(),
      );
      return;
    }
    const { run } = await client.json<{ run: Run }>(`/api/runs/${encodeURIComponent(full)}`);
    const result = run.summary
      ? await client.json<{ report: Record<string, unknown>; environment: Record<string, unknown> }>(
          `/api/runs/${encodeURIComponent(full)}/result`,
        )
      : undefined;
    if (opts.output !== 'text') {
      return output(
        opts.output,
        { run, report: result?.report ?? null, environment: result?.environment ?? null },
        io,
      );
    }
    const s = run.settings;
    const lines = [
      `${run.name}  [${run.status}]`,
      `  id:        ${run.id}`,
      `  target:    ${s.method} ${s.url}`,
      `  mesh:      ${run.mesh || '-'}`,
      `  settings:  ${s.concurrency} connections, ${s.qps === 0 ? 'max' : s.qps} QPS, ${s.durationMs / 1000}s (${s.loadModel} loop, ${s.generator})`,
      `  started:   ${run.startedAt ?? '-'}`,
    ];
    if (run.error) lines.push(`  note:      ${run.error}`);
    if (run.summary) {
      const m = run.summary;
      lines.push(
        `  requests:  ${m.requestCount} at ${m.actualQps.toFixed(1)} req/s, ${m.errorCount} errors`,
        `  latency:   p50 ${us(m.p50Us)}  p99 ${us(m.p99Us)}  p99.9 ${us(m.p999Us)}  max ${us(m.maxUs)}`,
      );
    }
    io.stdout.write(`${lines.join('\n')}\n`);
  });
};
