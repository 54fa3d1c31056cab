/**
 * Result downloads: the SMP `PerformanceTestResult` (YAML or JSON), fortio's `HTTPRunnerResults`
 * JSON, and the `.hgrm` percentile spectrum, all made from what the store keeps.
 * @module
 */
import { InvalidInputError } from '../errors/index.js';
import { buildPerformanceTestResult, formatSmp, type PerformanceTestResult } from '../smp/index.js';
import { decodeHistogram, toHgrm } from '../stats/index.js';
import { ConflictError } from './errors.js';
import type { Run, StoredResult } from './model.js';
import { formatDuration } from './settings.js';

export const exportFormats = ['yaml', 'json', 'fortio', 'hgrm'] as const;
export type ExportFormat = (typeof exportFormats)[number];

export interface Download {
  body: string;
  contentType: string;
  filename: string;
}

/** latencyHistogramName is the stored histogram the headline figures come from (CO-corrected when open loop). */
export const latencyHistogramName = 'latency';

function latencyMicros(result: StoredResult): {
  min: number;
  mean: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
} {
  const encoded = result.histograms[latencyHistogramName];
  if (encoded) {
    const h = decodeHistogram(encoded);
    const p = (x: number) => h.percentile(x);
    return {
      min: h.min,
      mean: Math.min(Math.max(Math.round(h.mean), h.min), h.max), // to the microsecond, like the rest
      p50: p(50),
      p90: p(90),
      p99: p(99),
      max: h.max,
    };
  }
  const l = result.report.latency;
  const at = (x: number) => Math.round(l.percentiles.find((q) => q.percentile === x)?.valueUs ?? 0);
  return { min: l.minUs, mean: l.meanUs, p50: at(50), p90: at(90), p99: at(99), max: l.maxUs };
}

/** smpResult builds the SMP PerformanceTestResult of a run; the labels carry what SMP has no field for. */
export function smpResult(run: Run, result: StoredResult): PerformanceTestResult {
  const s = run.settings;
  const env = result.environment;
  return buildPerformanceTestResult({
    id: run.id,
    startTime: new Date(result.report.startTime),
    endTime: new Date(result.report.endTime),
    actualQps: Math.round(result.report.actualQps * 1000) / 1000,
    latencyMicros: latencyMicros(result),
    testId: run.testId ?? run.profileId ?? '',
    envId: `${env.hostname}`,
    detailsUri: `/api/perf/result?id=${run.id}&format=fortio`,
    labels: {
      name: run.name,
      mesh: run.mesh,
      url: s.url,
      load_generator: s.generator,
      load_model: s.loadModel,
      connections: String(s.concurrency),
      requested_qps: s.qps === 0 ? 'max' : String(s.qps),
      duration: formatDuration(s.durationMs),
      requests: String(result.report.requestCount),
      errors: String(result.report.errorCount),
      cpu_model: env.cpuModel,
      cores: String(env.cores),
      memory_mb: String(Math.round(env.memoryBytes / 2 ** 20)),
      os: env.os,
      node_version: env.nodeVersion,
      ...s.labels,
    },
  });
}

/** download renders a stored result in one export format. */
export function download(run: Run, result: StoredResult, format: string): Download {
  const base = `result_${run.id}`;
  switch (format) {
    case 'yaml':
      return {
        body: formatSmp('PerformanceTestResult', smpResult(run, result), 'yaml'),
        contentType: 'application/yaml; charset=utf-8',
        filename: `${base}.yaml`,
      };
    case 'json':
      return {
        body: formatSmp('PerformanceTestResult', smpResult(run, result), 'json'),
        contentType: 'application/json; charset=utf-8',
        filename: `${base}.json`,
      };
    case 'fortio': {
      const fortio = result.report.extra.fortio;
      if (!fortio)
        throw new ConflictError(
          `run ${run.id} was measured by ${run.settings.generator}; it has no fortio JSON`,
        );
      return {
        body: `${JSON.stringify(fortio, null, 2)}\n`,
        contentType: 'application/json; charset=utf-8',
        filename: `${base}.fortio.json`,
      };
    }
    case 'hgrm': {
      const encoded = result.histograms[latencyHistogramName];
      if (!encoded) throw new ConflictError(`run ${run.id} has no latency histogram`);
      return {
        body: toHgrm(decodeHistogram(encoded)),
        contentType: 'text/plain; charset=utf-8',
        filename: `${base}.hgrm`,
      };
    }
    default:
      throw new InvalidInputError('format', format, exportFormats.join(', '));
  }
}
