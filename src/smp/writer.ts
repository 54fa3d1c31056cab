/**
 * Schema-driven writer: canonical SMP objects → plain JSON-ready objects in one of two documented
 * styles. `snake` (default) is what Meshery and the Go structs write: proto field names, enums as
 * numbers, Timestamps as `{seconds, nanos}`. `camel` is protojson: lowerCamelCase names, enum names,
 * RFC 3339 Timestamps, int64 as strings. Fields at their default are left out, as both writers do.
 * @module
 */
import protobuf from 'protobufjs';
import { camelName } from './names.js';
import { TIMESTAMP_TYPE } from './schema.js';
import { formatRfc3339, type Timestamp } from './timestamp.js';

/** JsonStyle picks the output flavour; both are accepted on input. */
export type JsonStyle = 'snake' | 'camel';

/** WriteOptions tunes writeMessage. */
export interface WriteOptions {
  /** Output flavour; default `snake`. */
  style?: JsonStyle;
  /** Also write fields that hold their default value (`''`, `0`, `false`, `[]`, `{}`). */
  emitDefaults?: boolean;
}

const INT64_TYPES = new Set(['int64', 'uint64', 'sint64', 'fixed64', 'sfixed64']);

/** writeMessage converts one canonical message of `type` into a plain object. */
export function writeMessage(
  type: protobuf.Type,
  message: Record<string, unknown>,
  options: WriteOptions = {},
): Record<string, unknown> {
  const style = options.style ?? 'snake';
  const out: Record<string, unknown> = {};
  for (const field of type.fieldsArray) {
    field.resolve();
    const camel = camelName(field.name);
    const value = message[camel];
    if (value === undefined || (!options.emitDefaults && isDefault(field, value))) continue;
    const key = style === 'snake' ? field.name : camel;
    if (field.map) {
      out[key] = Object.fromEntries(
        Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, writeValue(field, v, options)]),
      );
    } else if (field.repeated) {
      out[key] = (value as unknown[]).map((v) => writeValue(field, v, options));
    } else {
      out[key] = writeValue(field, value, options);
    }
  }
  return out;
}

function isDefault(field: protobuf.Field, value: unknown): boolean {
  if (field.map) return Object.keys(value as object).length === 0;
  if (field.repeated) return (value as unknown[]).length === 0;
  const resolved = field.resolvedType;
  if (resolved instanceof protobuf.Enum) return resolved.values[value as string] === 0;
  if (resolved instanceof protobuf.Type) return false;
  return value === '' || value === 0 || value === false;
}

function writeValue(field: protobuf.Field, value: unknown, options: WriteOptions): unknown {
  const style = options.style ?? 'snake';
  const resolved = field.resolvedType;
  if (resolved instanceof protobuf.Enum) return style === 'snake' ? resolved.values[value as string] : value;
  if (resolved instanceof protobuf.Type) {
    if (resolved.fullName === TIMESTAMP_TYPE) {
      const ts = value as Timestamp;
      if (style === 'camel') return formatRfc3339(ts);
      return { ...(ts.seconds ? { seconds: ts.seconds } : {}), ...(ts.nanos ? { nanos: ts.nanos } : {}) };
    }
    return writeMessage(resolved, value as Record<string, unknown>, options);
  }
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  if (INT64_TYPES.has(field.type) && style === 'camel') return String(value);
  return value;
}
