/**
 * Codecs for every top-level SMP message: binary protobuf, plain JSON objects, and YAML/JSON text.
 * All of them round-trip through the canonical types of types.ts.
 * @module
 */
import { binaryError } from './errors.js';
import { readMessage } from './reader.js';
import { smpType } from './schema.js';
import { formatText, parseText, type TextFormat } from './text.js';
import type { SmpMessageName, SmpMessages } from './types.js';
import { writeMessage, type WriteOptions } from './writer.js';

/** DecodeOptions names where the input came from, for error messages. */
export interface DecodeOptions {
  source?: string;
}

/** smpFromJson reads an already-parsed JSON/YAML value (either name style) into a canonical message. */
export function smpFromJson<K extends SmpMessageName>(
  name: K,
  value: unknown,
  options: DecodeOptions & { path?: string } = {},
): SmpMessages[K] {
  return readMessage(smpType(name), value, options.path ?? '', options) as unknown as SmpMessages[K];
}

/** smpToJson converts a canonical message into a plain object (`snake` style unless told otherwise). */
export function smpToJson<K extends SmpMessageName>(
  name: K,
  message: SmpMessages[K],
  options: WriteOptions = {},
): Record<string, unknown> {
  return writeMessage(smpType(name), message as unknown as Record<string, unknown>, options);
}

/** encodeSmp writes a canonical message as protobuf binary. */
export function encodeSmp<K extends SmpMessageName>(name: K, message: SmpMessages[K]): Uint8Array {
  const type = smpType(name);
  const plain = writeMessage(type, message as unknown as Record<string, unknown>, { style: 'snake' });
  return type.encode(type.fromObject(plain)).finish();
}

/** decodeSmp reads protobuf binary into a canonical message. Unknown fields are skipped, as protobuf does. */
export function decodeSmp<K extends SmpMessageName>(
  name: K,
  bytes: Uint8Array,
  options: DecodeOptions = {},
): SmpMessages[K] {
  const type = smpType(name);
  let plain: Record<string, unknown>;
  try {
    plain = type.toObject(type.decode(bytes), { longs: String, enums: Number, defaults: false });
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    throw binaryError(`not a protobuf-encoded smp.${name}: ${why}`, options.source, error);
  }
  return readMessage(type, plain, '', options) as unknown as SmpMessages[K];
}

/** parseSmp reads one YAML or JSON document (detected from the text) into a canonical message. */
export function parseSmp<K extends SmpMessageName>(
  name: K,
  text: string,
  options: DecodeOptions = {},
): SmpMessages[K] {
  return smpFromJson(name, parseText(text, options.source).value, options);
}

/** formatSmp writes a canonical message as YAML or JSON text. */
export function formatSmp<K extends SmpMessageName>(
  name: K,
  message: SmpMessages[K],
  format: TextFormat,
  options: WriteOptions = {},
): string {
  return formatText(smpToJson(name, message, options), format);
}
