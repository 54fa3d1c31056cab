/**
 * The `meshplane` command tree. Thin: it parses flags and calls the planes' modules.
 * `main(argv, io)` returns the exit code so transcript tests can call it in-process.
 * @module
 */
import { Command, CommanderError } from 'commander';
import { MeshplaneError } from '../errors/index.js';
import type { IO } from './io.js';
import { registerMeshCommands } from './mesh/mesh_commands.js';
import { registerResourceCommands } from './mesh/resource_commands.js';
import { registerPerf } from './perf.js';
import { registerPerfRemote } from './perf-remote.js';
import { registerServer } from './server.js';
import { registerValidateCommand } from './validate.js';
import { registerProxy } from './proxy.js';
import { VERSION } from './version.js';

/** Registers the subcommands of one area (perf, mesh, server…) on the root program. */
export type CommandRegistrar = (program: Command, io: IO, setExitCode: (code: number) => void) => void;

/** Every area's subcommands, in the order `--help` lists them. */
const registrars: CommandRegistrar[] = [
  registerPerf,
  registerMeshCommands,
  registerResourceCommands,
  registerValidateCommand,
  registerProxy,
  registerServer,
  // After the local `perf` commands: it adds --server to `perf apply` and the list/view subcommands.
  registerPerfRemote,
];

/** buildProgram creates the root command with every area's subcommands. */
export function buildProgram(io: IO, setExitCode: (code: number) => void): Command {
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
  const program = buildProgram(io, (code) => (exitCode = code));
  try {
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
