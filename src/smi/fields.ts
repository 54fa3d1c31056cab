/**
 * Typed field readers over raw manifest objects. Each checks one field and throws an error that
 * names its path inside the resource.
 * @module
 */
import type { ResourceContext } from './errors.js';
import { suggestName } from '../errors/index.js';

/** Raw is a decoded YAML/JSON object. */
export type Raw = Record<string, unknown>;

/** isRecord is true for plain objects (not arrays, not null). */
export function isRecord(value: unknown): value is Raw {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** at appends a key to a dotted path. */
export function at(path: string, key: string): string {
  return path ? `${path}.${key}` : key;
}

/** checkKeys rejects keys outside `allowed`, suggesting the closest allowed one. */
export function checkKeys(
  ctx: ResourceContext,
  obj: Raw,
  path: string,
  allowed: readonly string[],
  where: string,
): void {
  for (const key of Object.keys(obj)) {
    if (!allowed.includes(key))
      throw ctx.unknownField(at(path, key), obj[key], where, suggestName(key, allowed));
  }
}

/** readObject requires a mapping at `path`. */
export function readObject(ctx: ResourceContext, value: unknown, path: string, what = 'an object'): Raw {
  if (!isRecord(value)) throw ctx.invalid(path, value ?? undefined, what);
  return value;
}

/** readList requires a list at `path` (missing/null reads as `[]` unless `required`). */
export function readList(
  ctx: ResourceContext,
  value: unknown,
  path: string,
  required = false,
  what = 'a list',
): unknown[] {
  if (value === undefined || value === null) {
    if (required) throw ctx.invalid(path, undefined, what);
    return [];
  }
  if (!Array.isArray(value)) throw ctx.invalid(path, value, what);
  return value;
}

/** readString requires a non-empty string at `path` (or returns undefined when optional and absent). */
export function readString(
  ctx: ResourceContext,
  value: unknown,
  path: string,
  what: string,
  required: true,
): string;
export function readString(
  ctx: ResourceContext,
  value: unknown,
  path: string,
  what: string,
  required?: false,
): string | undefined;
export function readString(
  ctx: ResourceContext,
  value: unknown,
  path: string,
  what: string,
  required = false,
): string | undefined {
  if (value === undefined || value === null || value === '') {
    if (required) throw ctx.invalid(path, undefined, what);
    return undefined;
  }
  if (typeof value !== 'string') throw ctx.invalid(path, value, what);
  return value;
}

/** readPort requires an integer 1..65535; numeric strings are accepted only when `lenient`. */
export function readPort(ctx: ResourceContext, value: unknown, path: string, lenient = false): number {
  const n = lenient && typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > 65535) {
    throw ctx.invalid(path, value ?? undefined, 'a port number 1..65535');
  }
  return n;
}

/** DNS1123_SUBDOMAIN is the Kubernetes object-name rule (≤ 253 chars, lower-case alphanumerics, `-`, `.`). */
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
/** DNS1123_LABEL is the namespace rule (≤ 63 chars, lower-case alphanumerics and `-`). */
const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** readName requires a DNS-1123 subdomain name (object, service and service-account names). */
export function readName(ctx: ResourceContext, value: unknown, path: string, what = 'a name'): string {
  const name = readString(
    ctx,
    value,
    path,
    `${what} (a DNS-1123 name: lower-case letters, digits, '-', '.')`,
    true,
  );
  if (name.length > 253 || !DNS1123_SUBDOMAIN.test(name)) {
    throw ctx.invalid(
      path,
      name,
      `${what} that is a DNS-1123 name (lower-case letters, digits, '-', '.'; at most 253)`,
    );
  }
  return name;
}

/** readNamespace requires a DNS-1123 label. */
export function readNamespace(ctx: ResourceContext, value: unknown, path: string): string {
  const ns = readString(ctx, value, path, 'a namespace', true);
  if (ns.length > 63 || !DNS1123_LABEL.test(ns)) {
    throw ctx.invalid(
      path,
      ns,
      "a namespace that is a DNS-1123 label (lower-case letters, digits, '-'; at most 63)",
    );
  }
  return ns;
}
