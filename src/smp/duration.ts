/**
 * Go `time.Duration` text: a parser with Go's `time.ParseDuration` grammar and a formatter with
 * Go's `Duration.String` output, both on integer nanoseconds.
 * @module
 */
import { InvalidInputError } from '../errors/index.js';

const UNIT_NANOS: Record<string, bigint> = {
  ns: 1n,
  us: 1_000n,
  µs: 1_000n, // U+00B5 MICRO SIGN
  μs: 1_000n, // U+03BC GREEK SMALL LETTER MU
  ms: 1_000_000n,
  s: 1_000_000_000n,
  m: 60_000_000_000n,
  h: 3_600_000_000_000n,
};

const EXPECTED =
  'a Go duration such as "30s", "1h2m3.5s" or "300ms" (units ns, us, ms, s, m, h; not negative)';

/**
 * parseGoDuration reads a duration the way Go's `time.ParseDuration` does and returns integer
 * nanoseconds. Differences from Go, on purpose: a leading `-` is rejected (a test cannot run for
 * a negative time), and results above 2^53 ns (about 104 days) are rejected so the value stays an
 * exact JavaScript number.
 * @throws InvalidInputError naming `field`
 */
export function parseGoDuration(text: string, field = 'duration', source?: string): number {
  const fail = (why = EXPECTED) => new InvalidInputError(field, text, why, source);
  if (typeof text !== 'string') throw fail();
  let s = text;
  if (s.startsWith('-')) throw fail('a duration that is not negative, such as "30s"');
  if (s.startsWith('+')) s = s.slice(1);
  if (s === '0') return 0;
  if (s === '') throw fail();
  let total = 0n;
  const component = /^([0-9]*)(?:\.([0-9]*))?([^0-9.]+)/;
  while (s !== '') {
    const m = component.exec(s);
    if (!m) throw fail();
    const [whole, intPart = '', fracPart, unit = ''] = m;
    if (intPart === '' && (fracPart === undefined || fracPart === '')) throw fail();
    const unitNanos = UNIT_NANOS[unit];
    if (unitNanos === undefined) throw fail(`a Go duration with units ns, us, ms, s, m or h (not "${unit}")`);
    let nanos = BigInt(intPart || '0') * unitNanos;
    if (fracPart) {
      // Go truncates fractional nanoseconds; so do we.
      nanos += (BigInt(fracPart) * unitNanos) / 10n ** BigInt(fracPart.length);
    }
    total += nanos;
    s = s.slice(whole.length);
  }
  if (total > BigInt(Number.MAX_SAFE_INTEGER)) throw fail('a duration of at most 2501h59m58s');
  return Number(total);
}

/**
 * formatGoDuration writes nanoseconds as Go's `Duration.String` does: "1h0m0s", "1m30s",
 * "1.5s", "300ms", "1.5µs", "0s".
 */
export function formatGoDuration(nanos: number): string {
  if (!Number.isSafeInteger(nanos)) throw new RangeError(`formatGoDuration: ${nanos} is not an integer`);
  if (nanos === 0) return '0s';
  const sign = nanos < 0 ? '-' : '';
  let n = Math.abs(nanos);
  if (n < 1_000_000_000) {
    const [unit, scale] = n < 1_000 ? ['ns', 1] : n < 1_000_000 ? ['µs', 1_000] : ['ms', 1_000_000];
    return `${sign}${decimal(n, scale)}${unit}`;
  }
  const hours = Math.floor(n / 3_600_000_000_000);
  n -= hours * 3_600_000_000_000;
  const minutes = Math.floor(n / 60_000_000_000);
  n -= minutes * 60_000_000_000;
  const seconds = `${decimal(n, 1_000_000_000)}s`;
  if (hours > 0) return `${sign}${hours}h${minutes}m${seconds}`;
  if (minutes > 0) return `${sign}${minutes}m${seconds}`;
  return `${sign}${seconds}`;
}

/** decimal prints value/scale exactly, without trailing zeros (scale is a power of ten). */
function decimal(value: number, scale: number): string {
  const whole = Math.floor(value / scale);
  const frac = value % scale;
  if (frac === 0) return String(whole);
  const digits = String(scale).length - 1;
  return `${whole}.${String(frac).padStart(digits, '0').replace(/0+$/, '')}`;
}
