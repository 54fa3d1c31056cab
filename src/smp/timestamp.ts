/**
 * `google.protobuf.Timestamp` in the SMP model: `{seconds, nanos}` since the Unix epoch (UTC),
 * read from either that object form (Go `encoding/json`) or an RFC 3339 string (protojson).
 * @module
 */

/** Timestamp is a point in time with nanosecond precision, as in `google.protobuf.Timestamp`. */
export interface Timestamp {
  /** Whole seconds since 1970-01-01T00:00:00Z; may be negative. */
  seconds: number;
  /** Nanoseconds within the second, 0..999 999 999. */
  nanos: number;
}

/** Timestamp's valid range, 0001-01-01T00:00:00Z .. 9999-12-31T23:59:59.999999999Z. */
export const MIN_TIMESTAMP_SECONDS = -62_135_596_800;
export const MAX_TIMESTAMP_SECONDS = 253_402_300_799;

const RFC3339 =
  /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:([Zz])|([+-])(\d{2}):(\d{2}))$/;

/** parseRfc3339 reads an RFC 3339 date-time into a Timestamp, or returns undefined if it is not one. */
export function parseRfc3339(text: string): Timestamp | undefined {
  const m = RFC3339.exec(text);
  if (!m) return undefined;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  if (month < 1 || month > 12 || hour > 23 || minute > 59 || second > 59) return undefined;
  const daysInMonth = new Date(Date.UTC(2000, month, 0)).getUTCDate() + (month === 2 ? leapDay(year) - 1 : 0);
  if (day < 1 || day > daysInMonth) return undefined;
  const utc = new Date(0);
  utc.setUTCFullYear(year, month - 1, day);
  utc.setUTCHours(hour, minute, second, 0);
  let seconds = Math.floor(utc.getTime() / 1000);
  if (m[9] !== undefined) {
    const offset = (Number(m[10]) * 60 + Number(m[11])) * 60;
    if (Number(m[10]) > 23 || Number(m[11]) > 59) return undefined;
    seconds -= m[9] === '+' ? offset : -offset;
  }
  const nanos = m[7] ? Number(m[7].padEnd(9, '0')) : 0;
  if (seconds < MIN_TIMESTAMP_SECONDS || seconds > MAX_TIMESTAMP_SECONDS) return undefined;
  return { seconds, nanos };
}

function leapDay(year: number): number {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 1 : 0;
}

/**
 * formatRfc3339 writes a Timestamp the way protojson does: UTC with a `Z`, and 0, 3, 6 or 9
 * fractional digits.
 */
export function formatRfc3339(ts: Timestamp): string {
  const date = new Date(ts.seconds * 1000);
  const base = date.toISOString().replace(/\.\d{3}Z$/, '');
  if (ts.nanos === 0) return `${base}Z`;
  const digits = ts.nanos % 1_000_000 === 0 ? 3 : ts.nanos % 1_000 === 0 ? 6 : 9;
  return `${base}.${String(ts.nanos).padStart(9, '0').slice(0, digits)}Z`;
}

/** timestampFromDate converts a Date or epoch milliseconds (fractions keep sub-millisecond precision). */
export function timestampFromDate(time: Date | number): Timestamp {
  const ms = typeof time === 'number' ? time : time.getTime();
  const seconds = Math.floor(ms / 1000);
  const nanos = Math.round((ms - seconds * 1000) * 1_000_000);
  return nanos >= 1_000_000_000 ? { seconds: seconds + 1, nanos: 0 } : { seconds, nanos };
}

/** timestampToDate converts to a Date (millisecond precision; the nanoseconds below that are dropped). */
export function timestampToDate(ts: Timestamp): Date {
  return new Date(ts.seconds * 1000 + Math.floor(ts.nanos / 1_000_000));
}

/** timestampToMillis converts to epoch milliseconds, keeping sub-millisecond precision as a fraction. */
export function timestampToMillis(ts: Timestamp): number {
  return ts.seconds * 1000 + ts.nanos / 1_000_000;
}
