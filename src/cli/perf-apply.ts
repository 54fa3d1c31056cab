/**
 * `meshplane perf apply -f FILE`: runs an SMP PerformanceTestConfig on this host — every client and
 * every endpoint URL, one after the other (one generator core) — and writes an SMP
 * PerformanceTestResult for each. With `--server` (perf-remote.ts) the file goes to a meshplane
 * server instead; both modes share this one command and its help.
 * @module
 */
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type { Command } from 'commander';
import { stringify as yamlStringify } from 'yaml';
import { InvalidInputError } from '../errors/index.js';
import {
  formatMicros,
  formatText,
  planSmpRuns,
  runPrepared,
  toPerformanceTestResult,
  type DefaultRunOptions,
  type FieldNames,
  type RunResult,
  type SmpPlan,
  type SmpRun,
} from '../perf/index.js';
import { parsePerformanceTestFile, smpToJson, type PerformanceTestResult } from '../smp/index.js';
import type { IO } from './io.js';
import { ProgressLine, readFlagFile, smpText } from './perf-common.js';

/** Flags of `perf apply` (the --server ones are read by perf-remote.ts). */
export interface PerfApplyFlags {
  file?: string;
  output?: string;
  saveSmp?: string;
  mesh?: string;
  warmup?: string;
  timeout?: string;
  insecure?: boolean;
  cacert?: string;
  cert?: string;
  key?: string;
  server?: string;
  token?: string;
}

const FLAG_NAMES: FieldNames = {
  warmup: '--warmup',
  timeout: '--timeout',
  tls: '--insecure',
  'tls.ca': '--cacert',
  'tls.cert': '--cert',
  'tls.key': '--key',
};

/** resultFileName is where run `run` of a test file's results go: `<stem>.result-<client>-<endpoint>.yaml`, from 1. */
export function resultFileName(testFile: string, run: Pick<SmpRun, 'client' | 'endpoint'>): string {
  const stem = basename(testFile).replace(/\.(ya?ml|json)$/i, '');
  return `${stem}.result-${run.client + 1}-${run.endpoint + 1}.yaml`;
}

function defaults(flags: PerfApplyFlags): DefaultRunOptions {
  const out: DefaultRunOptions = {};
  if (flags.warmup !== undefined) out.warmup = flags.warmup;
  if (flags.timeout !== undefined) out.timeout = flags.timeout;
  if (flags.insecure || flags.cacert || flags.cert || flags.key) {
    out.tls = { insecure: flags.insecure === true };
    if (flags.cacert) out.tls.ca = readFlagFile('--cacert', flags.cacert);
    if (flags.cert) out.tls.cert = readFlagFile('--cert', flags.cert);
    if (flags.key) out.tls.key = readFlagFile('--key', flags.key);
  }
  return out;
}

/** checkDirectory accepts an existing directory or a path that can become one. */
function checkDirectory(flag: string, path: string): void {
  let at = resolve(path);
  if (existsSync(at) && !statSync(at).isDirectory()) throw new InvalidInputError(flag, path, 'a directory');
  while (!existsSync(at)) at = dirname(at);
  if (!statSync(at).isDirectory()) throw new InvalidInputError(flag, path, 'a directory');
}

interface Outcome {
  run: SmpRun;
  result: RunResult;
  smp: PerformanceTestResult;
  file: string | null;
}

/** applyLocal runs every run of the file in order and returns the exit code. */
export async function applyLocal(flags: PerfApplyFlags, io: IO): Promise<number> {
  const output = flags.output ?? 'text';
  if (!['text', 'json', 'yaml'].includes(output))
    throw new InvalidInputError('--output', output, 'one of text, json, yaml');
  if (!flags.file)
    throw new InvalidInputError('--file', undefined, 'an SMP PerformanceTestConfig file (YAML or JSON)');
  const text = readFlagFile('--file', flags.file).toString('utf8');
  const directory = flags.saveSmp ?? dirname(resolve(flags.file));
  if (flags.saveSmp !== undefined) checkDirectory('--save-smp', flags.saveSmp);
  if (flags.mesh !== undefined && /[\r\n]/.test(flags.mesh))
    throw new InvalidInputError('--mesh', flags.mesh, 'a label without line breaks');

  // Every run is planned and validated before the first one starts: a bad file runs nothing.
  const plan: SmpPlan = planSmpRuns(parsePerformanceTestFile(text, { source: flags.file }), {
    source: flags.file,
    defaults: defaults(flags),
    defaultNames: FLAG_NAMES,
  });
  const mesh = flags.mesh ?? plan.mesh;
  const total = plan.runs.length;
  io.stderr.write(
    `${plan.name}: ${total} run${total === 1 ? '' : 's'} (${clientCount(plan)}), one after the other\n`,
  );

  const outcomes: Outcome[] = [];
  let writeFailed = false;
  for (const [i, run] of plan.runs.entries()) {
    if (io.signal?.aborted) break;
    const label = `[${i + 1}/${total}] ${run.name}`;
    io.stderr.write(`${label}: ${run.prepared.method} ${run.prepared.target.url}\n`);
    const progress = io.stderr.isTTY ? new ProgressLine(io.stderr, `[${i + 1}/${total}]`) : null;
    const result = await runPrepared(run.prepared, {
      ...(io.signal ? { signal: io.signal } : {}),
      onEvent: (event) => progress?.update(event),
    });
    progress?.clear();
    const smp = toPerformanceTestResult(result, {
      id: randomUUID(),
      testId: plan.testId,
      labels: {
        ...plan.labels,
        name: run.name,
        ...(mesh ? { mesh } : {}),
        ...(plan.meshVersion ? { mesh_version: plan.meshVersion } : {}),
      },
    });
    const file = join(directory, resultFileName(flags.file, run));
    let written: string | null = file;
    try {
      mkdirSync(directory, { recursive: true });
      writeFileSync(file, smpText(smp, file));
    } catch (error) {
      io.stderr.write(`meshplane: cannot write ${file}: ${(error as Error).message}\n`);
      writeFailed = true;
      written = null;
    }
    outcomes.push({ run, result, smp, file: written });
    if (output === 'text') {
      io.stdout.write(`── ${label}  (${run.path}, endpoint ${run.endpoint + 1})\n`);
      io.stdout.write(formatText(result));
      io.stdout.write(written ? `  SMP result   ${written}\n\n` : '\n');
    }
  }

  if (output === 'json') {
    const docs = outcomes.map((o) => smpToJson('PerformanceTestResult', o.smp, { style: 'snake' }));
    io.stdout.write(`${JSON.stringify(docs, null, 2)}\n`);
  } else if (output === 'yaml') {
    io.stdout.write(
      outcomes
        .map((o) => yamlStringify(smpToJson('PerformanceTestResult', o.smp, { style: 'snake' })))
        .join('---\n'),
    );
  } else if (outcomes.length > 1) {
    io.stdout.write(summaryTable(outcomes));
  }

  const skipped = total - outcomes.length;
  if (io.signal?.aborted) {
    if (skipped > 0) io.stderr.write(`interrupted: ${skipped} run(s) not started\n`);
    return 130;
  }
  for (const o of outcomes) if (o.result.error) io.stderr.write(`${o.run.name}: ${o.result.error}\n`);
  return writeFailed || outcomes.some((o) => o.result.error || o.result.interrupted) ? 1 : 0;
}

function clientCount(plan: SmpPlan): string {
  const clients = new Set(plan.runs.map((r) => r.client)).size;
  return `${clients} client${clients === 1 ? '' : 's'} × their endpoint URLs`;
}

function summaryTable(outcomes: Outcome[]): string {
  const header = ['RUN', 'NAME', 'URL', 'REQUESTS', 'QPS', 'P50', 'P99', 'ERRORS', 'SMP RESULT'];
  const rows = outcomes.map(({ run, result, file }) => {
    const h = result.histograms.latency;
    return [
      `${run.client + 1}.${run.endpoint + 1}`,
      run.name,
      run.prepared.target.url,
      String(result.requests),
      result.diagnostics.achievedRate.toFixed(1),
      h.totalCount ? formatMicros(h.percentile(50)) : '-',
      h.totalCount ? formatMicros(h.percentile(99)) : '-',
      String(result.errors.total),
      file ? basename(file) : '(not written)',
    ];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return `${[line(header), ...rows.map(line)].join('\n')}\n`;
}

/** registerPerfApply adds `perf apply` to the perf command; perf-remote.ts adds its --server mode. */
export function registerPerfApply(perf: Command, io: IO, setExitCode: (code: number) => void): void {
  perf
    .command('apply')
    .description(
      'Run an SMP PerformanceTestConfig file: every client and every endpoint URL, one after the other,\n' +
        'writing an SMP PerformanceTestResult for each. With --server, a meshplane server runs it instead.',
    )
    .requiredOption(
      '-f, --file <path>',
      'SMP test file: YAML or JSON, a bare PerformanceTestConfig or Meshery\'s "test:" + "mesh:" file',
    )
    .option(
      '-o, --output <format>',
      'what to print: text (a summary per run), json or yaml (the SMP results) (default: text)',
    )
    .option(
      '--save-smp <dir>',
      "directory for the SMP results, <file>.result-<client>-<endpoint>.yaml (default: the test file's directory)",
    )
    .option('--mesh <label>', "mesh label of the runs (default: from the file's mesh.type)")
    .option('--warmup <d>', 'warm-up before each run, excluded from every figure (default: 2s)')
    .option('--timeout <d>', 'per-request timeout (default: 5s)')
    .option('--insecure', 'https endpoints: accept any server certificate')
    .option('--cacert <f>', "https endpoints: PEM CA certificate (a client's ssl_certificate wins)")
    .option('--cert <f>', 'https endpoints: PEM client certificate for mutual TLS (with --key)')
    .option('--key <f>', 'https endpoints: PEM private key of --cert')
    .option('--server <url>', 'run the file on this meshplane server instead (env MESHPLANE_SERVER)')
    .option('--token <token>', 'bearer token for --server (env MESHPLANE_TOKEN)')
    .addHelpText(
      'after',
      "\nEach run honours its client's connections, rps (0 = as fast as possible), headers, cookies, body,\n" +
        'content_type, load_generator (fortio = meshplane, wrk, hey) and ssl_certificate; additional_options\n' +
        'may set method, warmup, timeout, pipeline, load_model, requests and insecure, e.g.\n' +
        '  additional_options: \'{"method": "PUT", "warmup": "0s"}\'\n' +
        'Only protocol HTTP (1) runs. Runs go one after the other: the generator uses one core.\n' +
        'Exit codes: 0 every run measured, 1 a run failed or a result could not be written, 2 bad input,\n' +
        '130 interrupted (the partial result is written, later runs are not started).\n',
    )
    .action(async (flags: PerfApplyFlags) => setExitCode(await applyLocal(flags, io)));
}
