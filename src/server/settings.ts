/**
 * RunSettings from outside: defaults, the JSON form the API takes, and Meshery's query-string form.
 * Every check throws InvalidInputError naming the field before anything is stored or started.
 * @module
 */
import { InvalidInputError } from '../errors/index.js';
import type { LoadModel, RunSettings } from './model.js';

/** Generators a run may ask for. `fortio` is accepted for Meshery clients and runs meshplane's own. */
export const generators = ['meshplane', 'wrk', 'hey'] as const;
const generatorAliases: Record<string, string> = { fortio: 'meshplane' };

export const limits = {
  concurrency: { min: 1, max: 10_000 },
  qps: { min: 0, max: 1_000_000 },
  durationMs: { min: 100, max: 24 * 3600_000 },
  warmupMs: { min: 0, max: 600_000 },
  timeoutMs: { min: 1, max: 600_000 },
  bodyBytes: 1 << 20,
};

/** defaultSettings are the values a run gets for every field it leaves out. */
export const defaultSettings: Omit<RunSettings, 'url'> = {
  name: '',
  mesh: '',
  method: 'GET',
  concurrency: 4,
  qps: 100,
  durationMs: 10_000,
  warmupMs: 2_000,
  loadModel: 'open',
  timeoutMs: 5_000,
  headers: {},
  cookies: {},
  body: '',
  contentType: '',
  generator: 'meshplane',
  labels: {},
};

const units: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3600_000,
};

/** parseDuration reads Go's duration syntax ("30s", "1m30s", "250ms") into milliseconds. */
export function parseDuration(field: string, value: unknown): number {
  if (typeof value === 'number' && Number.isFinite(value) && value >= 0) return value;
  const expected = 'a duration such as "30s", "1m30s" or "500ms"';
  if (typeof value !== 'string' || value.trim() === '') throw new InvalidInputError(field, value, expected);
  const text = value.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Number(text) * 1000; // bare number: seconds
  let total = 0;
  let rest = text;
  while (rest.length) {
    const m = /^(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/.exec(rest);
    if (!m) throw new InvalidInputError(field, value, expected);
    total += Number(m[1]) * units[m[2]!]!;
    rest = rest.slice(m[0].length);
  }
  return total;
}

/** formatDuration writes milliseconds back in Go's syntax, e.g. 90000 → "1m30s". */
export function formatDuration(ms: number): string {
  if (ms % 1000 !== 0 || ms === 0) return `${ms}ms`;
  let s = ms / 1000;
  const h = Math.floor(s / 3600);
  s -= h * 3600;
  const m = Math.floor(s / 60);
  s -= m * 60;
  return `${h ? `${h}h` : ''}${m ? `${m}m` : ''}${s ? `${s}s` : ''}`;
}

function number(
  field: string,
  value: unknown,
  range: { min: number; max: number },
  integer: boolean,
): number {
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  const expected = `${integer ? 'an integer' : 'a number'} from ${range.min} to ${range.max}`;
  if (typeof n !== 'number' || !Number.isFinite(n) || n < range.min || n > range.max) {
    throw new InvalidInputError(field, value, expected);
  }
  if (integer && !Number.isInteger(n)) throw new InvalidInputError(field, value, expected);
  return n;
}

function text(field: string, value: unknown, maxLength: number): string {
  if (typeof value !== 'string') throw new InvalidInputError(field, value, 'a string');
  if (value.length > maxLength) throw new InvalidInputError(field, value, `at most ${maxLength} characters`);
  return value;
}

/** stringMap accepts an object of strings, or its JSON text (Meshery sends headers as JSON strings). */
function stringMap(field: string, value: unknown): Record<string, string> {
  let v = value;
  if (typeof v === 'string') {
    if (v.trim() === '') return {};
    try {
      v = JSON.parse(v);
    } catch {
      throw new InvalidInputError(field, value, 'a JSON object of strings, e.g. {"x-user":"a"}');
    }
  }
  if (v === null || typeof v !== 'object' || Array.isArray(v)) {
    throw new InvalidInputError(field, value, 'an object of strings');
  }
  const out: Record<string, string> = {};
  for (const [k, x] of Object.entries(v)) {
    if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(k)) {
      throw new InvalidInputError(`${field}.${k}`, k, 'a header or cookie name (token characters)');
    }
    if (typeof x !== 'string' && typeof x !== 'number' && typeof x !== 'boolean') {
      throw new InvalidInputError(`${field}.${k}`, x, 'a string');
    }
    const s = String(x);
    if (/[\r\n]/.test(s)) throw new InvalidInputError(`${field}.${k}`, s, 'a value without line breaks');
    out[k] = s;
  }
  return out;
}

/** checkUrl accepts absolute http:// and https:// URLs. */
export function checkUrl(field: string, value: unknown): string {
  const expected = 'an absolute http:// or https:// URL';
  if (typeof value !== 'string' || value.trim() === '') throw new InvalidInputError(field, value, expected);
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    throw new InvalidInputError(field, value, expected);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new InvalidInputError(field, value, expected);
  return url.href;
}

/** checkGenerator maps a generator name (or Meshery's `fortio`) to a supported generator. */
export function checkGenerator(field: string, value: unknown): string {
  const name = typeof value === 'string' ? value.trim().toLowerCase() : value;
  if (typeof name === 'string') {
    const mapped = generatorAliases[name] ?? name;
    if ((generators as readonly string[]).includes(mapped)) return mapped;
  }
  throw new InvalidInputError(field, value, `one of ${generators.join(', ')} (or fortio)`);
}

/** generateName makes a readable test name from the target and the start time. */
export function generateName(url: string, mesh: string, at = new Date()): string {
  const host = new URL(url).host;
  const stamp = at.toISOString().slice(0, 19).replace('T', ' ');
  return `${mesh ? `${mesh} ` : ''}${host} ${stamp}`;
}

const fields: Record<keyof RunSettings, (field: string, v: unknown) => unknown> = {
  name: (f, v) => text(f, v, 200).trim(),
  mesh: (f, v) => text(f, v, 100).trim(),
  url: checkUrl,
  method: (f, v) => {
    const m = typeof v === 'string' ? v.trim().toUpperCase() : v;
    if (typeof m !== 'string' || !/^[A-Z]{1,16}$/.test(m))
      throw new InvalidInputError(f, v, 'an HTTP method');
    return m;
  },
  concurrency: (f, v) => number(f, v, limits.concurrency, true),
  qps: (f, v) => number(f, v, limits.qps, false),
  durationMs: (f, v) => number(f, v, limits.durationMs, true),
  warmupMs: (f, v) => number(f, v, limits.warmupMs, true),
  timeoutMs: (f, v) => number(f, v, limits.timeoutMs, true),
  loadModel: (f, v) => {
    if (v !== 'open' && v !== 'closed') throw new InvalidInputError(f, v, '"open" or "closed"');
    return v as LoadModel;
  },
  headers: stringMap,
  cookies: stringMap,
  body: (f, v) => text(f, v, limits.bodyBytes),
  contentType: (f, v) => text(f, v, 200).trim(),
  generator: checkGenerator,
  labels: stringMap,
};

/** settingsFields lists the keys of RunSettings, for the OpenAPI document and the UI. */
export const settingsFields = Object.keys(fields) as (keyof RunSettings)[];

/**
 * parseSettings checks a JSON object of RunSettings fields (unknown keys are refused), fills the
 * rest from `base` or the defaults, and settles the load model: qps 0 means closed loop.
 * `duration` (Go syntax) is accepted in place of durationMs, `warmup` in place of warmupMs.
 */
export function parseSettings(input: unknown, base?: RunSettings, prefix = ''): RunSettings {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    throw new InvalidInputError(prefix || 'body', input, 'a JSON object');
  }
  const raw: Record<string, unknown> = { ...(input as Record<string, unknown>) };
  // Go duration text in place of the millisecond fields; range errors name the field the user wrote.
  for (const [alias, key] of [
    ['duration', 'durationMs'],
    ['warmup', 'warmupMs'],
    ['timeout', 'timeoutMs'],
  ] as const) {
    if (!(alias in raw)) continue;
    const value = raw[alias];
    delete raw[alias];
    if (value === undefined) continue;
    const ms = Math.round(parseDuration(`${prefix}${alias}`, value));
    const range = limits[key];
    if (ms < range.min || ms > range.max) {
      throw new InvalidInputError(
        `${prefix}${alias}`,
        value,
        `a duration from ${formatDuration(range.min)} to ${formatDuration(range.max)}`,
      );
    }
    raw[key] = ms;
  }
  const out: Record<string, unknown> = { ...defaultSettings, ...base };
  for (const [key, value] of Object.entries(raw)) {
    const check = fields[key as keyof RunSettings];
    if (!check) {
      throw new InvalidInputError(
        `${prefix}${key}`,
        value,
        `one of the settings fields: ${settingsFields.join(', ')}`,
      );
    }
    if (value === undefined) continue;
    out[key] = check(`${prefix}${key}`, value);
  }
  if (out.url === undefined)
    throw new InvalidInputError(`${prefix}url`, undefined, 'an absolute http:// or https:// URL');
  const settings = out as unknown as RunSettings;
  if (!('loadModel' in raw)) settings.loadModel = settings.qps === 0 ? 'closed' : 'open';
  if (settings.loadModel === 'open' && settings.qps === 0) {
    throw new InvalidInputError(
      `${prefix}qps`,
      0,
      'a rate above 0 for the open-loop load model (0 means closed loop)',
    );
  }
  return settings;
}

/** withName fills a blank test name from the target. */
export function withName(settings: RunSettings, at = new Date()): RunSettings {
  return settings.name ? settings : { ...settings, name: generateName(settings.url, settings.mesh, at) };
}

/**
 * fromMesheryQuery reads the query string Meshery's UI and mesheryctl send to /api/perf/load-test:
 * name, mesh, url, qps (0 = max), c, t + dur (h/m/s), loadGenerator, headers/cookies (JSON text),
 * reqBody, contentType; plus meshplane's own `warmup`, `method`, `timeout` and `loadModel`.
 */
export function fromMesheryQuery(q: URLSearchParams): RunSettings {
  const input: Record<string, unknown> = {};
  const copy = (from: string, to: string): void => {
    const v = q.get(from);
    if (v !== null) input[to] = v;
  };
  copy('name', 'name');
  copy('mesh', 'mesh');
  copy('url', 'url');
  copy('qps', 'qps');
  copy('c', 'concurrency');
  copy('loadGenerator', 'generator');
  copy('headers', 'headers');
  copy('cookies', 'cookies');
  copy('reqBody', 'body');
  copy('contentType', 'contentType');
  copy('method', 'method');
  copy('loadModel', 'loadModel');
  const t = q.get('t');
  if (t !== null) {
    const dur = (q.get('dur') ?? 's').trim().toLowerCase();
    const unit = dur.startsWith('h')
      ? 'h'
      : dur.startsWith('m')
        ? 'm'
        : dur.startsWith('s')
          ? 's'
          : undefined;
    if (!unit) throw new InvalidInputError('dur', q.get('dur'), '"h", "m" or "s"');
    if (!/^\d+(\.\d+)?$/.test(t.trim())) throw new InvalidInputError('t', t, 'a positive number');
    input.durationMs = parseDuration('t', `${t.trim()}${unit}`);
  }
  const warmup = q.get('warmup');
  if (warmup !== null) input.warmupMs = parseDuration('warmup', warmup);
  const timeout = q.get('timeout');
  if (timeout !== null) input.timeoutMs = parseDuration('timeout', timeout);
  if (input.qps !== undefined && Number(input.qps) < 0) input.qps = 0; // Meshery sends -1 for max
  return parseSettings(input);
}
