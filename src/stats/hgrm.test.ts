import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as hdr from 'hdr-histogram-js';
import { Histogram } from './histogram.js';
import { HgrmParseError, parseHgrm, toHgrm } from './hgrm.js';

function filled(): { ours: Histogram; theirs: hdr.Histogram } {
  const ours = new Histogram();
  const theirs = hdr.build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: 3.6e9,
    numberOfSignificantValueDigits: 3,
    bitBucketSize: 64,
  });
  let x = 42;
  for (let i = 0; i < 20_000; i++) {
    x = (x * 69069 + 1) % 4294967296;
    // µs latencies between 50 and 2000, the max below 2048 so every bucket holds exactly one value.
    const v = 50 + (x % 1950);
    ours.record(v);
    theirs.recordValue(v);
  }
  ours.record(2047);
  theirs.recordValue(2047);
  return { ours, theirs };
}

test('the hdr layout is byte-identical to HdrHistogram outputPercentileDistribution', () => {
  const { ours, theirs } = filled();
  const expected = theirs.outputPercentileDistribution(5, 1000);
  assert.equal(toHgrm(ours, { valueScale: 1000, style: 'hdr' }), expected);
  assert.equal(toHgrm(ours, { valueScale: 1, style: 'hdr' }), theirs.outputPercentileDistribution(5, 1));
});

test('the wrk2 layout follows the C library columns, the inf row and the 3-decimal footer', () => {
  const h = new Histogram();
  for (let v = 1; v <= 1000; v++) h.record(v * 1000); // 1 ms .. 1 s in µs
  const text = toHgrm(h, { style: 'wrk2' });
  const lines = text.split('\n');
  assert.equal(lines[0], '       Value   Percentile   TotalCount 1/(1-Percentile)');
  assert.equal(lines[1], '');
  assert.equal(lines[2], '       1.000     0.000000            1         1.00');
  assert.equal(lines[3], '     100.031     0.100000          100         1.11');
  const last = lines.findIndex((l) => l.startsWith('#[Mean'));
  assert.match(lines[last - 1]!, /^\s+1000\.\d{3}\s+1\.000000\s+1000\s+inf$/);
  assert.match(lines[last]!, /^#\[Mean {4}= +\d+\.\d{3}, StdDeviation {3}= +\d+\.\d{3}\]$/);
  assert.equal(lines[last + 1], '#[Max     =      999.936, Total count    =         1000]');
  assert.equal(lines[last + 2], '#[Buckets =           22, SubBuckets     =         2048]');
});

test('parseHgrm reads back both layouts: rows, totals, mean and max', () => {
  const { ours } = filled();
  for (const style of ['hdr', 'wrk2'] as const) {
    const parsed = parseHgrm(toHgrm(ours, { style }));
    const spectrum = ours.percentileSpectrum(5);
    assert.equal(parsed.rows.length, spectrum.length, style);
    parsed.rows.forEach((row, i) => {
      assert.equal(row.totalCount, spectrum[i]!.totalCount);
      assert.ok(Math.abs(row.value - spectrum[i]!.value / 1000) < 0.0005 + 1e-9);
      assert.ok(Math.abs(row.percentile - spectrum[i]!.percentile / 100) < 1e-6);
    });
    assert.equal(parsed.totalCount, ours.totalCount);
    assert.ok(Math.abs(parsed.mean - ours.mean / 1000) < 0.0005 + 1e-9);
    assert.equal(parsed.buckets, 22);
    assert.equal(parsed.subBuckets, 2048);
  }
});

test('a .hgrm round trip through text is stable', () => {
  const { ours } = filled();
  const text = toHgrm(ours);
  const parsed = parseHgrm(text);
  // Rebuild a histogram from the rows (each row's increment at its value) and print it again:
  // the rows' values and counts survive, so the parsed rows of both texts agree.
  const rebuilt = new Histogram();
  let prev = 0;
  for (const row of parsed.rows) {
    rebuilt.recordCount(Math.round(row.value * 1000), row.totalCount - prev);
    prev = row.totalCount;
  }
  const again = parseHgrm(toHgrm(rebuilt));
  assert.equal(again.totalCount, parsed.totalCount);
  assert.equal(again.rows.at(-1)!.value, parsed.rows.at(-1)!.value);
  for (const p of [0.5, 0.9, 0.99]) {
    const a = parsed.rows.find((r) => r.percentile >= p)!;
    const b = again.rows.find((r) => r.percentile >= p)!;
    assert.ok(Math.abs(a.value - b.value) <= 0.002, `p${p}: ${a.value} vs ${b.value}`);
  }
});

test('parseHgrm rejects malformed text with the line number', () => {
  assert.throws(() => parseHgrm('hello'), /line 1: expected the header/);
  const text = toHgrm(filled().ours).split('\n');
  text.splice(5, 0, 'garbage here');
  assert.throws(
    () => parseHgrm(text.join('\n')),
    (e: unknown) => e instanceof HgrmParseError && e.line === 6,
  );
  assert.throws(
    () => parseHgrm('Value Percentile TotalCount 1/(1-Percentile)\n 2.0 0.5 10 2.00\n 1.0 0.6 11 2.50\n'),
    /must not decrease/,
  );
});
