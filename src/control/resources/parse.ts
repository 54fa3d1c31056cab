/** Reads multi-document YAML or JSON manifests (and `kind: List`) into validated resources. */
import { parseAllDocuments } from 'yaml';
import { InvalidInputError } from '../../errors/index.js';
import { CONTROL_ERR_MANIFEST_SYNTAX } from '../errors.js';
import type { Resource } from './types.js';
import { validateDocument } from './validate.js';

/** MAX_MANIFEST_BYTES bounds one apply; bigger inputs are refused before parsing. */
export const MAX_MANIFEST_BYTES = 4 * 1024 * 1024;

/** parseManifests parses and validates every document of `text`; `source` names it in errors. */
export function parseManifests(text: string, source: string): Resource[] {
  if (Buffer.byteLength(text) > MAX_MANIFEST_BYTES) {
    throw new InvalidInputError(
      'manifest',
      `${Buffer.byteLength(text)} bytes`,
      `at most ${MAX_MANIFEST_BYTES} bytes`,
      source,
    );
  }
  const resources: Resource[] = [];
  const documents = parseAllDocuments(text, { prettyErrors: true, uniqueKeys: true });
  const list = Array.isArray(documents) ? documents : [documents];
  list.forEach((doc, index) => {
    const where = `${source} (document ${index + 1})`;
    const error = doc.errors[0];
    if (error) {
      throw new InvalidInputError(
        '(syntax)',
        error.message.split('\n')[0],
        'valid YAML or JSON',
        where,
        CONTROL_ERR_MANIFEST_SYNTAX,
      );
    }
    const value: unknown = doc.toJS({ maxAliasCount: 100 });
    if (value === null || value === undefined) return; // an empty document, e.g. after a trailing ---
    if (typeof value === 'object' && !Array.isArray(value) && (value as { kind?: unknown }).kind === 'List') {
      const items = (value as { items?: unknown }).items;
      if (!Array.isArray(items)) throw new InvalidInputError('items', items, 'a list of resources', where);
      items.forEach((item, i) => resources.push(validateDocument(item, `${where} items[${i}]`)));
    } else {
      resources.push(validateDocument(value, where));
    }
  });
  return resources;
}
