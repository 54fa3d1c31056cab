/**
 * perfGenerator: the run queue's default LoadGenerator, meshplane's own load generator (perf),
 * or wrk / hey driven by it. Its RunResult is turned into the stored form: a RunReport, the fortio
 * JSON for exports, and every histogram in `HISTFAAA` form.
 * @module
 */
import { MeshplaneError } from '../errors/index.js';
import {
  availableGenerators,
  prepareRun,
  run,
  toFortioJson,
  type FieldNames,
  type GeneratorName,
  type RunOptions,
  type RunResult,
} from '../perf/index.js';
import { encodeHistogram } from '../stats/index.js';
import type { LoadGenerator } from './generator.js';
import type { EncodedHistograms, RunReport, RunSettings } from './model.js';
import { InvalidInputError } from '../errors/index.js';

/** installedGenerators lists the generators this host can run (meshplane, and wrk / hey when on the PATH). */
export function installedGenerators(): readonly string[] {
  return availableGenerators();
}

/** runOptions maps stored settings onto perf's options. */
export function runOptions(settings: RunSettings): RunOptions {
  return {
    url: settings.url,
    method: settings.method,
    headers: settings.headers,
    cookies: settings.cookies,
    ...(settings.body ? { body: settings.body } : {}),
    ...(settings.contentType ? { contentType: settings.contentType } : {}),
    connections: settings.concurrency,
    qps: settings.qps,
    loadModel: settings.loadModel,
    duration: settings.durationMs,
    warmup: settings.warmupMs,
    timeout: settings.timeoutMs,
    generator: settings.generator as RunOptions['generator'],
    labels: `${settings.name} -_- ${settings.url}`,
  };
}

/** Our field names for perf's, so a setting perf refuses is reported as the API spells it. */
const fieldNames: FieldNames = {
  connections: 'concurrency',
  duration: 'durationMs',
  warmup: 'warmupMs',
  timeout: 'timeoutMs',
};

/** checkSettings runs perf's own validation at the door, before a run is stored or queued. */
export function checkSettings(settings: RunSettings): void {
  prepareRun(runOptions(settings), fieldNames);
  const installed = availableGenerators();
  if (!installed.includes(settings.generator as GeneratorName)) {
    throw new InvalidInputError(
      'generator',
      settings.generator,
      `one of the generators installed on this server: ${installed.join(', ')}`,
    );
  }
}

const reportPercentiles = [50, 75, 90, 95, 99, 99.9, 99.99, 99.999];

/** storedForm converts perf's RunResult into what the store keeps. */
export function storedForm(result: RunResult): { report: RunReport; histograms: EncodedHistograms } {
  const h = result.histograms;
  const histograms: EncodedHistograms = {
    latency: encodeHistogram(h.latency),
    uncorrected: encodeHistogram(h.uncorrected),
    errors: encodeHistogram(h.errors),
    responseSize: encodeHistogram(h.responseSize),
    headerSize: encodeHistogram(h.headerSize),
    connect: encodeHistogram(h.connect),
  };
  if (h.sendLag) histograms.sendLag = encodeHistogram(h.sendLag);
  const byKind = Object.fromEntries(Object.entries(result.errors.byKind).filter(([, n]) => n > 0));
  const start = Date.parse(result.startTime);
  const d = result.diagnostics;
  const report: RunReport = {
    startTime: result.startTime,
    endTime: new Date(start + result.durationMs).toISOString(),
    requestedQps: result.options.qps,
    actualQps: d.achievedRate,
    actualDurationMs: result.durationMs,
    requestCount: result.requests,
    errorCount: result.errors.total,
    statusCodes: result.statusCodes,
    errors: byKind,
    latency: {
      count: h.latency.totalCount,
      minUs: h.latency.min,
      meanUs: h.latency.mean,
      maxUs: h.latency.max,
      stddevUs: h.latency.stdDeviation,
      percentiles: reportPercentiles.map((p) => ({ percentile: p, valueUs: h.latency.percentile(p) })),
    },
    diagnostics: {
      requestedRate: d.requestedRate,
      achievedRate: d.achievedRate,
      achievedRatio: d.achievedRatio,
      generatorCpuPercent: d.cpu?.totalPercent ?? null,
      eventLoopDelayP99Us: d.eventLoopDelay?.p99Us ?? null,
      eventLoopDelayMaxUs: d.eventLoopDelay?.maxUs ?? null,
      sendLagP99Us: d.sendLagP99Us,
      backlogMax: d.backlog?.max ?? null,
      unsent: d.backlog?.unsent ?? null,
      generatorBound: d.generatorBound,
      latencyFrom: result.latencyFrom,
      warmupMs: result.warmup.durationMs,
      warmupRequests: result.warmup.requests,
      bytesSent: result.bytes.sent,
      bytesReceived: result.bytes.received,
      socketsOpened: result.sockets.reduce((a, b) => a + b, 0),
      interrupted: result.interrupted,
      warnings: [...d.warnings, ...result.limitations.map((l) => `${result.generator}: ${l}`)],
      errorSamples: result.errors.samples,
    },
    extra: { fortio: toFortioJson(result) },
  };
  return { report, histograms };
}

export const perfGenerator: LoadGenerator = async (settings, control) => {
  const options = runOptions(settings);
  prepareRun(options, fieldNames); // throws InvalidInputError before any socket opens
  const durationMs = settings.durationMs;
  const result = await run(options, {
    signal: control.signal,
    onEvent: (event) => {
      if (event.type !== 'tick') return;
      control.onProgress({
        phase: event.phase === 'warmup' || event.phase === 'connecting' ? 'warmup' : 'measure',
        elapsedMs: event.measuredMs,
        // perf's remainingMs is measured time still ahead: the whole window during warm-up.
        remainingMs: event.remainingMs ?? Math.max(0, durationMs - event.measuredMs),
        warmupRemainingMs: event.warmupRemainingMs,
        requests: event.completed,
        errors: event.errors,
        currentRate: event.rate,
      });
    },
  });
  if (result.error && result.requests === 0) {
    throw new MeshplaneError('SERVER_ERR_GENERATOR', result.error);
  }
  return { ...storedForm(result), partial: result.interrupted };
};
