/**
 * Validation of request headers and cookies given in any of the shapes RunOptions accepts (a map,
 * [name, value] pairs, or "Name: value" / "name=value" strings), with the field named on error.
 * @module
 */
import { InvalidInputError } from '../errors/index.js';
import type { RunOptions } from './options.js';

/** tokenPattern matches an HTTP token (RFC 9110): header names, cookie names, methods. */
export const tokenPattern = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const forbiddenHeaders = new Set([
  'content-length',
  'transfer-encoding',
  'connection',
  'upgrade',
  'te',
  'trailer',
]);

function checkHeader(name: string, value: string, field: string, source?: string): [string, string] {
  if (!tokenPattern.test(name)) {
    throw new InvalidInputError(
      field,
      name,
      'a header name made of token characters (letters, digits, -)',
      source,
    );
  }
  if (forbiddenHeaders.has(name.toLowerCase())) {
    throw new InvalidInputError(
      field,
      name,
      'a header other than Content-Length, Transfer-Encoding, Connection, Upgrade, TE or Trailer (the client sets those)',
      source,
    );
  }
  if (/[\r\n\0]/.test(value))
    throw new InvalidInputError(`${field}.${name}`, value, 'a value without line breaks', source);
  return [name, value.trim()];
}

export function toHeaders(
  value: RunOptions['headers'],
  field: string,
  source?: string,
): Array<[string, string]> {
  if (value === undefined || value === null) return [];
  const out: Array<[string, string]> = [];
  if (Array.isArray(value)) {
    value.forEach((entry: unknown, i) => {
      if (typeof entry === 'string') {
        const colon = entry.indexOf(':');
        if (colon <= 0)
          throw new InvalidInputError(`${field}[${i}]`, entry, 'a header in the form "Name: value"', source);
        out.push(checkHeader(entry.slice(0, colon).trim(), entry.slice(colon + 1), `${field}[${i}]`, source));
      } else if (
        Array.isArray(entry) &&
        entry.length === 2 &&
        typeof entry[0] === 'string' &&
        typeof entry[1] === 'string'
      ) {
        out.push(checkHeader(entry[0], entry[1], `${field}[${i}]`, source));
      } else {
        throw new InvalidInputError(
          `${field}[${i}]`,
          entry,
          'a "Name: value" string or a [name, value] pair',
          source,
        );
      }
    });
    return out;
  }
  if (typeof value !== 'object')
    throw new InvalidInputError(field, value, 'a map of header names to values', source);
  for (const [name, v] of Object.entries(value)) {
    for (const one of Array.isArray(v) ? v : [v]) {
      if (typeof one !== 'string') throw new InvalidInputError(`${field}.${name}`, one, 'a string', source);
      out.push(checkHeader(name, one, field, source));
    }
  }
  return out;
}

const cookieNamePattern = tokenPattern;
const cookieValuePattern =
  /^[\x21\x23-\x2b\x2d-\x3a\x3c-\x5b\x5d-\x7e]*$|^"[\x21\x23-\x2b\x2d-\x3a\x3c-\x5b\x5d-\x7e]*"$/;

function checkCookie(name: string, value: string, field: string, source?: string): [string, string] {
  if (!cookieNamePattern.test(name))
    throw new InvalidInputError(field, name, 'a cookie name made of token characters', source);
  if (!cookieValuePattern.test(value)) {
    throw new InvalidInputError(
      `${field}.${name}`,
      value,
      'a cookie value without spaces, commas, semicolons or backslashes',
      source,
    );
  }
  return [name, value];
}

export function toCookies(
  value: RunOptions['cookies'],
  field: string,
  source?: string,
): Array<[string, string]> {
  if (value === undefined || value === null) return [];
  const out: Array<[string, string]> = [];
  if (Array.isArray(value)) {
    value.forEach((entry: unknown, i) => {
      if (typeof entry === 'string') {
        for (const piece of entry.split(';')) {
          if (piece.trim() === '') continue;
          const eq = piece.indexOf('=');
          if (eq <= 0)
            throw new InvalidInputError(`${field}[${i}]`, entry, 'cookies in the form "name=value"', source);
          out.push(
            checkCookie(piece.slice(0, eq).trim(), piece.slice(eq + 1).trim(), `${field}[${i}]`, source),
          );
        }
      } else if (
        Array.isArray(entry) &&
        entry.length === 2 &&
        typeof entry[0] === 'string' &&
        typeof entry[1] === 'string'
      ) {
        out.push(checkCookie(entry[0], entry[1], `${field}[${i}]`, source));
      } else {
        throw new InvalidInputError(
          `${field}[${i}]`,
          entry,
          'a "name=value" string or a [name, value] pair',
          source,
        );
      }
    });
    return out;
  }
  if (typeof value !== 'object')
    throw new InvalidInputError(field, value, 'a map of cookie names to values', source);
  for (const [name, v] of Object.entries(value)) {
    if (typeof v !== 'string') throw new InvalidInputError(`${field}.${name}`, v, 'a string', source);
    out.push(checkCookie(name, v, field, source));
  }
  return out;
}
