/**
 * RunForm: the settings of a test — name, mesh label, URL, concurrency, QPS, duration, load model —
 * and an advanced panel (method, headers, cookies, body, content type, generator, warm-up, timeout).
 * Used to start a run and to save or edit a profile.
 */
import { useState, type FormEvent, type ReactNode } from 'react';
import type { RunSettings } from '../api.js';
import { goDuration } from '../format.js';

export interface FormValues {
  name: string;
  mesh: string;
  url: string;
  concurrency: string;
  qps: string;
  duration: string;
  loadModel: 'auto' | 'open' | 'closed';
  method: string;
  headers: string;
  cookies: string;
  body: string;
  contentType: string;
  generator: string;
  warmup: string;
  timeout: string;
}

export const emptyForm: FormValues = {
  name: '',
  mesh: '',
  url: '',
  concurrency: '4',
  qps: '100',
  duration: '10s',
  loadModel: 'auto',
  method: 'GET',
  headers: '',
  cookies: '',
  body: '',
  contentType: '',
  generator: 'meshplane',
  warmup: '2s',
  timeout: '5s',
};

/** formFromSettings fills the form from stored settings (rerun, edit a profile). */
export function formFromSettings(s: RunSettings): FormValues {
  return {
    name: s.name,
    mesh: s.mesh,
    url: s.url,
    concurrency: String(s.concurrency),
    qps: String(s.qps),
    duration: goDuration(s.durationMs),
    loadModel: s.loadModel,
    method: s.method,
    headers: Object.entries(s.headers)
      .map(([k, v]) => `${k}: ${v}`)
      .join('\n'),
    cookies: Object.entries(s.cookies)
      .map(([k, v]) => `${k}=${v}`)
      .join('\n'),
    body: s.body,
    contentType: s.contentType,
    generator: s.generator,
    warmup: goDuration(s.warmupMs),
    timeout: goDuration(s.timeoutMs),
  };
}

function pairs(text: string, separator: RegExp): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split(/\n|;\s*/)) {
    const t = line.trim();
    if (!t) continue;
    const m = separator.exec(t);
    if (!m) {
      out[t] = '';
      continue;
    }
    out[t.slice(0, m.index).trim()] = t.slice(m.index + m[0].length).trim();
  }
  return out;
}

/** settingsFromForm turns the form into the API's settings body; the server checks every field. */
export function settingsFromForm(v: FormValues): Record<string, unknown> {
  return {
    name: v.name.trim(),
    mesh: v.mesh.trim(),
    url: v.url.trim(),
    concurrency: v.concurrency.trim() === '' ? undefined : Number(v.concurrency),
    qps: v.qps.trim() === '' ? undefined : Number(v.qps),
    duration: v.duration.trim() || undefined,
    ...(v.loadModel === 'auto' ? {} : { loadModel: v.loadModel }),
    method: v.method,
    headers: pairs(v.headers.replace(/;\s*/g, '\n'), /:/),
    cookies: pairs(v.cookies, /=/),
    body: v.body,
    contentType: v.contentType.trim(),
    generator: v.generator,
    warmup: v.warmup.trim() || undefined,
    timeout: v.timeout.trim() || undefined,
  };
}

function Field(props: {
  label: string;
  hint?: string;
  error?: boolean;
  children: ReactNode;
  wide?: boolean;
}) {
  return (
    <label className={`field${props.error ? ' invalid' : ''}${props.wide ? ' wide' : ''}`}>
      <span className="label">{props.label}</span>
      {props.children}
      {props.hint && <span className="hint">{props.hint}</span>}
    </label>
  );
}

export function RunForm(props: {
  initial: FormValues;
  generators: string[];
  submitLabel: string;
  busy?: boolean;
  errorField?: string;
  nameLabel?: string;
  namePlaceholder?: string;
  onSubmit: (values: FormValues) => void;
  extraActions?: (values: FormValues) => ReactNode;
}) {
  const [v, setV] = useState<FormValues>(props.initial);
  const set =
    <K extends keyof FormValues>(key: K) =>
    (e: { target: { value: string } }) =>
      setV((old) => ({ ...old, [key]: e.target.value as FormValues[K] }));
  const bad = (...names: string[]) =>
    names.some(
      (n) =>
        props.errorField === n ||
        props.errorField?.startsWith(`${n}.`) ||
        props.errorField === `settings.${n}` ||
        props.errorField?.startsWith(`settings.${n}.`),
    );
  const submit = (e: FormEvent) => {
    e.preventDefault();
    props.onSubmit(v);
  };
  const advancedInvalid = bad(
    'method',
    'headers',
    'cookies',
    'body',
    'contentType',
    'generator',
    'warmup',
    'warmupMs',
    'timeout',
    'timeoutMs',
  );
  return (
    <form className="run-form" onSubmit={submit} noValidate>
      <div className="grid">
        <Field label={props.nameLabel ?? 'Test name'} error={bad('name')}>
          <input
            name="name"
            value={v.name}
            onChange={set('name')}
            placeholder={props.namePlaceholder ?? 'generated when blank'}
          />
        </Field>
        <Field label="Mesh" hint="label of the mesh under test" error={bad('mesh')}>
          <input
            name="mesh"
            value={v.mesh}
            onChange={set('mesh')}
            placeholder="e.g. meshplane, istio, none"
            list="mesh-names"
          />
          <datalist id="mesh-names">
            {['none', 'meshplane', 'istio', 'linkerd', 'consul', 'kuma', 'open-service-mesh'].map((m) => (
              <option key={m} value={m} />
            ))}
          </datalist>
        </Field>
        <Field label="URL" error={bad('url')} wide>
          <input
            name="url"
            value={v.url}
            onChange={set('url')}
            placeholder="http://127.0.0.1:8080/"
            inputMode="url"
            required
          />
        </Field>
        <Field label="Concurrency" hint="connections" error={bad('concurrency')}>
          <input name="concurrency" value={v.concurrency} onChange={set('concurrency')} inputMode="numeric" />
        </Field>
        <Field label="QPS" hint="requests/s in total; 0 = max" error={bad('qps')}>
          <input name="qps" value={v.qps} onChange={set('qps')} inputMode="decimal" />
        </Field>
        <Field label="Duration" hint="e.g. 30s, 2m" error={bad('duration', 'durationMs')}>
          <input name="duration" value={v.duration} onChange={set('duration')} />
        </Field>
        <Field label="Load model" error={bad('loadModel')}>
          <select name="loadModel" value={v.loadModel} onChange={set('loadModel')}>
            <option value="auto">auto (open with QPS, closed at max)</option>
            <option value="open">open loop (fixed arrival rate)</option>
            <option value="closed">closed loop (next request after reply)</option>
          </select>
        </Field>
      </div>
      <details className="advanced" open={advancedInvalid || undefined}>
        <summary>Advanced</summary>
        <div className="grid">
          <Field label="Method" error={bad('method')}>
            <select name="method" value={v.method} onChange={set('method')}>
              {['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'].map((m) => (
                <option key={m}>{m}</option>
              ))}
            </select>
          </Field>
          <Field label="Generator" error={bad('generator')}>
            <select name="generator" value={v.generator} onChange={set('generator')}>
              {props.generators.map((g) => (
                <option key={g}>{g}</option>
              ))}
            </select>
          </Field>
          <Field label="Warm-up" hint="excluded from every figure" error={bad('warmup', 'warmupMs')}>
            <input name="warmup" value={v.warmup} onChange={set('warmup')} />
          </Field>
          <Field label="Request timeout" error={bad('timeout', 'timeoutMs')}>
            <input name="timeout" value={v.timeout} onChange={set('timeout')} />
          </Field>
          <Field label="Headers" hint="one “Name: value” per line" error={bad('headers')} wide>
            <textarea
              name="headers"
              value={v.headers}
              onChange={set('headers')}
              rows={3}
              placeholder="x-user: alice"
            />
          </Field>
          <Field label="Cookies" hint="one “name=value” per line" error={bad('cookies')} wide>
            <textarea
              name="cookies"
              value={v.cookies}
              onChange={set('cookies')}
              rows={2}
              placeholder="session=abc123"
            />
          </Field>
          <Field label="Content type" error={bad('contentType')}>
            <input
              name="contentType"
              value={v.contentType}
              onChange={set('contentType')}
              placeholder="application/json"
            />
          </Field>
          <Field label="Body" error={bad('body')} wide>
            <textarea name="body" value={v.body} onChange={set('body')} rows={3} />
          </Field>
        </div>
      </details>
      <div className="actions">
        <button type="submit" className="primary" disabled={props.busy}>
          {props.submitLabel}
        </button>
        {props.extraActions?.(v)}
      </div>
    </form>
  );
}
