/**
 * A run → SMP `PerformanceTestResult`: `latencies_ms` in milliseconds from the headline latency
 * histogram (corrected for coordinated omission in an open loop), `actual_qps`, the measured
 * window's start and end, and labels for what SMP has no field for (URL, generator, load model,
 * requested rate…). The CLI converts a RunResult; the management plane rebuilds the same facts from
 * a stored run, so both write identical documents.
 * @module
 */
import { buildPerformanceTestResult, type PerformanceTestResult } from '../../smp/index.js';
import type { Histogram } from '../../stats/index.js';
import { formatGoDuration } from '../duration.js';
import type { LoadModel } from '../options.js';
import type { RunResult } from '../result.js';
import { endTime } from '../summary.js';

/** SmpRunFacts is what an SMP result says about one run. runFacts() takes them from a RunResult. */
export interface SmpRunFacts {
  /** Start of the measured window (warm-up excluded), ISO 8601. */
  startTime: string;
  /** End of the measured window, ISO 8601. */
  endTime: string;
  /** Measured requests per second. */
  actualQps: number;
  /** The headline latency, integer µs. */
  latency: Histogram;
  /** `scheduled`: latency corrected for coordinated omission (open loop); `sent`: from the actual send. */
  latencyFrom: 'scheduled' | 'sent';
  url: string;
  method: string;
  generator: string;
  loadModel: LoadModel;
  connections: number;
  /** Requested rate; 0 = as fast as possible. */
  requestedQps: number;
  /** Requested measured duration, ms; null for a request-count run. */
  requestedDurationMs: number | null;
  /** Requested measured request count; null for a timed run. */
  requestedRequests: number | null;
  warmupMs: number;
  /** Measured requests that finished, and how many of them failed. */
  requests: number;
  errors: number;
  interrupted: boolean;
  /** Why the run could not measure, when it could not. */
  error: string | null;
}

/** SmpResultMeta is what the caller knows about a run besides its facts. */
export interface SmpResultMeta {
  id?: string;
  /** `PerformanceTestConfig.id` of the config the run came from. */
  testId?: string;
  /** Added to (and overriding) the labels made from the facts: name, mesh, host… */
  labels?: Record<string, string>;
  meshConfigId?: string;
  envId?: string;
  detailsUri?: string;
}

/** runFacts takes the facts of an SMP result from a RunResult. */
export function runFacts(result: RunResult): SmpRunFacts {
  const o = result.options;
  return {
    startTime: result.startTime,
    endTime: endTime(result),
    actualQps: result.diagnostics.achievedRate,
    latency: result.histograms.latency,
    latencyFrom: result.latencyFrom,
    url: o.target.url,
    method: o.method,
    generator: result.generator,
    loadModel: result.loadModel,
    connections: o.connections,
    requestedQps: o.qps,
    requestedDurationMs: o.durationMs,
    requestedRequests: o.requests,
    warmupMs: result.warmup.durationMs,
    requests: result.requests,
    errors: result.errors.total,
    interrupted: result.interrupted,
    error: result.error,
  };
}

/** smpResultLabels are the labels a result carries for what SMP has no field for. */
export function smpResultLabels(f: SmpRunFacts): Record<string, string> {
  const labels: Record<string, string> = {
    url: f.url,
    method: f.method,
    load_generator: f.generator,
    load_model: f.loadModel,
    latency_from: f.latencyFrom,
    connections: String(f.connections),
    requested_qps: f.requestedQps === 0 ? 'max' : String(f.requestedQps),
    duration:
      f.requestedRequests !== null
        ? `exactly ${f.requestedRequests} requests`
        : formatGoDuration(f.requestedDurationMs ?? 0),
    warmup: formatGoDuration(f.warmupMs),
    requests: String(f.requests),
    errors: String(f.errors),
  };
  if (f.interrupted) labels.interrupted = 'true';
  if (f.error) labels.error = f.error;
  return labels;
}

/**
 * toPerformanceTestResult builds the SMP result of a run: `latencies_ms` = the headline histogram's
 * min, mean, p50, p90, p99 and max in milliseconds (µs / 1000), `actual_qps` to 1/1000 req/s.
 */
export function toPerformanceTestResult(
  run: RunResult | SmpRunFacts,
  meta: SmpResultMeta = {},
): PerformanceTestResult {
  const f = 'histograms' in run ? runFacts(run) : run;
  const h = f.latency;
  const start = Date.parse(f.startTime);
  return buildPerformanceTestResult({
    startTime: start,
    // A run that measured nothing has a zero-length window.
    endTime: Math.max(start, Date.parse(f.endTime)),
    actualQps: Math.round(f.actualQps * 1000) / 1000,
    latencyMicros: {
      min: h.min,
      // HdrHistogram's mean uses bucket midpoints, so it can stray past the exact min or max.
      mean: Math.min(Math.max(Math.round(h.mean), h.min), h.max),
      p50: h.percentile(50),
      p90: h.percentile(90),
      p99: h.percentile(99),
      max: h.max,
    },
    labels: { ...smpResultLabels(f), ...meta.labels },
    ...(meta.id !== undefined ? { id: meta.id } : {}),
    ...(meta.testId !== undefined ? { testId: meta.testId } : {}),
    ...(meta.meshConfigId !== undefined ? { meshConfigId: meta.meshConfigId } : {}),
    ...(meta.envId !== undefined ? { envId: meta.envId } : {}),
    ...(meta.detailsUri !== undefined ? { detailsUri: meta.detailsUri } : {}),
  });
}
