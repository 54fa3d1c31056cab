/**
 * Reads manifest text into validated resources: the shared manifest reader (src/manifest) splits
 * documents and lists, then each object goes to its kind's reader — SMI groups to src/smi, which
 * converts every version into the canonical model; `v1/Service`, `v1/ServiceAccount` and
 * `meshplane.dev/v1alpha1/Workload` to the control plane's own validators.
 * @module
 */
import { InvalidInputError } from '../../errors/index.js';
import { describeOrigin, readManifests } from '../../manifest/index.js';
import { parseSmiDocument } from '../../smi/index.js';
import type { Resource } from './types.js';
import { validateDocument } from './validate.js';

/** MAX_MANIFEST_BYTES bounds one apply; bigger inputs are refused before parsing. */
export const MAX_MANIFEST_BYTES = 4 * 1024 * 1024;

/** ParsedManifests is what one manifest file holds, with the quirks accepted while reading it. */
export interface ParsedManifests {
  resources: Resource[];
  /** Accepted deviations from a published schema (SMI conformance-suite quirks), one line each. */
  warnings: string[];
}

/**
 * parseManifests parses and validates every document of `text`; `source` names it in errors.
 * @throws MeshplaneError `MANIFEST_ERR_SYNTAX`, or InvalidInputError naming document and field
 */
export function parseManifests(text: string, source: string): ParsedManifests {
  const bytes = Buffer.byteLength(text);
  if (bytes > MAX_MANIFEST_BYTES) {
    throw new InvalidInputError('manifest', `${bytes} bytes`, `at most ${MAX_MANIFEST_BYTES} bytes`, source);
  }
  const resources: Resource[] = [];
  const warnings: string[] = [];
  for (const doc of readManifests(text, { source })) {
    const smi = parseSmiDocument(doc);
    if (smi) {
      resources.push(smi.resource);
      warnings.push(...smi.warnings);
    } else {
      resources.push(validateDocument(doc.object, describeOrigin(doc.origin)));
    }
  }
  return { resources, warnings };
}
