/**
 * The UI's client of the management API: the same REST routes the CLI uses, a bearer token when the
 * server asks for one, and Server-Sent Events read over fetch (so the token header goes along).
 */
import type { Environment, Profile, Run, RunReport, RunSettings, Schedule } from '../../server/model.js';

export type { Environment, Profile, Run, RunReport, RunSettings, Schedule };

export interface LiveState {
  state: 'queued' | 'running';
  position?: number;
  startedAt?: string;
  progress?: RunProgress | null;
}

export interface RunProgress {
  phase: 'warmup' | 'measure';
  elapsedMs: number;
  /** measured time still ahead: the whole duration during warm-up */
  remainingMs: number;
  /** warm-up time still ahead, 0 once measuring */
  warmupRemainingMs?: number;
  requests: number;
  errors: number;
  currentRate: number;
}

export interface HistogramView {
  count: number;
  minUs: number;
  meanUs: number;
  maxUs: number;
  stddevUs: number;
  percentiles: { percentile: number; valueUs: number }[];
  bins: { startUs: number; endUs: number; count: number; cumulativePercent: number }[];
}

export interface RunResult {
  run: Run;
  report: RunReport;
  environment: Environment;
  histogram: HistogramView | null;
  histograms: Record<string, HistogramView>;
}

export interface Comparison {
  runs: { run: Run; report: RunReport; environment: Environment; histogram: HistogramView | null }[];
  warnings: string[];
}

export interface Page<T> {
  page: number;
  pageSize: number;
  totalCount: number;
  items: T[];
}

export interface StreamMessage {
  status: 'info' | 'error' | 'success';
  message: string;
  runId: string;
  state: Run['status'];
  position?: number;
  progress?: RunProgress;
}

/** SmiSpec is one SMI specification's row of a conformance result (Meshery's more_details entry). */
export interface SmiSpec {
  smi_specification: string;
  smi_version: string;
  time: string;
  assertions: string;
  capability: 'FULL' | 'HALF' | 'NONE';
  status: 'PASSED' | 'FAILED';
  result: string;
  reason: string;
}

/** SmiResult is a stored conformance run in Meshery's SmiResult shape. */
export interface SmiResult {
  id: string;
  date: string;
  mesh_name: string;
  mesh_version: string;
  cases_passed: string;
  passing_percentage: string;
  status: string;
  more_details: SmiSpec[];
  driver: string;
  total_cases: number;
  uploaded_at: string;
}

/** SmiDocument is the part of meshplane's ConformanceResult the page reads: each suite's steps. */
export interface SmiDocument {
  suites: {
    name: string;
    specVersion: string;
    steps: { number: number; name: string; summary: string; status: string; reasons: string[] }[];
  }[];
}

export interface SmiPage {
  page: number;
  page_size: number;
  total_count: number;
  results: SmiResult[];
}

export interface SystemInfo {
  version: string;
  environment: Environment;
  generators: string[];
  store: string;
  queue: { running: number; queued: number };
}

/** ApiError carries the server's error envelope. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

const tokenKey = 'meshplane.token';
export const token = {
  get: (): string => localStorage.getItem(tokenKey) ?? '',
  set: (value: string) => (value ? localStorage.setItem(tokenKey, value) : localStorage.removeItem(tokenKey)),
};

/** unauthorized is called on every 401 so the app can ask for a token. */
export const listeners = { unauthorized: () => {} };

function headers(extra: Record<string, string> = {}): Record<string, string> {
  const t = token.get();
  return { ...(t ? { authorization: `Bearer ${t}` } : {}), ...extra };
}

async function fail(response: Response): Promise<never> {
  if (response.status === 401) listeners.unauthorized();
  let body: { error?: { code: string; message: string; field?: string } } = {};
  try {
    body = await response.json();
  } catch {
    // not JSON: keep the status line
  }
  throw new ApiError(
    response.status,
    body.error?.code ?? 'HTTP',
    body.error?.message ?? `${response.status} ${response.statusText}`,
    body.error?.field,
  );
}

export async function request<T>(
  method: string,
  path: string,
  body?: unknown,
  contentType = 'application/json',
): Promise<T> {
  const response = await fetch(path, {
    method,
    headers: headers(
      body === undefined
        ? { accept: 'application/json' }
        : { 'content-type': contentType, accept: 'application/json' },
    ),
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  if (!response.ok) return fail(response);
  return (response.status === 204 ? undefined : await response.json()) as T;
}

export const api = {
  system: () => request<SystemInfo>('GET', '/api/system'),
  startRun: (settings: Partial<RunSettings> & { duration?: string; warmup?: string }) =>
    request<{ run: Run; live: LiveState | null }>('POST', '/api/runs', settings),
  run: (id: string) =>
    request<{ run: Run; live: LiveState | null }>('GET', `/api/runs/${encodeURIComponent(id)}`),
  result: (id: string) => request<RunResult>('GET', `/api/runs/${encodeURIComponent(id)}/result`),
  cancel: (id: string) => request<{ run: Run }>('POST', `/api/runs/${encodeURIComponent(id)}/cancel`),
  deleteRun: (id: string) => request<void>('DELETE', `/api/runs/${encodeURIComponent(id)}`),
  runs: (q: Record<string, string | number>) =>
    request<Page<Run>>(
      'GET',
      `/api/runs?${new URLSearchParams(Object.entries(q).map(([k, v]) => [k, String(v)]))}`,
    ),
  profileRuns: (id: string, q: Record<string, string | number>) =>
    request<Page<Run>>(
      'GET',
      `/api/user/performance/profiles/${encodeURIComponent(id)}/results?${new URLSearchParams(Object.entries(q).map(([k, v]) => [k, String(v)]))}`,
    ),
  compare: (ids: string[]) =>
    request<Comparison>('GET', `/api/compare?ids=${ids.map(encodeURIComponent).join(',')}`),
  uploadSmp: (text: string, mesh: string) =>
    request<{ testId: string; runs: Run[] }>(
      'POST',
      `/api/perf/load-test-smps${mesh ? `?mesh=${encodeURIComponent(mesh)}` : ''}`,
      text,
      'application/yaml',
    ),
  profiles: () => request<Page<Profile>>('GET', '/api/user/performance/profiles?pageSize=500'),
  profile: (id: string) =>
    request<Profile>('GET', `/api/user/performance/profiles/${encodeURIComponent(id)}`),
  saveProfile: (
    name: string,
    settings: Partial<RunSettings> & { duration?: string; warmup?: string },
    id?: string,
  ) =>
    id
      ? request<Profile>('PUT', `/api/user/performance/profiles/${encodeURIComponent(id)}`, {
          name,
          settings,
        })
      : request<Profile>('POST', '/api/user/performance/profiles', { name, settings }),
  deleteProfile: (id: string) =>
    request<void>('DELETE', `/api/user/performance/profiles/${encodeURIComponent(id)}`),
  runProfile: (id: string) =>
    request<{ run: Run; live: LiveState | null }>(
      'POST',
      `/api/user/performance/profiles/${encodeURIComponent(id)}/run`,
    ),
  schedules: () => request<{ items: Schedule[] }>('GET', '/api/user/schedules'),
  createSchedule: (profileId: string, cron: string, timezone: string) =>
    request<Schedule>('POST', '/api/user/schedules', { profileId, cron, timezone }),
  updateSchedule: (id: string, fields: { cron?: string; timezone?: string; enabled?: boolean }) =>
    request<Schedule>('PUT', `/api/user/schedules/${encodeURIComponent(id)}`, fields),
  deleteSchedule: (id: string) => request<void>('DELETE', `/api/user/schedules/${encodeURIComponent(id)}`),
  smiResults: (q: Record<string, string | number>) =>
    request<SmiPage>(
      'GET',
      `/api/smi/results?${new URLSearchParams(Object.entries(q).map(([k, v]) => [k, String(v)]))}`,
    ),
  smiResult: (id: string) =>
    request<SmiResult & { document: SmiDocument | null }>(
      'GET',
      `/api/smi/results/${encodeURIComponent(id)}`,
    ),
  uploadSmi: (text: string) =>
    request<SmiResult>(
      'POST',
      '/api/smi/results',
      text,
      /^\s*[{[]/.test(text) ? 'application/json' : 'application/yaml',
    ),
  deleteSmi: (id: string) => request<void>('DELETE', `/api/smi/results/${encodeURIComponent(id)}`),
};

/** downloadUrl is the link of a result file; with a token the download goes through fetch instead. */
export function downloadPath(id: string, format: 'yaml' | 'json' | 'fortio' | 'hgrm'): string {
  return `/api/perf/result?id=${encodeURIComponent(id)}&format=${format}`;
}

/** download fetches a result file (with the token) and hands it to the browser as a file. */
export async function download(id: string, format: 'yaml' | 'json' | 'fortio' | 'hgrm'): Promise<void> {
  const response = await fetch(downloadPath(id, format), { headers: headers() });
  if (!response.ok) return fail(response);
  const name =
    /filename=([^;]+)/.exec(response.headers.get('content-disposition') ?? '')?.[1] ??
    `result_${id}.${format}`;
  const url = URL.createObjectURL(await response.blob());
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/**
 * watchRun follows a run's event stream and calls `onMessage` for each event until the run finishes
 * or `signal` aborts. Returns when the stream ends.
 */
export async function watchRun(
  id: string,
  onMessage: (m: StreamMessage) => void,
  signal: AbortSignal,
): Promise<void> {
  const response = await fetch(`/api/runs/${encodeURIComponent(id)}/events`, {
    headers: headers({ accept: 'text/event-stream' }),
    signal,
  });
  if (!response.ok || !response.body) return fail(response);
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += value;
    let end: number;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const data = block
        .split('\n')
        .filter((line) => line.startsWith('data:'))
        .map((line) => line.slice(5).trimStart())
        .join('\n');
      if (data) onMessage(JSON.parse(data) as StreamMessage);
    }
  }
}
