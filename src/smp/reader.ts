/**
 * Schema-driven reader: turns decoded JSON/YAML (or protobufjs plain objects) into the canonical
 * SMP objects of types.ts, checking every field against the proto schema. It accepts both proto
 * (`load_generator`) and JSON (`loadGenerator`) names, enums as numbers or names, int64 as numbers
 * or strings, and Timestamps as `{seconds, nanos}` or RFC 3339 strings. Every rejection names the
 * field path.
 * @module
 */
import protobuf from 'protobufjs';
import { InvalidInputError } from '../errors/index.js';
import { unknownFieldError } from './errors.js';
import { camelName } from './names.js';
import { suggestName } from '../errors/index.js';
import { TIMESTAMP_TYPE } from './schema.js';
import { MAX_TIMESTAMP_SECONDS, MIN_TIMESTAMP_SECONDS, parseRfc3339 } from './timestamp.js';

/** Where a value came from, for error messages. */
export interface ReadContext {
  /** File name or other origin, prefixed to error messages. */
  source?: string;
}

/** Older or informal names accepted for enum values (TRAEFIK_MESH was MAESH before 2020-12). */
const ENUM_ALIASES: Record<string, string> = { MAESH: 'TRAEFIK_MESH' };

const spellings = new WeakMap<object, Map<string, string>>();

/**
 * writtenKey returns the key the input used for a field of a message read by readMessage
 * (`endpoint_urls` or `endpointUrls`), so later checks name the field as the user wrote it.
 */
export function writtenKey(message: object, camel: string, fallback: string): string {
  return spellings.get(message)?.get(camel) ?? fallback;
}

/** typeLabel names a message type for messages, e.g. `PerformanceTestConfig.Client`. */
export function typeLabel(type: protobuf.Type): string {
  return type.fullName.replace(/^\.(smp\.)?/, '');
}

/** joinPath appends a key to a dotted field path. */
export function joinPath(path: string, key: string): string {
  return path ? `${path}.${key}` : key;
}

/** isRecord is true for plain objects (not arrays, not null). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** readMessage reads one message of `type` from `value`; `path` is the field path of `value`. */
export function readMessage(
  type: protobuf.Type,
  value: unknown,
  path: string,
  ctx: ReadContext,
): Record<string, unknown> {
  if (!isRecord(value)) {
    throw new InvalidInputError(path || '(document)', value, `an object (${typeLabel(type)})`, ctx.source);
  }
  const out = defaultMessage(type);
  const spelled = new Map<string, string>();
  for (const [key, raw] of Object.entries(value)) {
    const field = type.fields[key] ?? type.fieldsArray.find((f) => camelName(f.name) === key);
    const fieldPath = joinPath(path, key);
    if (!field) {
      const names = type.fieldsArray.map((f) => (/[A-Z]/.test(key) ? camelName(f.name) : f.name));
      throw unknownFieldError(fieldPath, raw, typeLabel(type), suggestName(key, names), ctx.source);
    }
    const camel = camelName(field.name);
    const earlier = spelled.get(camel);
    if (earlier !== undefined) {
      throw new InvalidInputError(
        fieldPath,
        raw,
        `only one of ${earlier} and ${key} (the same field)`,
        ctx.source,
      );
    }
    spelled.set(camel, key);
    // null means "not set", as in protojson and Go encoding/json.
    if (raw === null) continue;
    out[camel] = readField(field, raw, fieldPath, ctx);
  }
  spellings.set(out, spelled);
  return out;
}

/** defaultMessage builds a message with every scalar, list and map at its proto3 default. */
export function defaultMessage(type: protobuf.Type): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const field of type.fieldsArray) {
    field.resolve();
    const camel = camelName(field.name);
    if (field.map) out[camel] = {};
    else if (field.repeated) out[camel] = [];
    else if (field.resolvedType instanceof protobuf.Enum) out[camel] = field.resolvedType.valuesById[0];
    else if (field.resolvedType instanceof protobuf.Type) continue;
    else out[camel] = scalarDefault(field.type);
  }
  return out;
}

function scalarDefault(protoType: string): unknown {
  if (protoType === 'string') return '';
  if (protoType === 'bool') return false;
  if (protoType === 'bytes') return new Uint8Array();
  return 0;
}

function readField(field: protobuf.Field, raw: unknown, path: string, ctx: ReadContext): unknown {
  if (field.map) {
    if (!isRecord(raw)) throw new InvalidInputError(path, raw, 'a map of key: value pairs', ctx.source);
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(raw)) out[k] = readValue(field, v, `${path}.${k}`, ctx);
    return out;
  }
  if (field.repeated) {
    if (!Array.isArray(raw)) throw new InvalidInputError(path, raw, 'a list', ctx.source);
    return raw.map((v, i) => readValue(field, v, `${path}[${i}]`, ctx));
  }
  return readValue(field, raw, path, ctx);
}

function readValue(field: protobuf.Field, raw: unknown, path: string, ctx: ReadContext): unknown {
  const resolved = field.resolvedType;
  if (resolved instanceof protobuf.Enum) return readEnum(resolved, raw, path, ctx);
  if (resolved instanceof protobuf.Type) {
    return resolved.fullName === TIMESTAMP_TYPE
      ? readTimestamp(resolved, raw, path, ctx)
      : readMessage(resolved, raw, path, ctx);
  }
  return readScalar(field.type, raw, path, ctx);
}

/** enumPrefix is the `PREFIX_` every value name shares (`PROTOCOL_`), or ''. */
function enumPrefix(names: string[]): string {
  const first = names[0] ?? '';
  const cut = first.indexOf('_');
  const prefix = cut > 0 ? first.slice(0, cut + 1) : '';
  return prefix && names.every((n) => n.startsWith(prefix)) ? prefix : '';
}

/** lookupEnumName resolves a written enum value (`1`, `PROTOCOL_HTTP`, `HTTP`, `http`, `traefik-mesh`). */
export function lookupEnumName(e: protobuf.Enum, raw: unknown): string | undefined {
  if (typeof raw === 'number') return Number.isInteger(raw) ? e.valuesById[raw] : undefined;
  if (typeof raw !== 'string') return undefined;
  if (/^\d+$/.test(raw.trim())) return e.valuesById[Number(raw)];
  const names = Object.keys(e.values);
  const wanted = raw
    .trim()
    .toUpperCase()
    .replace(/[\s-]+/g, '_');
  const prefix = enumPrefix(names);
  for (const candidate of [wanted, prefix + wanted, ENUM_ALIASES[wanted]]) {
    if (candidate !== undefined && candidate in e.values) return candidate;
  }
  return undefined;
}

function readEnum(e: protobuf.Enum, raw: unknown, path: string, ctx: ReadContext): string {
  const name = lookupEnumName(e, raw);
  if (name !== undefined) return name;
  const choices = Object.entries(e.values).map(([n, v]) => `${n} (${v})`);
  throw new InvalidInputError(path, raw, `one of ${choices.join(', ')}`, ctx.source);
}

function readTimestamp(type: protobuf.Type, raw: unknown, path: string, ctx: ReadContext): unknown {
  const expected = 'an RFC 3339 time such as "2024-05-01T12:00:00Z" or {seconds, nanos}';
  if (typeof raw === 'string') {
    const ts = parseRfc3339(raw);
    if (!ts) throw new InvalidInputError(path, raw, expected, ctx.source);
    return ts;
  }
  if (!isRecord(raw)) throw new InvalidInputError(path, raw, expected, ctx.source);
  const ts = readMessage(type, raw, path, ctx) as { seconds: number; nanos: number };
  if (ts.nanos < 0 || ts.nanos > 999_999_999) {
    throw new InvalidInputError(joinPath(path, 'nanos'), ts.nanos, 'an integer 0..999999999', ctx.source);
  }
  if (ts.seconds < MIN_TIMESTAMP_SECONDS || ts.seconds > MAX_TIMESTAMP_SECONDS) {
    throw new InvalidInputError(joinPath(path, 'seconds'), ts.seconds, 'a time in years 1..9999', ctx.source);
  }
  return { seconds: ts.seconds, nanos: ts.nanos };
}

const INT_RANGES: Record<string, [number, number]> = {
  int32: [-(2 ** 31), 2 ** 31 - 1],
  sint32: [-(2 ** 31), 2 ** 31 - 1],
  sfixed32: [-(2 ** 31), 2 ** 31 - 1],
  uint32: [0, 2 ** 32 - 1],
  fixed32: [0, 2 ** 32 - 1],
  int64: [-Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
  sint64: [-Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
  sfixed64: [-Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
  uint64: [0, Number.MAX_SAFE_INTEGER],
  fixed64: [0, Number.MAX_SAFE_INTEGER],
};

function readScalar(protoType: string, raw: unknown, path: string, ctx: ReadContext): unknown {
  const range = INT_RANGES[protoType];
  if (range) {
    // Go and protojson writers put 64-bit integers in strings; accept that for every integer type.
    const n = typeof raw === 'string' && /^\s*-?\d+\s*$/.test(raw) ? Number(raw) : raw;
    if (typeof n !== 'number' || !Number.isInteger(n) || n < range[0] || n > range[1]) {
      throw new InvalidInputError(
        path,
        raw,
        `an integer in ${range[0]}..${range[1]} (${protoType})`,
        ctx.source,
      );
    }
    return n;
  }
  switch (protoType) {
    case 'string':
      if (typeof raw === 'string') return raw;
      throw new InvalidInputError(
        path,
        raw,
        typeof raw === 'number' || typeof raw === 'boolean' ? 'a string (quote it in YAML)' : 'a string',
        ctx.source,
      );
    case 'bool':
      if (typeof raw === 'boolean') return raw;
      throw new InvalidInputError(path, raw, 'true or false', ctx.source);
    case 'double':
    case 'float': {
      if (typeof raw === 'number') return raw;
      if (typeof raw === 'string') {
        if (raw === 'NaN') return NaN;
        if (raw === 'Infinity') return Infinity;
        if (raw === '-Infinity') return -Infinity;
        if (raw.trim() !== '' && Number.isFinite(Number(raw))) return Number(raw);
      }
      throw new InvalidInputError(path, raw, 'a number', ctx.source);
    }
    default:
      throw new InvalidInputError(
        path,
        raw,
        `a value of proto type ${protoType} (not supported)`,
        ctx.source,
      );
  }
}
