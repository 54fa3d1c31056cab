/**
 * A small real load generator for the server's own tests: closed loop over `concurrency` workers
 * with fetch against a loopback target, recorded into a stats Histogram. The product uses perf.
 * @module
 */
import { encodeHistogram, Histogram } from '../../stats/index.js';
import type { LoadGenerator } from '../generator.js';

export const fetchGenerator: LoadGenerator = async (settings, control) => {
  const histogram = new Histogram();
  const statusCodes: Record<string, number> = {};
  const errors: Record<string, number> = {};
  let requests = 0;
  let failures = 0;
  const start = Date.now();
  const deadline = start + settings.durationMs;
  const ticker = setInterval(() => {
    const elapsedMs = Date.now() - start;
    control.onProgress({
      phase: 'measure',
      elapsedMs,
      remainingMs: Math.max(0, settings.durationMs - elapsedMs),
      requests,
      errors: failures,
      currentRate: requests / Math.max(elapsedMs / 1000, 0.001),
    });
  }, 200);
  const worker = async () => {
    while (Date.now() < deadline && !control.signal.aborted) {
      const t0 = performance.now();
      try {
        const response = await fetch(settings.url, { method: settings.method, headers: settings.headers });
        await response.arrayBuffer();
        statusCodes[response.status] = (statusCodes[response.status] ?? 0) + 1;
        if (response.status >= 400) failures++;
      } catch {
        statusCodes['-1'] = (statusCodes['-1'] ?? 0) + 1;
        errors.connect = (errors.connect ?? 0) + 1;
        failures++;
        await new Promise((r) => setTimeout(r, 10));
      }
      histogram.record(Math.max(1, Math.round((performance.now() - t0) * 1000)));
      requests++;
    }
  };
  await Promise.all(Array.from({ length: settings.concurrency }, worker));
  clearInterval(ticker);
  const end = Date.now();
  const seconds = Math.max((end - start) / 1000, 0.001);
  return {
    partial: control.signal.aborted,
    histograms: { latency: encodeHistogram(histogram) },
    report: {
      startTime: new Date(start).toISOString(),
      endTime: new Date(end).toISOString(),
      requestedQps: settings.qps,
      actualQps: requests / seconds,
      actualDurationMs: end - start,
      requestCount: requests,
      errorCount: failures,
      statusCodes,
      errors,
      latency: {
        count: histogram.totalCount,
        minUs: histogram.min,
        meanUs: histogram.mean,
        maxUs: histogram.max,
        stddevUs: histogram.stdDeviation,
        percentiles: [50, 75, 90, 99, 99.9, 99.99].map((p) => ({
          percentile: p,
          valueUs: histogram.percentile(p),
        })),
      },
      diagnostics: { generator: 'fetch (test helper)' },
      extra: {},
    },
  };
};
