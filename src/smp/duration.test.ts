import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InvalidInputError } from '../errors/index.js';
import { formatGoDuration, parseGoDuration } from './duration.js';

const S = 1_000_000_000;

test('parseGoDuration reads Go time.ParseDuration syntax into nanoseconds', () => {
  const cases: [string, number][] = [
    ['0', 0],
    ['0s', 0],
    ['30s', 30 * S],
    ['300ms', 300_000_000],
    ['1.5h', 5400 * S],
    ['1h2m3.5s', 3723.5 * S],
    ['2m', 120 * S],
    ['10us', 10_000],
    ['10µs', 10_000],
    ['10μs', 10_000],
    ['7ns', 7],
    ['.5s', S / 2],
    ['5.s', 5 * S],
    ['+1s', S],
    ['1h1h', 7200 * S],
    ['1.0000000005s', S], // Go truncates fractional nanoseconds
  ];
  for (const [text, nanos] of cases) assert.equal(parseGoDuration(text), nanos, text);
});

test('parseGoDuration rejects what Go rejects, negatives and huge values, naming the field', () => {
  for (const bad of ['', '10x', '10', 's', '.s', '1.5.5s', ' 1s', '1s ', '1 s', '-1s', '-0', 'ms1', '1e3s']) {
    assert.throws(
      () => parseGoDuration(bad, 'test.duration', 'f.yaml'),
      (e: unknown) =>
        e instanceof InvalidInputError && e.field === 'test.duration' && e.message.startsWith('f.yaml: '),
      JSON.stringify(bad),
    );
  }
  assert.throws(() => parseGoDuration('3000h'), /at most 2501h59m58s/);
  assert.equal(parseGoDuration('2501h'), 2501 * 3600 * S);
});

test('formatGoDuration writes what Go Duration.String writes', () => {
  const cases: [number, string][] = [
    [0, '0s'],
    [1, '1ns'],
    [1500, '1.5µs'],
    [300_000_000, '300ms'],
    [1_500_000, '1.5ms'],
    [S, '1s'],
    [1.5 * S, '1.5s'],
    [90 * S, '1m30s'],
    [3600 * S, '1h0m0s'],
    [3723.5 * S, '1h2m3.5s'],
    [5400 * S, '1h30m0s'],
    [-30 * S, '-30s'],
    [61 * S + 1, '1m1.000000001s'],
  ];
  for (const [nanos, text] of cases) assert.equal(formatGoDuration(nanos), text, String(nanos));
});

test('formatGoDuration and parseGoDuration round-trip', () => {
  for (const nanos of [1, 999, 1000, 123_456_789, 59 * S, 3599 * S + 999_999_999, 100 * 3600 * S + 7]) {
    assert.equal(parseGoDuration(formatGoDuration(nanos)), nanos);
  }
});
