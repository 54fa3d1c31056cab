import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatMilliQuantity, quantityToMilli, quantityToNumber } from './quantity.js';

test('quantityToMilli reads Kubernetes quantities in thousandths', () => {
  const cases: [string, number | undefined][] = [
    ['500m', 500],
    ['1', 1000],
    ['1500m', 1500],
    ['1.5', 1500],
    ['0', 0],
    ['2k', 2_000_000],
    ['1Ki', 1_024_000],
    ['1e3', 1_000_000],
    ['5E-3', 5],
    ['.5', 500],
    ['+3m', 3],
    ['-1', -1000],
    ['1u', undefined],
    ['0.0005', undefined],
    ['1 m', undefined],
    ['abc', undefined],
    ['', undefined],
  ];
  for (const [text, milli] of cases) assert.equal(quantityToMilli(text), milli, text);
  assert.equal(quantityToNumber('10m'), 0.01);
  assert.equal(quantityToNumber('1Mi'), 1_048_576);
});

test('formatMilliQuantity writes the canonical form', () => {
  assert.deepEqual([0, 1, 500, 1500, 12_000, 2_000_000, 1_500_000, 7_000_000_000].map(formatMilliQuantity), [
    '0',
    '1m',
    '500m',
    '1500m',
    '12',
    '2k',
    '1500',
    '7M',
  ]);
  for (const milli of [1, 999, 1000, 123456, 10_000_000])
    assert.equal(quantityToMilli(formatMilliQuantity(milli)), milli);
});
