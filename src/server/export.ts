/**
 * Result downloads: the SMP `PerformanceTestResult` (YAML or JSON), fortio's `HTTPRunnerResults`
 * JSON, and the `.hgrm` percentile spectrum, all made from what the store keeps.
 * @module
 */
import { InvalidInputError } from '../errors/index.js';
import { toPerformanceTestResult, type SmpRunFacts } from '../perf/index.js';
import { formatSmp, type PerformanceTestResult } from '../smp/index.js';
import { decodeHistogram, toHgrm } from '../stats/index.js';
import { ConflictError } from './errors.js';
import type { Run, StoredResult } from './model.js';

export const exportFormats = ['yaml', 'json', 'fortio', 'hgrm'] as const;
export type ExportFormat = (typeof exportFormats)[number];

export interface Download {
  body: string;
  contentType: string;
  filename: string;
}

/** latencyHistogramName is the stored histogram the headline figures come from (CO-corrected when open loop). */
export const latencyHistogramName = 'latency';

/** runFacts rebuilds, from what the store keeps, the facts perf turns into an SMP result. */
function runFacts(run: Run, result: StoredResult): SmpRunFacts {
  const encoded = result.histograms[latencyHistogramName];
  if (!encoded) throw new ConflictError(`run ${run.id} has no latency histogram`);
  const s = run.settings;
  const r = result.report;
  const d = r.diagnostics;
  return {
    startTime: r.startTime,
    endTime: r.endTime,
    actualQps: r.actualQps,
    latency: decodeHistogram(encoded),
    latencyFrom:
      d.latencyFrom === 'scheduled' || d.latencyFrom === 'sent'
        ? d.latencyFrom
        : s.loadModel === 'open'
          ? 'scheduled'
          : 'sent',
    url: s.url,
    method: s.method,
    generator: s.generator,
    loadModel: s.loadModel,
    connections: s.concurrency,
    requestedQps: s.qps,
    requestedDurationMs: s.durationMs,
    requestedRequests: null,
    warmupMs: s.warmupMs,
    requests: r.requestCount,
    errors: r.errorCount,
    interrupted: d.interrupted === true,
    error: null,
  };
}

/** smpResult builds the SMP PerformanceTestResult of a stored run with perf's one conversion; labels add the run's name, mesh and host. */
export function smpResult(run: Run, result: StoredResult): PerformanceTestResult {
  const env = result.environment;
  return toPerformanceTestResult(runFacts(run, result), {
    id: run.id,
    testId: run.testId ?? run.profileId ?? '',
    envId: env.hostname,
    detailsUri: `/api/perf/result?id=${run.id}&format=fortio`,
    labels: {
      name: run.name,
      mesh: run.mesh,
      cpu_model: env.cpuModel,
      cores: String(env.cores),
      memory_mb: String(Math.round(env.memoryBytes / 2 ** 20)),
      os: env.os,
      node_version: env.nodeVersion,
      ...run.settings.labels,
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
