// Loads the YAML fixtures beside this file (copied into dist/ by the build) through the manifest reader.
import { readFileSync } from 'node:fs';
import { readManifests, type ManifestDocument } from '../../manifest/index.js';

/** fixture reads `fixtures/<name>` into manifest documents. */
export function fixture(name: string): ManifestDocument[] {
  const text = readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');
  return readManifests(text, { source: name });
}
