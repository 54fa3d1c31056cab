/**
 * Small views of a RunResult that other formats need: the latency figures SMP's
 * `PerformanceTestResult.latencies_ms` holds, and the end of the measured window.
 * @module
 */
import type { Histogram } from '../stats/index.js';
import type { RunResult } from './result.js';

/** LatencySummaryMs mirrors SMP's `Latency` message: milliseconds, as doubles. */
export interface LatencySummaryMs {
  min: number;
  average: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

/** latencySummaryMs converts a µs histogram to SMP's latency figures in milliseconds. */
export function latencySummaryMs(h: Histogram): LatencySummaryMs {
  return {
    min: h.min / 1000,
    // HdrHistogram's mean uses bucket midpoints, so it can stray past the exact min or max.
    average: Math.min(Math.max(h.mean, h.min), h.max) / 1000,
    p50: h.percentile(50) / 1000,
    p90: h.percentile(90) / 1000,
    p99: h.percentile(99) / 1000,
    max: h.max / 1000,
  };
}

/** endTime returns the wall-clock end of the measured window, ISO 8601. */
export function endTime(result: RunResult): string {
  return new Date(Date.parse(result.startTime) + result.durationMs).toISOString();
}
