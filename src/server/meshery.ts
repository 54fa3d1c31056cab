/**
 * Meshery-compatible shapes: the `MesheryResult` its UI and mesheryctl read (fortio
 * `runner_results` in seconds), and the `{status, message, result}` stream messages.
 * @module
 */
import type { LiveState, RunEvent } from './queue.js';
import type { Run, StoredResult } from './model.js';
import type { RunProgress } from './generator.js';
import { formatDuration } from './settings.js';

/** StreamMessage is one Server-Sent Event of a run stream (Meshery's fields first). */
export interface StreamMessage {
  status: 'info' | 'error' | 'success';
  message: string;
  result?: unknown;
  runId: string;
  state: Run['status'];
  position?: number;
  progress?: RunProgress;
}

const seconds = (us: number) => us / 1e6;

/** runnerResults is the fortio-shaped summary Meshery keeps as `runner_results`. */
export function runnerResults(run: Run, result?: StoredResult): Record<string, unknown> {
  const fortio = result?.report.extra.fortio;
  if (fortio && typeof fortio === 'object')
    return { ...(fortio as object), 'load-generator': run.settings.generator };
  const s = run.summary;
  return {
    RunType: 'HTTP',
    Labels: `${run.name} -_- ${run.settings.url}`,
    URL: run.settings.url,
    StartTime: run.startedAt,
    RequestedQPS: run.settings.qps === 0 ? 'max' : String(run.settings.qps),
    RequestedDuration: formatDuration(run.settings.durationMs),
    ActualQPS: s?.actualQps ?? 0,
    ActualDuration: Math.round((s?.durationMs ?? 0) * 1e6),
    NumThreads: run.settings.concurrency,
    RetCodes: result?.report.statusCodes ?? {},
    DurationHistogram: s
      ? {
          Count: s.requestCount,
          Max: seconds(s.maxUs),
          Percentiles: [
            { Percentile: 50, Value: seconds(s.p50Us) },
            { Percentile: 99, Value: seconds(s.p99Us) },
            { Percentile: 99.9, Value: seconds(s.p999Us) },
          ],
        }
      : null,
    'load-generator': run.settings.generator,
  };
}

/** mesheryResult is one entry of `/api/perf/results`, as Meshery's clients read it. */
export function mesheryResult(run: Run, result?: StoredResult): Record<string, unknown> {
  return {
    meshery_id: run.id,
    name: run.name,
    mesh: run.mesh,
    performance_profile: run.profileId,
    test_id: run.testId,
    test_start_time: run.startedAt ?? run.createdAt,
    status: run.status,
    runner_results: runnerResults(run, result),
  };
}

const fmtUs = (us: number) =>
  us >= 1e6 ? `${(us / 1e6).toFixed(2)} s` : us >= 1000 ? `${(us / 1000).toFixed(2)} ms` : `${us} µs`;

/** describeLive says where an unfinished run is, in words. */
export function liveMessage(runId: string, live: LiveState): StreamMessage {
  if (live.state === 'queued') {
    return {
      status: 'info',
      message: `queued, position ${live.position}: waiting for the generator`,
      runId,
      state: 'queued',
      position: live.position,
    };
  }
  return live.progress
    ? progressMessage(runId, live.progress)
    : { status: 'info', message: 'running', runId, state: 'running' };
}

function progressMessage(runId: string, p: RunProgress): StreamMessage {
  const message =
    p.phase === 'warmup'
      ? `warming up${p.warmupRemainingMs !== undefined ? `, ${Math.ceil(p.warmupRemainingMs / 1000)} s left` : ''} (${Math.ceil(p.remainingMs / 1000)} s of measurement to follow)`
      : `running: ${Math.round(p.elapsedMs / 1000)} s elapsed, ${Math.ceil(p.remainingMs / 1000)} s left, ` +
        `${Math.round(p.currentRate)} req/s, ${p.requests} requests, ${p.errors} errors`;
  return { status: 'info', message, runId, state: 'running', progress: p };
}

/** finishedMessage reports the end of a run; `result` is the Meshery result when one was stored. */
export function finishedMessage(run: Run, result?: StoredResult): StreamMessage {
  const s = run.summary;
  if (run.status === 'completed' && s) {
    return {
      status: 'success',
      message:
        `completed: ${s.requestCount} requests at ${s.actualQps.toFixed(1)} req/s, ${s.errorCount} errors, ` +
        `p50 ${fmtUs(s.p50Us)}, p99 ${fmtUs(s.p99Us)}, p99.9 ${fmtUs(s.p999Us)}`,
      result: mesheryResult(run, result),
      runId: run.id,
      state: run.status,
    };
  }
  return {
    status: 'error',
    message: `${run.status}${run.error ? `: ${run.error}` : ''}`,
    ...(result ? { result: mesheryResult(run, result) } : {}),
    runId: run.id,
    state: run.status,
  };
}

/** eventMessage translates a queue event into a stream message (finished events are handled apart). */
export function eventMessage(event: Exclude<RunEvent, { type: 'finished' }>): StreamMessage {
  switch (event.type) {
    case 'queued':
      return liveMessage(event.runId, { state: 'queued', position: event.position });
    case 'started':
      return { status: 'info', message: 'started', runId: event.runId, state: 'running' };
    case 'progress':
      return progressMessage(event.runId, event.progress);
  }
}
