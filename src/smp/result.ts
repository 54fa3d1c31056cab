/**
 * Building an SMP `PerformanceTestResult` from plain run facts. Latencies come in as integer
 * microseconds (the unit the recorder keeps) and are written to `latencies_ms` in milliseconds.
 * @module
 */
import { InvalidInputError } from '../errors/index.js';
import { timestampFromDate, timestampToMillis } from './timestamp.js';
import type { PerformanceTestResult } from './types.js';

/** SMP_VERSION is the SMP spec revision meshplane's schema follows. */
export const SMP_VERSION = 'v0.6.1';

/** LatencyMicros summarises a latency distribution in microseconds. */
export interface LatencyMicros {
  min: number;
  /** May carry a fraction: a mean computed from a histogram rarely is whole. */
  mean: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

/** ResultInput is what a finished run knows. */
export interface ResultInput {
  /** Start of the measured period (warm-up excluded): a Date or epoch milliseconds. */
  startTime: Date | number;
  /** End of the measured period. */
  endTime: Date | number;
  /** Achieved requests per second over the measured period. */
  actualQps: number;
  latencyMicros: LatencyMicros;
  id?: string;
  labels?: Record<string, string>;
  /** PerformanceTestConfig.id of the config that ran. */
  testId?: string;
  meshConfigId?: string;
  envId?: string;
  /** Where the detailed result (histogram) can be found. */
  detailsUri?: string;
}

const LATENCY_ORDER = ['min', 'p50', 'p90', 'p99', 'max'] as const;

/**
 * buildPerformanceTestResult makes the SMP result. `latencies_ms` holds milliseconds
 * (microseconds / 1000), not the seconds Meshery wrote there.
 * @throws InvalidInputError on negative or non-integer latencies, percentiles out of order,
 *   an end before the start, or a rate that is not a finite number ≥ 0
 */
export function buildPerformanceTestResult(input: ResultInput): PerformanceTestResult {
  const start = timestampFromDate(input.startTime);
  const end = timestampFromDate(input.endTime);
  for (const [field, t] of [
    ['startTime', input.startTime],
    ['endTime', input.endTime],
  ] as const) {
    const ms = typeof t === 'number' ? t : t.getTime();
    if (!Number.isFinite(ms)) throw new InvalidInputError(field, t, 'a valid Date or epoch milliseconds');
  }
  if (timestampToMillis(end) < timestampToMillis(start)) {
    throw new InvalidInputError('endTime', input.endTime, 'a time not before startTime');
  }
  if (!Number.isFinite(input.actualQps) || input.actualQps < 0) {
    throw new InvalidInputError('actualQps', input.actualQps, 'a finite number ≥ 0');
  }
  const lat = input.latencyMicros;
  for (const name of LATENCY_ORDER) {
    if (!Number.isSafeInteger(lat[name]) || lat[name] < 0) {
      throw new InvalidInputError(
        `latencyMicros.${name}`,
        lat[name],
        'an integer number of microseconds ≥ 0',
      );
    }
  }
  for (let i = 1; i < LATENCY_ORDER.length; i++) {
    const [lower, upper] = [LATENCY_ORDER[i - 1]!, LATENCY_ORDER[i]!];
    if (lat[upper] < lat[lower]) {
      throw new InvalidInputError(`latencyMicros.${upper}`, lat[upper], `a value ≥ ${lower} (${lat[lower]})`);
    }
  }
  if (!Number.isFinite(lat.mean) || lat.mean < lat.min || lat.mean > lat.max) {
    throw new InvalidInputError(
      'latencyMicros.mean',
      lat.mean,
      `a value between min and max (${lat.min}..${lat.max})`,
    );
  }
  const ms = (micros: number) => micros / 1000;
  return {
    smpVersion: SMP_VERSION,
    id: input.id ?? '',
    labels: { ...input.labels },
    startTime: start,
    endTime: end,
    latenciesMs: {
      min: ms(lat.min),
      average: ms(lat.mean),
      p50: ms(lat.p50),
      p90: ms(lat.p90),
      p99: ms(lat.p99),
      max: ms(lat.max),
    },
    actualQps: input.actualQps,
    detailsUri: input.detailsUri ?? '',
    testId: input.testId ?? '',
    meshConfigId: input.meshConfigId ?? '',
    envId: input.envId ?? '',
  };
}
