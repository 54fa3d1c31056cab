import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as hdr from 'hdr-histogram-js';
import { Histogram } from './histogram.js';

/** A deterministic pseudo-random sequence (mulberry32) so failures reproduce. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Log-spread integers from 1 µs to ~1 h, the shape of real latency data. */
function samples(n: number, seed = 1): number[] {
  const r = random(seed);
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push(Math.max(1, Math.floor(Math.exp(r() * Math.log(3.5e9)))));
  return out;
}

test('the default layout matches HdrHistogram for 1 µs .. 1 h at 3 digits', () => {
  const h = new Histogram();
  assert.equal(h.subBucketCount, 2048);
  assert.equal(h.bucketCount, 22);
  assert.equal(h.countsLength, 23_552);
  const ref = hdr.build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: 3.6e9,
    numberOfSignificantValueDigits: 3,
  });
  const refInternals = ref as unknown as { bucketCount: number; countsArrayLength: number };
  assert.equal(refInternals.bucketCount, h.bucketCount);
  assert.equal(refInternals.countsArrayLength, h.countsLength);
});

test('record puts every value at the same index as the general formula and inside its bucket range', () => {
  const h = new Histogram();
  for (const v of [
    0,
    1,
    2,
    1023,
    1024,
    2047,
    2048,
    2049,
    4095,
    4096,
    1e6,
    2 ** 31 - 1,
    2 ** 31,
    3.6e9 - 1,
    3.6e9,
  ]) {
    h.reset();
    h.record(v);
    const index = h.counts.findIndex((c) => c === 1);
    assert.equal(index, h.indexOf(v), `index of ${v}`);
    assert.ok(h.lowestEquivalentValue(v) <= v && v <= h.highestEquivalentValue(v), `range of ${v}`);
    // Relative error stays within 1/1024 at 3 digits.
    assert.ok(
      h.highestEquivalentValue(v) - h.lowestEquivalentValue(v) <= Math.max(1, v / 1024),
      `precision at ${v}`,
    );
  }
});

test('percentiles, mean and standard deviation agree with hdr-histogram-js on the same samples', () => {
  const values = samples(50_000, 7);
  const ours = new Histogram();
  const theirs = hdr.build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: 3.6e9,
    numberOfSignificantValueDigits: 3,
    bitBucketSize: 64,
  });
  for (const v of values) {
    ours.record(v);
    theirs.recordValue(v);
  }
  assert.equal(ours.totalCount, theirs.totalCount);
  for (const p of [0, 1, 10, 25, 50, 75, 90, 99, 99.9, 99.99, 99.999, 100]) {
    assert.equal(ours.valueAtPercentile(p), theirs.getValueAtPercentile(p), `p${p}`);
  }
  assert.ok(Math.abs(ours.mean - theirs.mean) <= 1e-9 * theirs.mean);
  assert.ok(Math.abs(ours.stdDeviation - theirs.stdDeviation) <= 1e-9 * theirs.stdDeviation);
  assert.equal(ours.min, Math.min(...values));
  assert.equal(ours.max, Math.max(...values));
});

test('percentile() never reports beyond the exact min and max recorded', () => {
  const h = new Histogram();
  h.record(1_000_000);
  assert.equal(h.valueAtPercentile(100), h.highestEquivalentValue(1_000_000));
  assert.ok(h.valueAtPercentile(100) > 1_000_000);
  assert.equal(h.percentile(100), 1_000_000);
  assert.equal(h.percentile(50), 1_000_000);
});

test('merging histograms equals one histogram of all samples', () => {
  const values = samples(30_000, 3);
  const all = new Histogram();
  const parts = [new Histogram(), new Histogram(), new Histogram()];
  values.forEach((v, i) => {
    all.record(v);
    parts[i % 3]!.record(v);
  });
  const merged = new Histogram();
  for (const part of parts) merged.add(part);
  assert.deepEqual(merged.counts, all.counts);
  assert.equal(merged.totalCount, all.totalCount);
  assert.equal(merged.min, all.min);
  assert.equal(merged.max, all.max);
  assert.equal(merged.mean, all.mean);
  assert.deepEqual(merged.percentileSpectrum(), all.percentileSpectrum());
});

test('merging a histogram of another layout re-records its buckets', () => {
  const coarse = new Histogram({ lowest: 1, highest: 1e7, digits: 2 });
  const fine = new Histogram();
  for (const v of [5, 50, 500, 5000, 50_000]) coarse.record(v);
  fine.add(coarse);
  assert.equal(fine.totalCount, 5);
  assert.equal(fine.min, 5);
  assert.equal(fine.max, 50_000);
  assert.ok(Math.abs(fine.percentile(80) - 5000) <= 5000 / 100);
});

test('values above the highest trackable value are clamped and counted', () => {
  const h = new Histogram({ highest: 10_000 });
  h.record(50_000);
  h.record(-3);
  assert.equal(h.clamped, 1);
  assert.equal(h.max, 10_000);
  assert.equal(h.min, 0);
  assert.equal(h.totalCount, 2);
});

test('bad layouts are refused with the field named', () => {
  assert.throws(() => new Histogram({ lowest: 0 }), /lowest is 0; expected an integer >= 1/);
  assert.throws(() => new Histogram({ digits: 6 }), /digits is 6/);
  assert.throws(() => new Histogram({ lowest: 10, highest: 15 }), /highest is 15/);
});

test('the percentile spectrum walks HdrHistogram levels and ends with one 100% row', () => {
  const h = new Histogram();
  for (let v = 1; v <= 1000; v++) h.record(v);
  const rows = h.percentileSpectrum(5);
  assert.deepEqual(
    rows.slice(0, 4).map((r) => r.percentile),
    [0, 10, 20, 30],
  );
  assert.equal(rows.at(-1)!.percentile, 100);
  assert.equal(rows.at(-1)!.totalCount, 1000);
  assert.equal(rows.filter((r) => r.percentile === 100).length, 1);
});
