/**
 * Comparison of runs: their histograms on shared bins, a per-run trend of the headline
 * percentiles, and warnings whenever the runs were not measured like for like.
 * @module
 */
import { InvalidInputError } from '../errors/index.js';
import { histogramViews, type HistogramView } from './charts.js';
import { latencyHistogramName } from './export.js';
import type { Environment, Run, RunReport, RunSettings, StoredResult } from './model.js';
import { formatDuration } from './settings.js';

export interface ComparedRun {
  run: Run;
  report: RunReport;
  environment: Environment;
  histogram: HistogramView | null;
}

export interface Comparison {
  runs: ComparedRun[];
  /** settings (or hosts) that differ between the runs; empty when they compare like for like */
  warnings: string[];
}

/** The settings that change what a latency figure means; `name`, `mesh` and labels do not. */
const likeForLike: { key: keyof RunSettings; label: string; show?: (v: unknown) => string }[] = [
  { key: 'url', label: 'target URL' },
  { key: 'method', label: 'method' },
  { key: 'concurrency', label: 'concurrency' },
  { key: 'qps', label: 'requested QPS', show: (v) => (v === 0 ? 'max' : String(v)) },
  { key: 'durationMs', label: 'duration', show: (v) => formatDuration(v as number) },
  { key: 'loadModel', label: 'load model' },
  { key: 'generator', label: 'generator' },
  { key: 'body', label: 'request body', show: (v) => `${String(v).length} bytes` },
  { key: 'headers', label: 'headers', show: (v) => JSON.stringify(v) },
];

/** settingsWarnings lists every setting whose value differs across runs. */
export function settingsWarnings(runs: { run: Run; environment?: Environment }[]): string[] {
  const warnings: string[] = [];
  for (const { key, label, show } of likeForLike) {
    const values = runs.map(({ run }) => JSON.stringify(run.settings[key]));
    if (new Set(values).size > 1) {
      const shown = runs.map(({ run }) => (show ? show(run.settings[key]) : String(run.settings[key])));
      warnings.push(`${label} differs: ${shown.join(' vs ')}`);
    }
  }
  const hosts = runs.map(({ environment: e }) => (e ? `${e.cpuModel} ×${e.cores}` : '?'));
  if (new Set(hosts).size > 1) warnings.push(`measured on different hosts: ${hosts.join(' vs ')}`);
  return warnings;
}

/** compare builds a comparison of 2 or more finished runs (each must have a stored result). */
export function compare(items: { run: Run; result: StoredResult | undefined }[]): Comparison {
  if (items.length < 2)
    throw new InvalidInputError('ids', items.length, 'at least 2 run ids, comma-separated');
  const withResult = items.map(({ run, result }, i) => {
    if (!result) {
      throw new InvalidInputError(
        `ids[${i}]`,
        run.id,
        `a run with a stored result (this one is ${run.status})`,
      );
    }
    return { run, result };
  });
  const encoded = withResult.map(({ result }) => result.histograms[latencyHistogramName]);
  const present = encoded.filter((e): e is string => e !== undefined);
  const views = histogramViews(present);
  let next = 0;
  return {
    runs: withResult.map(({ run, result }, i) => ({
      run,
      report: result.report,
      environment: result.environment,
      histogram: encoded[i] === undefined ? null : views[next++]!,
    })),
    warnings: settingsWarnings(
      withResult.map(({ run, result }) => ({ run, environment: result.environment })),
    ),
  };
}
