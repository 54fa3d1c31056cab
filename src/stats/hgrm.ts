/**
 * The classic `.hgrm` percentile spectrum (`Value Percentile TotalCount 1/(1-Percentile)`), the
 * text hdrhistogram.org plots, in both widespread layouts, and a parser that reads either:
 *
 * - `hdr`:  HdrHistogram's outputPercentileDistribution (Java, and the JS port):
 *           `%12.<d>f %2.12f %10d %14.2f`, the 100% row without the last column.
 * - `wrk2`: the C library's hdr_percentiles_print as `wrk2 --latency` prints it:
 *           `%12.<d>f %12f %12d %12.2f`, the 100% row ending in `inf`, the footer with 3 decimals.
 * @module
 */
import type { Histogram } from './histogram.js';

/** HgrmStyle picks one of the two column layouts in use. */
export type HgrmStyle = 'hdr' | 'wrk2';

export interface HgrmOptions {
  /** Divide recorded values by this before printing; 1000 prints µs recordings in ms. Default 1000. */
  valueScale?: number;
  /** Percentile rows per half distance to 100%. Default 5. */
  ticksPerHalfDistance?: number;
  /** Column layout. Default `hdr`. */
  style?: HgrmStyle;
}

/** One parsed spectrum row. */
export interface HgrmRow {
  value: number;
  /** Percentile as a fraction, 0..1. */
  percentile: number;
  totalCount: number;
}

/** A parsed `.hgrm` document. */
export interface Hgrm {
  rows: HgrmRow[];
  mean: number;
  stdDeviation: number;
  max: number;
  totalCount: number;
  buckets: number;
  subBuckets: number;
}

/** HgrmParseError reports a line of a `.hgrm` text that does not fit the format. */
export class HgrmParseError extends Error {
  readonly line: number;
  constructor(line: number, message: string) {
    super(`line ${line}: ${message}`);
    this.name = 'HgrmParseError';
    this.line = line;
  }
}

const fixedFormats = new Map<number, Intl.NumberFormat>();

/**
 * fixedHalfUp formats like Java's `%.Nf`: it rounds the shortest decimal form of the double half up
 * (0.9997802734375 → 0.999780273438), where toFixed would round the binary value below it down.
 */
function fixedHalfUp(value: number, digits: number): string {
  let format = fixedFormats.get(digits);
  if (!format) {
    format = new Intl.NumberFormat('en-US', {
      minimumFractionDigits: digits,
      maximumFractionDigits: digits,
      useGrouping: false,
    });
    fixedFormats.set(digits, format);
  }
  return format.format(value);
}

function pad(text: string, width: number): string {
  return text.length >= width ? text : ' '.repeat(width - text.length) + text;
}

/** toHgrm prints a histogram's percentile spectrum and footer. */
export function toHgrm(h: Histogram, options: HgrmOptions = {}): string {
  const scale = options.valueScale ?? 1000;
  const ticks = options.ticksPerHalfDistance ?? 5;
  const style = options.style ?? 'hdr';
  const d = h.significantDigits;
  const lines: string[] = [];
  if (style === 'hdr') {
    lines.push(`${pad('Value', 12)} ${pad('Percentile', 14)} ${pad('TotalCount', 10)} 1/(1-Percentile)\n\n`);
  } else {
    lines.push(`${pad('Value', 12)} ${pad('Percentile', 12)} ${pad('TotalCount', 12)} 1/(1-Percentile)\n\n`);
  }
  // C's printf rounds the binary value; Java's Formatter the shortest decimal form.
  const fixed = style === 'hdr' ? fixedHalfUp : (v: number, digits: number) => v.toFixed(digits);
  for (const row of h.percentileSpectrum(ticks)) {
    const p = row.percentile / 100;
    const value = pad(fixed(row.value / scale, d), 12);
    if (style === 'hdr') {
      const head = `${value} ${pad(fixed(p, 12), 2)} ${pad(String(row.totalCount), 10)}`;
      lines.push(row.percentile < 100 ? `${head} ${pad(fixed(1 / (1 - p), 2), 14)}\n` : `${head}\n`);
    } else {
      const inverted = p < 1 ? (1 / (1 - p)).toFixed(2) : 'inf';
      lines.push(
        `${value} ${pad(p.toFixed(6), 12)} ${pad(String(row.totalCount), 12)} ${pad(inverted, 12)}\n`,
      );
    }
  }
  const fd = style === 'hdr' ? d : 3;
  // HdrHistogram (Java) reports the top of the max bucket; the C library the bottom of it.
  const max =
    h.totalCount === 0
      ? 0
      : style === 'hdr'
        ? h.highestEquivalentValue(h.max)
        : h.lowestEquivalentValue(h.max);
  lines.push(
    `#[Mean    = ${pad(fixed(h.mean / scale, fd), 12)}, StdDeviation   = ${pad(fixed(h.stdDeviation / scale, fd), 12)}]\n`,
    `#[Max     = ${pad(fixed(max / scale, fd), 12)}, Total count    = ${pad(String(h.totalCount), 12)}]\n`,
    `#[Buckets = ${pad(String(h.bucketCount), 12)}, SubBuckets     = ${pad(String(h.subBucketCount), 12)}]\n`,
  );
  return lines.join('');
}

const rowPattern = /^\s*(\d+(?:\.\d+)?)\s+(\d+(?:\.\d+)?)\s+(\d+)(?:\s+(\d+(?:\.\d+)?|inf|Infinity))?\s*$/;
const meanPattern = /^#\[Mean\s*=\s*(\S+?),\s*StdDeviation\s*=\s*(\S+?)\]\s*$/;
const maxPattern = /^#\[Max\s*=\s*(\S+?),\s*Total count\s*=\s*(\d+)\]\s*$/;
const bucketsPattern = /^#\[Buckets\s*=\s*(\d+),\s*SubBuckets\s*=\s*(\d+)\]\s*$/;

function number(text: string, line: number, what: string): number {
  const n = Number(text);
  if (!Number.isFinite(n))
    throw new HgrmParseError(line, `${what} is ${JSON.stringify(text)}; expected a number`);
  return n;
}

/** parseHgrm reads a `.hgrm` spectrum in either layout. */
export function parseHgrm(text: string): Hgrm {
  const result: Hgrm = {
    rows: [],
    mean: NaN,
    stdDeviation: NaN,
    max: NaN,
    totalCount: NaN,
    buckets: NaN,
    subBuckets: NaN,
  };
  let sawHeader = false;
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const lineNo = i + 1;
    const line = lines[i]!;
    if (line.trim() === '' || /^-+$/.test(line.trim())) continue;
    if (!sawHeader) {
      if (/^\s*Value\s+Percentile\s+TotalCount\s+1\/\(1-Percentile\)\s*$/.test(line)) {
        sawHeader = true;
        continue;
      }
      throw new HgrmParseError(lineNo, 'expected the header "Value Percentile TotalCount 1/(1-Percentile)"');
    }
    let m = rowPattern.exec(line);
    if (m) {
      const percentile = number(m[2]!, lineNo, 'percentile');
      if (percentile > 1) throw new HgrmParseError(lineNo, `percentile ${percentile} is above 1`);
      const row = {
        value: number(m[1]!, lineNo, 'value'),
        percentile,
        totalCount: number(m[3]!, lineNo, 'count'),
      };
      const prev = result.rows[result.rows.length - 1];
      if (
        prev &&
        (row.totalCount < prev.totalCount || row.percentile < prev.percentile || row.value < prev.value)
      ) {
        throw new HgrmParseError(lineNo, 'rows must not decrease in value, percentile or count');
      }
      result.rows.push(row);
      continue;
    }
    if ((m = meanPattern.exec(line))) {
      result.mean = number(m[1]!, lineNo, 'mean');
      result.stdDeviation = number(m[2]!, lineNo, 'standard deviation');
    } else if ((m = maxPattern.exec(line))) {
      result.max = number(m[1]!, lineNo, 'max');
      result.totalCount = number(m[2]!, lineNo, 'total count');
    } else if ((m = bucketsPattern.exec(line))) {
      result.buckets = number(m[1]!, lineNo, 'buckets');
      result.subBuckets = number(m[2]!, lineNo, 'sub-buckets');
    } else {
      throw new HgrmParseError(lineNo, `unexpected text ${JSON.stringify(line.slice(0, 60))}`);
    }
  }
  if (!sawHeader) throw new HgrmParseError(1, 'no spectrum header found');
  if (Number.isNaN(result.totalCount)) {
    const last = result.rows[result.rows.length - 1];
    result.totalCount = last ? last.totalCount : 0;
  }
  return result;
}
