/**
 * Chart data from stored histograms: latency bins with the cumulative percent, and percentile
 * rows. Several histograms share bin edges so a comparison overlays like with like.
 * @module
 */
import { decodeHistogram, type Histogram } from '../stats/index.js';

/** The percentiles every result shows, in this order (100 = max). */
export const reportPercentiles = [50, 75, 90, 95, 99, 99.9, 99.99, 100] as const;

export interface HistogramBin {
  startUs: number;
  endUs: number;
  count: number;
  /** share of all samples at or below endUs, 0..100 */
  cumulativePercent: number;
}

export interface HistogramView {
  count: number;
  minUs: number;
  meanUs: number;
  maxUs: number;
  stddevUs: number;
  percentiles: { percentile: number; valueUs: number }[];
  bins: HistogramBin[];
}

/** binEdges spreads `n` bins between lo and hi, logarithmically when the range spans >1.5 decades. */
function binEdges(lo: number, hi: number, n: number): number[] {
  const low = Math.max(lo, 1);
  const high = Math.max(hi, low + 1);
  const log = high / low > 30;
  const edges: number[] = [];
  for (let i = 0; i <= n; i++) {
    const t = i / n;
    edges.push(log ? low * Math.pow(high / low, t) : low + (high - low) * t);
  }
  edges[0] = Math.min(lo, edges[0]!);
  return edges;
}

function view(h: Histogram, edges: number[]): HistogramView {
  const counts = new Array<number>(edges.length - 1).fill(0);
  h.forEachRecorded((lowest, highest, count) => {
    const mid = (lowest + highest) / 2;
    let i = edges.findIndex((edge, k) => k > 0 && mid <= edge) - 1;
    if (i < 0) i = mid < edges[0]! ? 0 : counts.length - 1;
    counts[i]! += count;
  });
  let cumulative = 0;
  const bins = counts.map((count, i) => {
    cumulative += count;
    return {
      startUs: Math.round(edges[i]!),
      endUs: Math.round(edges[i + 1]!),
      count,
      cumulativePercent: h.totalCount ? (100 * cumulative) / h.totalCount : 0,
    };
  });
  return {
    count: h.totalCount,
    minUs: h.min,
    meanUs: h.mean,
    maxUs: h.max,
    stddevUs: h.stdDeviation,
    percentiles: reportPercentiles.map((p) => ({ percentile: p, valueUs: h.percentile(p) })),
    bins,
  };
}

/** histogramViews decodes `HISTFAAA` histograms and bins them on shared edges. */
export function histogramViews(encoded: string[], binCount = 60): HistogramView[] {
  const histograms = encoded.map((text) => decodeHistogram(text));
  const nonEmpty = histograms.filter((h) => h.totalCount > 0);
  const lo = nonEmpty.length ? Math.min(...nonEmpty.map((h) => h.min)) : 0;
  const hi = nonEmpty.length ? Math.max(...nonEmpty.map((h) => h.max)) : 1;
  const edges = binEdges(lo, hi, binCount);
  return histograms.map((h) => view(h, edges));
}
