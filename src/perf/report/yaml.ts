/** YAML output: the same document as the fortio JSON (with its `meshplane` extension), in YAML. */
import { stringify } from 'yaml';
import type { RunResult } from '../result.js';
import { toFortioJson } from './fortio.js';

/** toYaml renders `toFortioJson(result)` as YAML. */
export function toYaml(result: RunResult): string {
  return stringify(toFortioJson(result), { lineWidth: 0 });
}
