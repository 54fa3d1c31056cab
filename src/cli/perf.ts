/**
 * `meshplane perf run <url>`: parses flags into RunOptions, runs the load through perf's public API,
 * shows progress on a TTY and prints the result as text, fortio JSON or YAML.
 * @module
 */
import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { InvalidInputError } from '../errors/index.js';
import {
  formatMicros,
  formatText,
  prepareRun,
  RUN_DEFAULTS,
  runPrepared,
  toFortioJson,
  toHgrm,
  toPerformanceTestResult,
  toYaml,
  type FieldNames,
  type RunOptions,
} from '../perf/index.js';
import type { CommandRegistrar } from './main.js';
import type { IO } from './io.js';
import { registerPerfApply } from './perf-apply.js';
import { checkWritable, collect, numberOrText, ProgressLine, readFlagFile, smpText } from './perf-common.js';

/** Flag names used in error messages, so a bad value names the flag the user typed. */
const FLAG_NAMES: FieldNames = {
  url: 'url',
  method: '--method',
  headers: '--header',
  cookies: '--cookie',
  body: '--body',
  contentType: '--content-type',
  connections: '--connections',
  qps: '--qps',
  loadModel: '--open-loop',
  duration: '--duration',
  requests: '--requests',
  warmup: '--warmup',
  pipeline: '--pipeline',
  sequencer: '--sequencer',
  timeout: '--timeout',
  tls: '--insecure',
  'tls.ca': '--cacert',
  'tls.cert': '--cert',
  'tls.key': '--key',
  generator: '--generator',
  labels: '--labels',
};

interface PerfRunFlags {
  connections?: string;
  qps?: string;
  duration?: string;
  requests?: string;
  warmup?: string;
  openLoop?: boolean;
  closedLoop?: boolean;
  method?: string;
  header?: string[];
  cookie?: string[];
  body?: string;
  bodyFile?: string;
  contentType?: string;
  timeout?: string;
  pipeline?: string;
  sequencer?: string;
  insecure?: boolean;
  cacert?: string;
  cert?: string;
  key?: string;
  generator?: string;
  labels?: string;
  output?: string;
  saveFortio?: string;
  saveHgrm?: string;
  saveSmp?: string;
}

/** toRunOptions turns parsed flags into RunOptions, reading the files they name. */
export function toRunOptions(url: string, f: PerfRunFlags): RunOptions {
  if (f.openLoop && f.closedLoop)
    throw new InvalidInputError('--open-loop', true, 'either --open-loop or --closed-loop, not both');
  if (f.body !== undefined && f.bodyFile !== undefined)
    throw new InvalidInputError('--body-file', f.bodyFile, 'either --body or --body-file, not both');
  if (f.requests !== undefined && f.duration !== undefined) {
    throw new InvalidInputError('--requests', f.requests, 'either -n/--requests or -t/--duration, not both');
  }
  const options: RunOptions = { url, headers: f.header ?? [], cookies: f.cookie ?? [] };
  const set = <K extends keyof RunOptions>(key: K, value: RunOptions[K] | undefined): void => {
    if (value !== undefined) options[key] = value;
  };
  set('connections', numberOrText(f.connections) as number);
  set('qps', numberOrText(f.qps) as number);
  set('requests', numberOrText(f.requests) as number);
  set('pipeline', numberOrText(f.pipeline) as number);
  set('duration', f.duration);
  set('warmup', f.warmup);
  set('timeout', f.timeout);
  set('method', f.method);
  set('contentType', f.contentType);
  set('labels', f.labels);
  set('generator', f.generator as RunOptions['generator']);
  set('sequencer', f.sequencer as RunOptions['sequencer']);
  if (f.openLoop) options.loadModel = 'open';
  if (f.closedLoop) options.loadModel = 'closed';
  if (f.body !== undefined) options.body = f.body;
  if (f.bodyFile !== undefined) options.body = readFlagFile('--body-file', f.bodyFile);
  if (f.insecure || f.cacert || f.cert || f.key) {
    options.tls = { insecure: f.insecure === true };
    if (f.cacert) options.tls.ca = readFlagFile('--cacert', f.cacert);
    if (f.cert) options.tls.cert = readFlagFile('--cert', f.cert);
    if (f.key) options.tls.key = readFlagFile('--key', f.key);
  }
  return options;
}

async function perfRun(
  url: string,
  flags: PerfRunFlags,
  io: IO,
  setExitCode: (code: number) => void,
): Promise<void> {
  const output = flags.output ?? 'text';
  if (!['text', 'json', 'yaml'].includes(output))
    throw new InvalidInputError('--output', output, 'one of text, json, yaml');
  checkWritable('--save-fortio', flags.saveFortio);
  checkWritable('--save-hgrm', flags.saveHgrm);
  checkWritable('--save-smp', flags.saveSmp);
  const options = prepareRun(toRunOptions(url, flags), FLAG_NAMES);

  const progress = io.stderr.isTTY ? new ProgressLine(io.stderr) : null;
  const result = await runPrepared(options, {
    signal: io.signal,
    onEvent: (event) => progress?.update(event),
  });
  progress?.clear();

  if (output === 'json') io.stdout.write(`${JSON.stringify(toFortioJson(result), null, 2)}\n`);
  else if (output === 'yaml') io.stdout.write(toYaml(result));
  else io.stdout.write(formatText(result));

  try {
    if (flags.saveFortio)
      writeFileSync(flags.saveFortio, `${JSON.stringify(toFortioJson(result), null, 2)}\n`);
    if (flags.saveHgrm) writeFileSync(flags.saveHgrm, toHgrm(result.histograms.latency));
    if (flags.saveSmp) {
      const smp = toPerformanceTestResult(result, {
        id: randomUUID(),
        ...(flags.labels ? { labels: { name: flags.labels } } : {}),
      });
      writeFileSync(flags.saveSmp, smpText(smp, flags.saveSmp));
    }
  } catch (error) {
    io.stderr.write(`meshplane: cannot write result file: ${(error as Error).message}\n`);
    setExitCode(1);
    return;
  }
  if (result.error) {
    if (output !== 'text') io.stderr.write(`meshplane: ${result.error}\n`);
    setExitCode(1);
  } else if (result.interrupted) {
    setExitCode(130);
  } else if (output === 'text' && result.histograms.latency.totalCount > 0 && io.stderr.isTTY) {
    io.stderr.write(`done: p99 ${formatMicros(result.histograms.latency.percentile(99))}\n`);
  }
}

const ms = (n: number): string => (n % 1000 === 0 ? `${n / 1000}s` : `${n}ms`);

/** registerPerf adds `meshplane perf` and its `run` subcommand. */
export const registerPerf: CommandRegistrar = (
  program: Command,
  io: IO,
  setExitCode: (code: number) => void,
) => {
  const perf = program
    .command('perf')
    .description('Load generation: latency and throughput of an HTTP/1.1 service, with honest percentiles');
  perf
    .command('run')
    .description(
      'Run load against one URL and report rate, status codes, errors and latency percentiles.\n' +
        'With --qps > 0 the load is an open loop: one global schedule, latency corrected for coordinated omission.',
    )
    .argument('<url>', 'target URL, http:// or https:// (HTTP/1.1)')
    .option('-c, --connections <n>', `concurrent connections (default: ${RUN_DEFAULTS.connections})`)
    .option(
      '--qps <r>',
      `total requests per second; 0 = as fast as possible, closed loop (default: ${RUN_DEFAULTS.qps})`,
    )
    .option(
      '-t, --duration <d>',
      `measured duration after the warm-up, e.g. 30s, 5m (default: ${ms(RUN_DEFAULTS.durationMs)})`,
    )
    .option('-n, --requests <n>', 'run exactly n measured requests instead of a duration')
    .option(
      '--warmup <d>',
      `warm-up run first and excluded from every figure; 0 disables (default: ${ms(RUN_DEFAULTS.warmupMs)})`,
    )
    .option('--open-loop', 'follow the --qps schedule whatever the responses do (default when --qps > 0)')
    .option(
      '--closed-loop',
      'wait for each response before the next request on a connection (default when --qps is 0)',
    )
    .option('-X, --method <m>', 'HTTP method (default: GET, or POST with a body)')
    .option('-H, --header <h>', 'request header "Name: value"; repeatable', collect)
    .option('--cookie <c>', 'cookie "name=value" (or "a=1; b=2"); repeatable', collect)
    .option('--body <text>', 'request body')
    .option('--body-file <f>', 'request body read from a file')
    .option('--content-type <t>', 'Content-Type of the body')
    .option(
      '--timeout <d>',
      `per-request timeout from the actual send (default: ${ms(RUN_DEFAULTS.timeoutMs)})`,
    )
    .option(
      '--pipeline <n>',
      `requests in flight per connection, HTTP/1.1 pipelining (default: ${RUN_DEFAULTS.pipeline})`,
    )
    .option(
      '--sequencer <s>',
      'how --qps > 0 waits for each send: timer (1 ms ticks, sends up to ~1 ms late, little CPU) or ' +
        `spin (polls: sends within µs of schedule, costs a core) (default: ${RUN_DEFAULTS.sequencer})`,
    )
    .option('--insecure', 'https: accept any server certificate')
    .option(
      '--cacert <f>',
      'https: PEM file of the CA that signs the server certificate (default: system roots)',
    )
    .option('--cert <f>', 'https: PEM client certificate for mutual TLS (with --key)')
    .option('--key <f>', 'https: PEM private key of --cert')
    .option('--generator <g>', `load generator: meshplane, wrk or hey (default: ${RUN_DEFAULTS.generator})`)
    .option('--labels <text>', 'free text stored in the result (fortio Labels)')
    .option(
      '-o, --output <format>',
      'output format: text, json (fortio HTTPRunnerResults + "meshplane" block) or yaml (default: text)',
    )
    .option('--save-fortio <f>', 'also write the fortio JSON result to a file')
    .option('--save-hgrm <f>', 'also write the latency percentile spectrum (.hgrm, ms) to a file')
    .option(
      '--save-smp <f>',
      'also write an SMP PerformanceTestResult (latencies_ms in milliseconds) to a file: YAML, or JSON for *.json',
    )
    .addHelpText(
      'after',
      '\nExamples:\n' +
        '  meshplane perf run http://127.0.0.1:8080/ -c 8 --qps 0 -t 5s\n' +
        '  meshplane perf run http://127.0.0.1:8080/ --qps 500 -t 30s -o json --save-hgrm latency.hgrm\n' +
        '  meshplane perf run https://127.0.0.1:8443/ --cacert ca.pem --cert client.pem --key client-key.pem -n 1000\n' +
        '\nProgress (elapsed, remaining, live rate) goes to stderr on a terminal; Ctrl-C stops the run and prints\n' +
        'the partial result. Exit codes: 0 done, 1 run failed, 2 bad input, 130 interrupted.\n' +
        'HTTP/2, gRPC and WebSocket URLs are rejected: only HTTP/1.1 is supported.\n',
    )
    .action(async (url: string, flags: PerfRunFlags) => perfRun(url, flags, io, setExitCode));
  registerPerfApply(perf, io, setExitCode);
};
