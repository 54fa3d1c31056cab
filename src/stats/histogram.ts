/**
 * Histogram: a log-linear recorder of non-negative integers with HdrHistogram's exact layout
 * (same bucket/sub-bucket indexing, so counts arrays, merges and the V2 encoding interoperate with
 * the Java, C, Go, Rust and JS ports). Hot path: `record` is a few integer operations and one
 * typed-array increment; no object is allocated per sample.
 *
 * Layout (d = significant digits, unit = 2^floor(log2(lowest))):
 *
 *   subBucketCount = 2^ceil(log2(2·10^d))           (2048 for d = 3)
 *   bucket 0   covers [0, subBucketCount)·unit       at resolution unit
 *   bucket k   covers [half·2^k, count·2^k)·unit     at resolution 2^k·unit   (upper half only)
 *   index      = (k + 1)·half + subBucket − half      (bucket 0 uses both halves)
 *
 * Algorithm and layout credit: Gil Tene's HdrHistogram (public domain).
 * @module
 */

/** Options of a Histogram; the defaults cover 1 µs .. 1 h at 3 significant digits. */
export interface HistogramOptions {
  /** Smallest value told apart from 0 (≥ 1); rounded down to a power of two internally. Default 1. */
  lowest?: number;
  /** Largest value tracked; larger values are clamped to it and counted in `clamped`. Default 3.6e9. */
  highest?: number;
  /** Significant decimal digits kept at every magnitude, 0..5. Default 3. */
  digits?: number;
}

/** One row of a percentile spectrum (HdrHistogram's percentile iteration). */
export interface PercentileRow {
  /** Highest value equivalent to the bucket the percentile falls in. */
  value: number;
  /** Percentile level, 0..100. */
  percentile: number;
  /** Count of values at or below `value`. */
  totalCount: number;
}

export const DEFAULT_LOWEST = 1;
export const DEFAULT_HIGHEST = 3_600_000_000;
export const DEFAULT_DIGITS = 3;

const TWO_POW_32 = 4294967296;

/** clz64 returns the leading zero count of a non-negative integer below 2^53 seen as a 64-bit word. */
function clz64(x: number): number {
  const hi = Math.floor(x / TWO_POW_32);
  return hi > 0 ? Math.clz32(hi) : 32 + Math.clz32(x >>> 0);
}

/** Histogram records integer values (latency in µs, sizes in bytes) without loss beyond its precision. */
export class Histogram {
  readonly lowestDiscernibleValue: number;
  readonly highestTrackableValue: number;
  readonly significantDigits: number;
  readonly unitMagnitude: number;
  readonly subBucketHalfCountMagnitude: number;
  readonly subBucketCount: number;
  readonly subBucketHalfCount: number;
  readonly subBucketMask: number;
  readonly bucketCount: number;
  readonly countsLength: number;
  /** Counts per index, in HdrHistogram's order. */
  readonly counts: Float64Array;
  /** Number of values recorded. */
  totalCount = 0;
  /** Values above `highestTrackableValue` that were recorded as that value. */
  clamped = 0;
  private minRecorded = Number.POSITIVE_INFINITY;
  private maxRecorded = 0;
  /** leadingZeroCountBase − 32: the bucket index of a value below 2^32 is this minus clz32(value | mask). */
  private readonly lzBase32: number;
  /** Values below this use the 32-bit fast path. */
  private readonly fastLimit: number;

  constructor(options: HistogramOptions = {}) {
    const lowest = options.lowest ?? DEFAULT_LOWEST;
    const digits = options.digits ?? DEFAULT_DIGITS;
    let highest = options.highest ?? DEFAULT_HIGHEST;
    if (!Number.isInteger(lowest) || lowest < 1) {
      throw new RangeError(`histogram lowest is ${lowest}; expected an integer >= 1`);
    }
    if (!Number.isInteger(digits) || digits < 0 || digits > 5) {
      throw new RangeError(`histogram digits is ${digits}; expected an integer from 0 to 5`);
    }
    if (!(highest >= 2 * lowest)) {
      throw new RangeError(`histogram highest is ${highest}; expected at least 2 × lowest (${2 * lowest})`);
    }
    highest = Math.min(Math.floor(highest), Number.MAX_SAFE_INTEGER);
    this.lowestDiscernibleValue = lowest;
    this.significantDigits = digits;
    const largestWithSingleUnitResolution = 2 * Math.pow(10, digits);
    this.unitMagnitude = Math.floor(Math.log2(lowest));
    const subBucketCountMagnitude = Math.ceil(Math.log2(largestWithSingleUnitResolution));
    this.subBucketHalfCountMagnitude = (subBucketCountMagnitude > 1 ? subBucketCountMagnitude : 1) - 1;
    this.subBucketCount = Math.pow(2, this.subBucketHalfCountMagnitude + 1);
    this.subBucketHalfCount = this.subBucketCount / 2;
    this.subBucketMask = (this.subBucketCount - 1) * Math.pow(2, this.unitMagnitude);
    this.bucketCount = this.bucketsNeededFor(highest);
    this.countsLength = (this.bucketCount + 1) * this.subBucketHalfCount;
    this.highestTrackableValue = highest;
    this.counts = new Float64Array(this.countsLength);
    this.lzBase32 = 31 - this.unitMagnitude - this.subBucketHalfCountMagnitude;
    this.fastLimit = this.subBucketMask < TWO_POW_32 ? TWO_POW_32 : 0;
  }

  private bucketsNeededFor(value: number): number {
    let smallestUntrackable = this.subBucketCount * Math.pow(2, this.unitMagnitude);
    let buckets = 1;
    while (smallestUntrackable <= value) {
      if (smallestUntrackable > Number.MAX_SAFE_INTEGER / 2) return buckets + 1;
      smallestUntrackable *= 2;
      buckets++;
    }
    return buckets;
  }

  /** record counts one value (a non-negative integer; negative and NaN count as 0, too large is clamped). */
  record(value: number): void {
    let v = value;
    if (v > this.highestTrackableValue) {
      v = this.highestTrackableValue;
      this.clamped++;
    } else if (!(v >= 0)) {
      v = 0;
    }
    let index: number;
    if (v < this.fastLimit) {
      const bucket = this.lzBase32 - Math.clz32(v | this.subBucketMask);
      index =
        ((bucket + 1) << this.subBucketHalfCountMagnitude) +
        (v >>> (bucket + this.unitMagnitude)) -
        this.subBucketHalfCount;
    } else {
      index = this.indexOf(v);
    }
    this.counts[index]++;
    this.totalCount++;
    if (v > this.maxRecorded) this.maxRecorded = v;
    if (v < this.minRecorded) this.minRecorded = v;
  }

  /** recordCount counts `count` occurrences of one value. */
  recordCount(value: number, count: number): void {
    if (!(count > 0)) return;
    let v = value;
    if (v > this.highestTrackableValue) {
      v = this.highestTrackableValue;
      this.clamped += count;
    } else if (!(v >= 0)) {
      v = 0;
    }
    this.counts[this.indexOf(v)]! += count;
    this.totalCount += count;
    if (v > this.maxRecorded) this.maxRecorded = v;
    if (v < this.minRecorded) this.minRecorded = v;
  }

  /** bucketIndexOf returns the bucket of a value (general path, any value below 2^53). */
  private bucketIndexOf(v: number): number {
    const masked = v > this.subBucketMask ? v : this.subBucketMask;
    return 64 - this.unitMagnitude - this.subBucketHalfCountMagnitude - 1 - clz64(masked);
  }

  /** indexOf returns the counts index of a value within the tracked range. */
  indexOf(value: number): number {
    const bucket = this.bucketIndexOf(value);
    const subBucket = Math.floor(value / Math.pow(2, bucket + this.unitMagnitude));
    return (bucket + 1) * this.subBucketHalfCount + subBucket - this.subBucketHalfCount;
  }

  /** valueFromIndex returns the lowest value counted at an index. */
  valueFromIndex(index: number): number {
    let bucket = Math.floor(index / this.subBucketHalfCount) - 1;
    let subBucket = (index % this.subBucketHalfCount) + this.subBucketHalfCount;
    if (bucket < 0) {
      subBucket -= this.subBucketHalfCount;
      bucket = 0;
    }
    return subBucket * Math.pow(2, bucket + this.unitMagnitude);
  }

  /** sizeOfEquivalentRange returns how many integers share a value's bucket. */
  sizeOfEquivalentRange(value: number): number {
    const bucket = this.bucketIndexOf(value);
    const subBucket = Math.floor(value / Math.pow(2, bucket + this.unitMagnitude));
    return Math.pow(2, this.unitMagnitude + (subBucket >= this.subBucketCount ? bucket + 1 : bucket));
  }

  /** lowestEquivalentValue returns the smallest value counted together with `value`. */
  lowestEquivalentValue(value: number): number {
    const bucket = this.bucketIndexOf(value);
    const subBucket = Math.floor(value / Math.pow(2, bucket + this.unitMagnitude));
    return subBucket * Math.pow(2, bucket + this.unitMagnitude);
  }

  /** highestEquivalentValue returns the largest value counted together with `value`. */
  highestEquivalentValue(value: number): number {
    return this.lowestEquivalentValue(value) + this.sizeOfEquivalentRange(value) - 1;
  }

  /** medianEquivalentValue returns the middle (rounded up) of the values counted together with `value`. */
  medianEquivalentValue(value: number): number {
    return this.lowestEquivalentValue(value) + Math.floor(this.sizeOfEquivalentRange(value) / 2);
  }

  /** min is the smallest value recorded (exact), 0 when empty. */
  get min(): number {
    return this.totalCount === 0 ? 0 : this.minRecorded;
  }

  /** max is the largest value recorded (exact), 0 when empty. */
  get max(): number {
    return this.totalCount === 0 ? 0 : this.maxRecorded;
  }

  /** mean is HdrHistogram's mean: the median equivalent value of each bucket weighted by its count. */
  get mean(): number {
    if (this.totalCount === 0) return 0;
    let total = 0;
    const counts = this.counts;
    for (let i = 0; i < counts.length; i++) {
      const c = counts[i]!;
      if (c !== 0) total += this.medianEquivalentValue(this.valueFromIndex(i)) * c;
    }
    return total / this.totalCount;
  }

  /** stdDeviation is HdrHistogram's population standard deviation over bucket median values. */
  get stdDeviation(): number {
    if (this.totalCount === 0) return 0;
    const mean = this.mean;
    let total = 0;
    const counts = this.counts;
    for (let i = 0; i < counts.length; i++) {
      const c = counts[i]!;
      if (c !== 0) {
        const d = this.medianEquivalentValue(this.valueFromIndex(i)) - mean;
        total += d * d * c;
      }
    }
    return Math.sqrt(total / this.totalCount);
  }

  /**
   * valueAtPercentile returns HdrHistogram's value at a percentile (0..100): the highest value
   * equivalent to the bucket holding the ceil(p/100 · count)-th value (the lowest one for p = 0).
   */
  valueAtPercentile(percentile: number): number {
    if (this.totalCount === 0) return 0;
    const requested = Math.min(Math.max(percentile, 0), 100);
    const fpCount = (requested / 100) * this.totalCount;
    // One ulp of slack keeps p·count that should be an integer from rounding up past it.
    const countAtPercentile = Math.max(Math.ceil(fpCount - ulp(fpCount)), 1);
    let total = 0;
    const counts = this.counts;
    for (let i = 0; i < counts.length; i++) {
      total += counts[i]!;
      if (total >= countAtPercentile) {
        const v = this.valueFromIndex(i);
        return requested === 0 ? this.lowestEquivalentValue(v) : this.highestEquivalentValue(v);
      }
    }
    return 0;
  }

  /**
   * percentile returns `valueAtPercentile` bounded by the exact min and max recorded, so a report
   * never shows a p100 above the largest value actually seen.
   */
  percentile(percentile: number): number {
    if (this.totalCount === 0) return 0;
    return Math.min(Math.max(this.valueAtPercentile(percentile), this.min), this.max);
  }

  /** percentileSpectrum walks the percentile levels HdrHistogram prints (ticks per half distance to 100%). */
  percentileSpectrum(ticksPerHalfDistance = 5): PercentileRow[] {
    const rows: PercentileRow[] = [];
    const total = this.totalCount;
    if (total === 0) return rows;
    const counts = this.counts;
    let level = 0;
    let cumulative = 0;
    for (let i = 0; i < counts.length; i++) {
      const c = counts[i]!;
      if (c === 0) continue;
      cumulative += c;
      const value = this.highestEquivalentValue(this.valueFromIndex(i));
      while ((100 * cumulative) / total >= level) {
        rows.push({ value, percentile: level, totalCount: cumulative });
        if (cumulative >= total) {
          rows.push({ value, percentile: 100, totalCount: cumulative });
          return rows;
        }
        const ticks = ticksPerHalfDistance * Math.pow(2, Math.floor(Math.log2(100 / (100 - level))) + 1);
        level += 100 / ticks;
      }
    }
    return rows;
  }

  /** forEachRecorded visits every non-empty bucket in value order. */
  forEachRecorded(visit: (lowestValue: number, highestValue: number, count: number) => void): void {
    const counts = this.counts;
    for (let i = 0; i < counts.length; i++) {
      const c = counts[i]!;
      if (c !== 0) {
        const v = this.valueFromIndex(i);
        visit(v, this.highestEquivalentValue(v), c);
      }
    }
  }

  /** sameLayout tells whether another histogram indexes values exactly as this one does. */
  sameLayout(other: Histogram): boolean {
    return (
      other.unitMagnitude === this.unitMagnitude &&
      other.subBucketHalfCountMagnitude === this.subBucketHalfCountMagnitude &&
      other.countsLength <= this.countsLength
    );
  }

  /** add merges another histogram into this one; with the same layout the merge is exact. */
  add(other: Histogram): this {
    if (other.totalCount === 0) return this;
    if (this.sameLayout(other)) {
      const mine = this.counts;
      const theirs = other.counts;
      for (let i = 0; i < theirs.length; i++) mine[i]! += theirs[i]!;
      this.totalCount += other.totalCount;
      this.clamped += other.clamped;
      if (other.max > this.maxRecorded) this.maxRecorded = other.max;
      if (other.min < this.minRecorded) this.minRecorded = other.min;
      return this;
    }
    const theirs = other.counts;
    for (let i = 0; i < theirs.length; i++) {
      const c = theirs[i]!;
      if (c !== 0) this.recordCount(other.valueFromIndex(i), c);
    }
    this.clamped += other.clamped;
    // Re-quantised buckets keep the other side's exact extremes when they fit.
    if (other.max <= this.highestTrackableValue && other.max > this.maxRecorded) this.maxRecorded = other.max;
    if (other.min < this.minRecorded) this.minRecorded = other.min;
    return this;
  }

  /** copy returns an independent histogram with the same layout and counts. */
  copy(): Histogram {
    const h = new Histogram({
      lowest: this.lowestDiscernibleValue,
      highest: this.highestTrackableValue,
      digits: this.significantDigits,
    });
    return h.add(this);
  }

  /** reset empties the histogram, keeping its layout. */
  reset(): void {
    this.counts.fill(0);
    this.totalCount = 0;
    this.clamped = 0;
    this.minRecorded = Number.POSITIVE_INFINITY;
    this.maxRecorded = 0;
  }

  /**
   * setCounts replaces the counts (used by decoders); min and max become the lowest value of the
   * first non-empty bucket and the highest value of the last, as HdrHistogram establishes them.
   */
  setCounts(counts: ArrayLike<number>): void {
    if (counts.length > this.countsLength) {
      throw new RangeError(
        `histogram payload has ${counts.length} counts; this layout holds ${this.countsLength}`,
      );
    }
    this.reset();
    let first = -1;
    let last = -1;
    let total = 0;
    for (let i = 0; i < counts.length; i++) {
      const c = counts[i]!;
      if (c !== 0) {
        this.counts[i] = c;
        total += c;
        if (first < 0) first = i;
        last = i;
      }
    }
    this.totalCount = total;
    if (first >= 0) {
      this.minRecorded = this.valueFromIndex(first);
      this.maxRecorded = Math.min(
        this.highestEquivalentValue(this.valueFromIndex(last)),
        this.highestTrackableValue,
      );
    }
  }
}

/** ulp returns the distance from x to the next larger double (Java's Math.ulp for positive x). */
function ulp(x: number): number {
  if (x === 0) return Number.MIN_VALUE;
  const exponent = Math.floor(Math.log2(Math.abs(x)));
  return Math.pow(2, exponent - 52);
}
