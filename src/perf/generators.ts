/**
 * Which load generators can run on this host: meshplane's own engine always, wrk and hey when their
 * programs are on the PATH. Forms and CLIs offer only these.
 * @module
 */
import { findExecutable } from './external/tool.js';
import type { GeneratorName } from './options.js';

/** GENERATOR_NAMES are every generator a run may name, in the order menus list them. */
export const GENERATOR_NAMES: readonly GeneratorName[] = ['meshplane', 'wrk', 'hey'];

/** availableGenerators lists the generators installed here: `meshplane`, then `wrk` and `hey` when found on `path`. */
export function availableGenerators(path = process.env.PATH ?? ''): GeneratorName[] {
  return GENERATOR_NAMES.filter((name) => name === 'meshplane' || findExecutable(name, path) !== null);
}
