/**
 * perfGenerator: the run queue's default LoadGenerator, meshplane's own load generator (perf).
 * @module
 */
import { MeshplaneError } from '../errors/index.js';
import type { LoadGenerator } from './generator.js';
import { generators } from './settings.js';

/** supportedGenerators lists the generators a run may name. */
export function supportedGenerators(): readonly string[] {
  return generators;
}

export const perfGenerator: LoadGenerator = async () => {
  throw new MeshplaneError('SERVER_ERR_GENERATOR', 'the load generator is not available');
};
