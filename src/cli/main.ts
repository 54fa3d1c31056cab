/**
 * The `meshplane` command tree. Thin: it parses flags and calls the planes' modules.
 * `main(argv, io)` returns the exit code so transcript tests can call it in-process.
 * @module
 */
import { Command, CommanderError } from 'commander';
import { MeshplaneError } from '../errors/index.js';
import type { IO } from './io.js';
import { VERSION } from './version.js';

/** Registers the subcommands of one area (perf, mesh, server…) on the root program. */
export type CommandRegistrar = (program: Command, io: IO, setExitCode: (code: number) => void) => void;

/**
 * Area is one group of top-level commands. Its module is imported only when one of its commands
 * runs (or for the full --help), so `meshplane proxy` loads the proxy and not the server, the UI
 * store or the load generator: a sidecar's memory is part of what the mesh costs.
 */
interface Area {
  commands: string[];
  load: () => Promise<CommandRegistrar[]>;
}

/** Every area, in the order `--help` lists them. */
const areas: Area[] = [
  {
    commands: ['perf'],
    // perf-remote comes after the local perf commands: it adds --server to `perf apply`, and list/view.
    load: async () => [
      (await import('./perf.js')).registerPerf,
      (await import('./perf-remote.js')).registerPerfRemote,
    ],
  },
  {
    commands: ['mesh'],
    load: async () => [
      (await import('./mesh/mesh_commands.js')).registerMeshCommands,
      (await import('./validate.js')).registerValidateCommand,
    ],
  },
  {
    commands: ['apply', 'delete', 'get', 'logs'],
    load: async () => [(await import('./mesh/resource_commands.js')).registerResourceCommands],
  },
  { commands: ['proxy'], load: async () => [(await import('./proxy.js')).registerProxy] },
  { commands: ['server'], load: async () => [(await import('./server.js')).registerServer] },
];

/** registrarsFor loads the areas a command line needs: its command's area, or all of them. */
export async function registrarsFor(argv: string[]): Promise<CommandRegistrar[]> {
  const command = argv.find((arg) => !arg.startsWith('-'));
  if (command === undefined && (argv.includes('--version') || argv.includes('-V'))) return [];
  const chosen = areas.filter((area) => command !== undefined && area.commands.includes(command));
  const loaded = await Promise.all((chosen.length > 0 ? chosen : areas).map((area) => area.load()));
  return loaded.flat();
}

/** buildProgram creates the root command with the given areas' subcommands. */
export function buildProgram(
  io: IO,
  setExitCode: (code: number) => void,
  registrars: CommandRegistrar[],
): Command {
  const program = new Command('meshplane')
    .description('Service-mesh toolkit: load generator, reference mesh, SMI conformance, management plane')
    .version(VERSION, '-V, --version')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
    });
  for (const register of registrars) register(program, io, setExitCode);
  return program;
}

/** main runs one command line and resolves to the process exit code. */
export async function main(argv: string[], io: IO): Promise<number> {
  let exitCode = 0;
  try {
    const program = buildProgram(io, (code) => (exitCode = code), await registrarsFor(argv));
    await program.parseAsync(argv, { from: 'user' });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode;
    if (error instanceof MeshplaneError) {
      io.stderr.write(`meshplane: ${error.message}\n`);
      return error.status === 400 ? 2 : 1;
    }
    io.stderr.write(
      `meshplane: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    return 1;
  }
}
