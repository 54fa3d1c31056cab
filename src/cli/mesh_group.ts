/**
 * The `mesh` command group is shared by several areas (lifecycle: up/down/status; conformance:
 * validate); each registers its subcommands on the one group, whichever registers first creates it.
 * @module
 */
import type { Command } from 'commander';

/** meshCommand returns the program's `mesh` command, creating it when no area has yet. */
export function meshCommand(program: Command): Command {
  return (
    program.commands.find((c) => c.name() === 'mesh') ??
    program.command('mesh').description('run a local mesh and validate meshes (SMI conformance)')
  );
}
