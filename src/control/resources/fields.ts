/** Typed readers for untrusted manifest fields; each failure names the dotted field path. */
import { InvalidInputError } from '../../errors/index.js';

export type Obj = Record<string, unknown>;

/** FieldReader reads fields of one document and prefixes errors with where the document came from. */
export class FieldReader {
  constructor(readonly where: string) {}

  fail(field: string, value: unknown, expected: string, code?: string): never {
    throw new InvalidInputError(field, value, expected, this.where, code);
  }

  object(value: unknown, field: string, optional = false): Obj | undefined {
    if (value === undefined || value === null) {
      if (optional) return undefined;
      this.fail(field, undefined, 'a mapping');
    }
    if (typeof value !== 'object' || Array.isArray(value)) this.fail(field, value, 'a mapping');
    return value as Obj;
  }

  string(value: unknown, field: string, optional = false): string | undefined {
    if (value === undefined || value === null) {
      if (optional) return undefined;
      this.fail(field, undefined, 'a string');
    }
    if (typeof value !== 'string') this.fail(field, value, 'a string (quote numbers and booleans)');
    return value;
  }

  int(value: unknown, field: string, min: number, max: number, fallback?: number, expected?: string): number {
    if ((value === undefined || value === null) && fallback !== undefined) return fallback;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
      this.fail(field, value, expected ?? `an integer from ${min} to ${max}`);
    }
    return value;
  }

  seconds(value: unknown, field: string, fallback: number, min = 0): number {
    if (value === undefined || value === null) return fallback;
    if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > 3600) {
      this.fail(field, value, `a number of seconds from ${min} to 3600`);
    }
    return value;
  }

  stringMap(value: unknown, field: string): Record<string, string> {
    const obj = this.object(value, field, true) ?? {};
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(obj)) out[k] = this.string(v, `${field}.${k}`)!;
    return out;
  }

  dnsLabel(value: unknown, field: string, maxLength = 63): string {
    const s = this.string(value, field)!;
    if (s.length > maxLength || !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(s)) {
      this.fail(
        field,
        value,
        `a DNS label: lower-case letters, digits and '-', starting and ending with a letter or digit, at most ${maxLength} characters`,
      );
    }
    return s;
  }

  knownKeys(obj: Obj, field: string, known: string[]): void {
    for (const key of Object.keys(obj)) {
      if (!known.includes(key))
        this.fail(field ? `${field}.${key}` : key, obj[key], `no such field (known: ${known.join(', ')})`);
    }
  }
}
