import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  formatRfc3339,
  parseRfc3339,
  timestampFromDate,
  timestampToDate,
  timestampToMillis,
} from './timestamp.js';

test('parseRfc3339 reads UTC, offsets and up to nine fractional digits', () => {
  assert.deepEqual(parseRfc3339('1970-01-01T00:00:00Z'), { seconds: 0, nanos: 0 });
  assert.deepEqual(parseRfc3339('2024-05-01T12:00:00.5Z'), { seconds: 1714564800, nanos: 500_000_000 });
  assert.deepEqual(parseRfc3339('2024-05-01T14:00:00.000000001+02:00'), { seconds: 1714564800, nanos: 1 });
  assert.deepEqual(parseRfc3339('2024-05-01t07:30:00-04:30'), { seconds: 1714564800, nanos: 0 });
  assert.deepEqual(parseRfc3339('1969-12-31T23:59:59Z'), { seconds: -1, nanos: 0 });
  assert.deepEqual(parseRfc3339('2024-02-29T00:00:00Z'), { seconds: 1709164800, nanos: 0 });
});

test('parseRfc3339 rejects malformed and impossible times', () => {
  for (const bad of [
    '2024-05-01',
    '2024-05-01T12:00:00',
    '2024-13-01T00:00:00Z',
    '2023-02-29T00:00:00Z',
    '2024-04-31T00:00:00Z',
    '2024-05-01T24:00:00Z',
    '2024-05-01T12:00:00.1234567891Z',
    'yesterday',
  ]) {
    assert.equal(parseRfc3339(bad), undefined, bad);
  }
});

test('formatRfc3339 writes protojson style and round-trips', () => {
  assert.equal(formatRfc3339({ seconds: 1714564800, nanos: 0 }), '2024-05-01T12:00:00Z');
  assert.equal(formatRfc3339({ seconds: 1714564800, nanos: 500_000_000 }), '2024-05-01T12:00:00.500Z');
  assert.equal(formatRfc3339({ seconds: 1714564800, nanos: 1_000 }), '2024-05-01T12:00:00.000001Z');
  assert.equal(formatRfc3339({ seconds: 1714564800, nanos: 7 }), '2024-05-01T12:00:00.000000007Z');
  for (const ts of [
    { seconds: 0, nanos: 0 },
    { seconds: -1, nanos: 999_999_999 },
    { seconds: 253402300799, nanos: 1 },
  ]) {
    assert.deepEqual(parseRfc3339(formatRfc3339(ts)), ts);
  }
});

test('Date and epoch-millisecond conversions keep sub-millisecond precision where given', () => {
  assert.deepEqual(timestampFromDate(new Date('2024-05-01T12:00:00.250Z')), {
    seconds: 1714564800,
    nanos: 250_000_000,
  });
  assert.deepEqual(timestampFromDate(1714564800250.5), { seconds: 1714564800, nanos: 250_500_000 });
  assert.deepEqual(timestampFromDate(-1500), { seconds: -2, nanos: 500_000_000 });
  assert.equal(
    timestampToDate({ seconds: 1714564800, nanos: 250_999_999 }).toISOString(),
    '2024-05-01T12:00:00.250Z',
  );
  assert.equal(timestampToMillis({ seconds: 1, nanos: 500_000 }), 1000.5);
});
