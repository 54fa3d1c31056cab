/**
 * Reading `metadata` and the envelope shared by every SMI kind.
 * @module
 */
import type { ResourceContext } from './errors.js';
import { at, checkKeys, isRecord, readName, readNamespace, readObject, type Raw } from './fields.js';
import type { ObjectMeta } from './model.js';

/** OBJECT_META_KEYS are the ObjectMeta fields a manifest may carry (server-set ones are ignored). */
const OBJECT_META_KEYS = [
  'name',
  'namespace',
  'labels',
  'annotations',
  'generateName',
  'uid',
  'resourceVersion',
  'generation',
  'creationTimestamp',
  'deletionTimestamp',
  'deletionGracePeriodSeconds',
  'ownerReferences',
  'finalizers',
  'managedFields',
  'selfLink',
];

/** ENVELOPE_KEYS are the top-level keys every kind has besides its own. */
export const ENVELOPE_KEYS = ['apiVersion', 'kind', 'metadata', 'status'];

/** peekIdentity fills the context's name/namespace early, so every later error names the resource. */
export function peekIdentity(ctx: ResourceContext, obj: Raw): void {
  const meta = isRecord(obj.metadata) ? obj.metadata : {};
  if (typeof meta.name === 'string') ctx.name = meta.name;
  if (typeof meta.namespace === 'string' && meta.namespace !== '') ctx.namespace = meta.namespace;
}

/** readMeta checks `metadata`: a DNS-1123 name, a DNS-1123 namespace (defaulted), string labels and annotations. */
export function readMeta(ctx: ResourceContext, obj: Raw, defaultNamespace: string): ObjectMeta {
  const meta = readObject(ctx, obj.metadata, 'metadata', 'an object with a name');
  checkKeys(ctx, meta, 'metadata', OBJECT_META_KEYS, 'metadata');
  const name = readName(ctx, meta.name, 'metadata.name');
  const namespace =
    meta.namespace === undefined || meta.namespace === null || meta.namespace === ''
      ? defaultNamespace
      : readNamespace(ctx, meta.namespace, 'metadata.namespace');
  return {
    name,
    namespace,
    labels: readStringMap(ctx, meta.labels, 'metadata.labels'),
    annotations: readStringMap(ctx, meta.annotations, 'metadata.annotations'),
  };
}

function readStringMap(ctx: ResourceContext, value: unknown, path: string): Record<string, string> {
  if (value === undefined || value === null) return {};
  const map = readObject(ctx, value, path, 'a map of string values');
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(map)) {
    if (typeof v !== 'string') throw ctx.invalid(at(path, k), v, 'a string (quote it in YAML)');
    out[k] = v;
  }
  return out;
}
