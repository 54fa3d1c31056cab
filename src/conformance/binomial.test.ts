// The binomial maths behind the weighted-split checks: exact pmf, the α-interval, and that the
// request counts the suite uses reject a wrong split while a correct one passes.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { acceptanceInterval, acceptanceProbability, binomialPmf, requiredRequests } from './binomial.js';
import { SPLIT_CHECK_ALPHA, SPLIT_REQUESTS } from './suites/index.js';

test('binomialPmf is exact for small n and sums to 1 for large n', () => {
  const pmf = binomialPmf(10, 0.5);
  assert.equal(pmf.length, 11);
  assert.ok(Math.abs(pmf[5]! - 252 / 1024) < 1e-15);
  assert.ok(Math.abs(pmf[0]! - 1 / 1024) < 1e-15);
  const big = binomialPmf(900, 2 / 3);
  assert.ok(Math.abs(big.reduce((a, b) => a + b, 0) - 1) < 1e-9);
  assert.deepEqual(binomialPmf(3, 0), [1, 0, 0, 0]);
  assert.deepEqual(binomialPmf(3, 1), [0, 0, 0, 1]);
  assert.throws(() => binomialPmf(-1, 0.5), RangeError);
  assert.throws(() => binomialPmf(3, 1.5), RangeError);
});

test('acceptanceInterval holds X with probability ≥ 1 − α, with tails of at most α/2 each', () => {
  for (const [n, p] of [
    [50, 0.5],
    [400, 0.75],
    [900, 1 / 3],
  ] as const) {
    const alpha = 1e-3;
    const i = acceptanceInterval(n, p, alpha);
    const pmf = binomialPmf(n, p);
    const below = pmf.slice(0, i.lo).reduce((a, b) => a + b, 0);
    const above = pmf.slice(i.hi + 1).reduce((a, b) => a + b, 0);
    assert.ok(below <= alpha / 2 && above <= alpha / 2, `${n} ${p}`);
    // The interval is the tightest one: one more count on either side breaks the bound.
    assert.ok(below + pmf[i.lo]! > alpha / 2);
    assert.ok(above + pmf[i.hi]! > alpha / 2);
    assert.ok(1 - acceptanceProbability(i, p) <= alpha);
  }
  // Symmetry: the interval of 1 − p mirrors the interval of p.
  const a = acceptanceInterval(400, 0.75, 1e-6);
  const b = acceptanceInterval(400, 0.25, 1e-6);
  assert.deepEqual([b.lo, b.hi], [400 - a.hi, 400 - a.lo]);
});

test('the suite sizes split checks so a correct mesh fails < 1e-6 and a wrong split is caught', () => {
  assert.equal(SPLIT_CHECK_ALPHA, 1e-6);
  // 75/25 against a mesh that ignores weights (50/50).
  const weighted = acceptanceInterval(SPLIT_REQUESTS.weighted, 0.75, SPLIT_CHECK_ALPHA);
  assert.deepEqual([weighted.n, weighted.lo, weighted.hi], [400, 256, 340]);
  assert.ok(1 - acceptanceProbability(weighted, 0.75) < 1e-6);
  assert.ok(acceptanceProbability(weighted, 0.5) < 1e-6);
  assert.ok(requiredRequests(0.75, 0.5, 1e-6, 1e-6) <= SPLIT_REQUESTS.weighted);
  // 1000/500 (2:1) against a mesh that treats weights as capped percentages (50/50).
  const relative = acceptanceInterval(SPLIT_REQUESTS.relative, 2 / 3, SPLIT_CHECK_ALPHA);
  assert.deepEqual([relative.n, relative.lo, relative.hi], [900, 530, 668]);
  assert.ok(1 - acceptanceProbability(relative, 2 / 3) < 1e-6);
  assert.ok(acceptanceProbability(relative, 0.5) < 1e-6);
  assert.ok(requiredRequests(2 / 3, 0.5, 1e-6, 1e-6) <= SPLIT_REQUESTS.relative);
  // The original check (b > c over 50 requests) passes a 50/50 mesh almost half the time.
  const pmf = binomialPmf(50, 0.5);
  const bGreater = pmf.slice(26).reduce((x, y) => x + y, 0);
  assert.ok(bGreater > 0.44 && bGreater < 0.45);
});
