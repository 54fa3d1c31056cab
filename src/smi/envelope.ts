/**
 * The start every kind reader shares: identify the resource, check its version and top-level
 * keys, read metadata.
 * @module
 */
import type { ManifestOrigin } from '../manifest/index.js';
import { ResourceContext } from './errors.js';
import { checkKeys, isRecord, type Raw } from './fields.js';
import { ENVELOPE_KEYS, peekIdentity, readMeta } from './meta.js';
import { SUPPORTED_VERSIONS, type ObjectMeta, type SmiKind, type SmiVersion } from './model.js';

/** ParseOptions tune every SMI reader. */
export interface ParseOptions {
  /** Namespace for resources without one; default `default`. */
  defaultNamespace?: string;
  /** Where the object was read from, named in errors. */
  origin?: ManifestOrigin;
}

/** Envelope is what openResource hands to a kind's reader. */
export interface Envelope {
  ctx: ResourceContext;
  obj: Raw;
  version: SmiVersion;
  metadata: ObjectMeta;
}

/**
 * openResource checks the object is `kind` in `group` at a supported version, that its top-level
 * keys are the envelope plus `topKeys` (with `lenientKeys` passed through for the kind to judge),
 * and reads its metadata.
 */
export function openResource(
  value: unknown,
  kind: SmiKind,
  group: string,
  topKeys: (version: SmiVersion) => readonly string[],
  options: ParseOptions,
  lenientKeys: readonly string[] = [],
): Envelope {
  const defaultNamespace = options.defaultNamespace ?? 'default';
  const ctx = new ResourceContext(kind, '', defaultNamespace, options.origin);
  if (!isRecord(value)) throw ctx.invalid('(document)', value ?? undefined, `a ${kind} object`);
  peekIdentity(ctx, value);
  if (value.kind !== kind) throw ctx.invalid('kind', value.kind, kind);
  const apiVersion = value.apiVersion;
  const versions = SUPPORTED_VERSIONS[kind];
  const version =
    typeof apiVersion === 'string' && apiVersion.startsWith(`${group}/`)
      ? apiVersion.slice(group.length + 1)
      : '';
  if (!(versions as readonly string[]).includes(version)) {
    throw ctx.invalid(
      'apiVersion',
      apiVersion ?? undefined,
      `one of ${versions.map((v) => `${group}/${v}`).join(', ')}`,
    );
  }
  const smiVersion = version as SmiVersion;
  checkKeys(
    ctx,
    value,
    '',
    [...ENVELOPE_KEYS, ...topKeys(smiVersion), ...lenientKeys],
    `${kind} ${smiVersion}`,
  );
  const metadata = readMeta(ctx, value, defaultNamespace);
  return { ctx, obj: value, version: smiVersion, metadata };
}
