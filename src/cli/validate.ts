/**
 * `meshplane mesh validate --spec smi`: runs the SMI conformance suites against a mesh (the local
 * mesh through its HTTP API, or no mesh at all) and prints the result as text, JSON or YAML, with an
 * optional JUnit report. Exit code 0 when every step passed, 1 when some failed, 130 on Ctrl-C.
 * @module
 */
import { statSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { Command } from 'commander';
import {
  formatRun,
  formatStep,
  junitXml,
  LocalMeshDriver,
  NoMeshDriver,
  OUTPUT_FORMATS,
  runConformance,
  selectSuites,
  SUITE_NAMES,
  SUITES,
  claimsOf,
  type MeshDriver,
  type OutputFormat,
} from '../conformance/index.js';
import { InvalidInputError } from '../errors/index.js';
import { conformanceServer, uploadConformance } from './conformance-upload.js';
import type { IO } from './io.js';
import { resolveApi } from './mesh/api_client.js';
import { parseDuration } from './mesh/format.js';
import { meshCommand } from './mesh_group.js';

interface ValidateFlags {
  spec: string;
  suite?: string;
  driver: string;
  output: string;
  junit?: string;
  api?: string;
  stateDir?: string;
  settleTimeout: string;
  readyTimeout: string;
  metricsTimeout: string;
  failFast?: boolean;
  progress?: boolean;
  quiet?: boolean;
  list?: boolean;
  server?: string;
  token?: string;
}

const DRIVERS = ['local', 'none'] as const;

export function registerValidateCommand(program: Command, io: IO, setExitCode: (code: number) => void): void {
  meshCommand(program)
    .command('validate')
    .description('run the SMI conformance suites against a mesh (deploys sample apps in fresh namespaces)')
    .option('--spec <spec>', 'specification to validate against (only "smi")', 'smi')
    .option('--suite <names>', `comma-separated suites (default all): ${SUITE_NAMES.join(',')}`)
    .option(
      '--driver <driver>',
      'local: the local mesh through its HTTP API; none: sample apps with no mesh',
      'local',
    )
    .option('-o, --output <format>', 'text, json or yaml', 'text')
    .option('--junit <file>', 'also write a JUnit XML report to FILE')
    .option(
      '--api <url>',
      'HTTP API of the local mesh (default: from the state directory, or $MESHPLANE_API)',
    )
    .option(
      '--state-dir <dir>',
      'state directory of the local mesh (default $MESHPLANE_STATE_DIR or ./.meshplane)',
    )
    .option('--settle-timeout <duration>', 'longest wait for an applied change to take effect', '5s')
    .option('--ready-timeout <duration>', 'longest wait for the sample apps to become ready', '60s')
    .option('--metrics-timeout <duration>', 'longest wait for TrafficMetrics to report known traffic', '10s')
    .option('--fail-fast', "skip the rest of a suite after its first failed step (kuttl's behaviour)")
    .option('--progress', 'print each step to stderr as it finishes (default when stderr is a terminal)')
    .option('-q, --quiet', 'no progress on stderr')
    .option('--list', 'print the suites and their steps, and exit')
    .option('--server <url>', 'also store the result on this meshplane server (its Conformance page)')
    .option('--token <token>', 'bearer token for --server (env MESHPLANE_TOKEN)')
    .action(async (flags: ValidateFlags) => setExitCode(await validate(flags, io)));
}

async function validate(flags: ValidateFlags, io: IO): Promise<number> {
  // Every flag is checked before any process starts or any request is sent.
  if (flags.spec !== 'smi')
    throw new InvalidInputError('--spec', flags.spec, '"smi" (the only specification with a suite)');
  const suites = flags.suite
    ?.split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  selectSuites(suites?.length ? suites : undefined);
  if (!(DRIVERS as readonly string[]).includes(flags.driver)) {
    throw new InvalidInputError('--driver', flags.driver, `one of ${DRIVERS.join(', ')}`);
  }
  if (!(OUTPUT_FORMATS as readonly string[]).includes(flags.output)) {
    throw new InvalidInputError('--output', flags.output, `one of ${OUTPUT_FORMATS.join(', ')}`);
  }
  const settleTimeoutMs = positiveDuration(flags.settleTimeout, '--settle-timeout');
  const readyTimeoutMs = positiveDuration(flags.readyTimeout, '--ready-timeout');
  const metricsTimeoutMs = positiveDuration(flags.metricsTimeout, '--metrics-timeout');
  const junit = flags.junit === undefined ? undefined : resolve(flags.junit);
  if (junit !== undefined && !isDirectory(dirname(junit))) {
    throw new InvalidInputError('--junit', flags.junit, 'a file in an existing directory');
  }
  const server = conformanceServer(flags, io);
  if (flags.list) {
    io.stdout.write(listSuites(suites));
    return 0;
  }

  const driver: MeshDriver =
    flags.driver === 'none'
      ? new NoMeshDriver()
      : new LocalMeshDriver({ api: (await resolveApi(flags, io)).url });
  const progress = !flags.quiet && (flags.progress === true || io.stderr.isTTY === true);
  try {
    const run = await runConformance(driver, {
      ...(suites?.length ? { suites: suites as never } : {}),
      signal: io.signal,
      settleTimeoutMs,
      readyTimeoutMs,
      metricsTimeoutMs,
      failFast: flags.failFast === true,
      ...(progress
        ? {
            onSuiteStart: (suite, namespace) => io.stderr.write(`${suite} · namespace ${namespace}\n`),
            onStep: (_suite, step) => io.stderr.write(`${formatStep(step)}\n`),
          }
        : {}),
    });
    io.stdout.write(formatRun(run, flags.output as OutputFormat));
    if (junit) await writeFile(junit, junitXml(run));
    if (run.interrupted) return 130;
    if (server && !(await uploadConformance(server, run, io))) return 1;
    return run.suites.every((s) => s.steps.every((step) => step.status === 'passed')) ? 0 : 1;
  } finally {
    await driver.close();
  }
}

function positiveDuration(value: string, flag: string): number {
  const ms = parseDuration(value, flag);
  if (ms <= 0) throw new InvalidInputError(flag, value, 'a duration above zero, such as 5s');
  return ms;
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** listSuites prints every step of the selected suites, as a mesh claiming every SMI version gets them. */
function listSuites(names: string[] | undefined): string {
  const every = claimsOf([]);
  const all = { serves: () => true };
  const lines: string[] = [];
  for (const suite of SUITES.filter((s) => !names?.length || names.includes(s.name))) {
    const always = new Set(suite.steps(every).map((s) => s.name));
    const steps = suite.steps(all);
    lines.push(`${suite.name} (${suite.specVersion}): ${steps.length} steps`);
    steps.forEach((step, i) => {
      const tag = step.original ? 'original' : always.has(step.name) ? 'added' : 'if claimed';
      lines.push(`  ${String(i + 1).padStart(2)} ${step.name.padEnd(24)} [${tag}] ${step.summary}`);
    });
    lines.push('');
  }
  return lines.join('\n');
}
