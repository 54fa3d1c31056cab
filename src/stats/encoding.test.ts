import assert from 'node:assert/strict';
import { test } from 'node:test';
import { deflateSync } from 'node:zlib';
import * as hdr from 'hdr-histogram-js';
import { decodeHistogram, encodeHistogram, HistogramDecodeError } from './encoding.js';
import { Histogram } from './histogram.js';

function spread(
  h: { recordValue?: (v: number) => void; record?: (v: number) => void },
  n: number,
  seed: number,
): number[] {
  const values: number[] = [];
  let x = seed;
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) % 2147483648;
    const v = Math.max(1, Math.floor(Math.exp((x / 2147483648) * Math.log(2e8))));
    values.push(v);
    if (h.record) h.record(v);
    else h.recordValue!(v);
  }
  return values;
}

const percentiles = [0, 50, 90, 99, 99.9, 99.99, 100];

test('encoded histograms start with the V2 compressed cookie (HISTFAAA)', () => {
  const h = new Histogram();
  spread(h, 1000, 1);
  assert.match(encodeHistogram(h), /^HISTFAAA/);
  assert.match(encodeHistogram(new Histogram()), /^HISTFAAA/);
});

test('our encoding round-trips through our decoder without loss', () => {
  const h = new Histogram();
  spread(h, 20_000, 2);
  h.record(0);
  const back = decodeHistogram(encodeHistogram(h));
  assert.deepEqual(back.counts, h.counts);
  assert.equal(back.totalCount, h.totalCount);
  assert.equal(back.significantDigits, 3);
  assert.equal(back.highestTrackableValue, h.highestTrackableValue);
  for (const p of percentiles) assert.equal(back.valueAtPercentile(p), h.valueAtPercentile(p));
  const empty = decodeHistogram(encodeHistogram(new Histogram()));
  assert.equal(empty.totalCount, 0);
});

test('hdr-histogram-js decodes what we encode: same counts and percentiles', () => {
  const ours = new Histogram();
  spread(ours, 20_000, 3);
  const theirs = hdr.decodeFromCompressedBase64(encodeHistogram(ours), 64);
  assert.equal(theirs.totalCount, ours.totalCount);
  for (const p of percentiles)
    assert.equal(theirs.getValueAtPercentile(p), ours.valueAtPercentile(p), `p${p}`);
  assert.ok(Math.abs(theirs.mean - ours.mean) < 1e-9 * ours.mean);
});

test('we decode what hdr-histogram-js encodes, for other lowest/highest/digits too', () => {
  const layouts = [
    { lowestDiscernibleValue: 1, highestTrackableValue: 3.6e9, numberOfSignificantValueDigits: 3 as const },
    {
      lowestDiscernibleValue: 1000,
      highestTrackableValue: 3.6e12,
      numberOfSignificantValueDigits: 2 as const,
    },
    {
      lowestDiscernibleValue: 1,
      highestTrackableValue: 60_000_000_000,
      numberOfSignificantValueDigits: 4 as const,
    },
    { lowestDiscernibleValue: 1, highestTrackableValue: 2 ** 52, numberOfSignificantValueDigits: 1 as const },
  ];
  for (const [i, layout] of layouts.entries()) {
    const theirs = hdr.build({ ...layout, bitBucketSize: 64, autoResize: false });
    spread(theirs, 5000, 10 + i);
    theirs.recordValueWithCount(123_456, 1_000_000_007); // a count that needs several LEB128 groups
    const ours = decodeHistogram(hdr.encodeIntoCompressedBase64(theirs));
    assert.equal(ours.totalCount, theirs.totalCount, `count, layout ${i}`);
    assert.equal(ours.significantDigits, layout.numberOfSignificantValueDigits);
    for (const p of percentiles) {
      assert.equal(ours.valueAtPercentile(p), theirs.getValueAtPercentile(p), `p${p}, layout ${i}`);
    }
  }
});

test('corrupt inputs are refused with a decode error', () => {
  assert.throws(() => decodeHistogram('not base64 at all!'), HistogramDecodeError);
  assert.throws(() => decodeHistogram(Buffer.from('short').toString('base64')), /too short/);
  const wrongCookie = Buffer.alloc(16);
  wrongCookie.writeInt32BE(0x12345678, 0);
  assert.throws(() => decodeHistogram(wrongCookie.toString('base64')), /cookie is 0x12345678/);
  const badZlib = Buffer.alloc(12);
  badZlib.writeInt32BE(0x1c849314, 0);
  badZlib.writeInt32BE(4, 4);
  assert.throws(() => decodeHistogram(badZlib.toString('base64')), /does not inflate/);
  // A payload that runs past the layout's counts.
  const header = Buffer.alloc(40 + 4);
  header.writeInt32BE(0x1c849313, 0);
  header.writeInt32BE(4, 4);
  header.writeInt32BE(3, 12);
  header.writeBigInt64BE(1n, 16);
  header.writeBigInt64BE(2048n * 4n, 24);
  header.writeDoubleBE(1, 32);
  header.set([0xff, 0xff, 0x03, 0x02], 40); // skip 32768 zeros (beyond the layout), then a count of 1
  const deflated = deflateSync(header);
  const wrapped = Buffer.alloc(8 + deflated.length);
  wrapped.writeInt32BE(0x1c849314, 0);
  wrapped.writeInt32BE(deflated.length, 4);
  deflated.copy(wrapped, 8);
  assert.throws(() => decodeHistogram(wrapped.toString('base64')), /more counts than its layout holds/);
});
