/**
 * A finished run's result: headline figures (achieved vs requested rate), the latency histogram with
 * its cumulative line and percentile markers, the percentile table, status codes and errors, the
 * generator's self-diagnostics, the environment, the settings, and the downloads.
 */
import { useState } from 'react';
import { api, ApiError, download, type RunResult } from '../api.js';
import { HistogramChart } from '../components/HistogramChart.js';
import { bytes, count, latency, percentLabel, rate, requested, seconds, time } from '../format.js';
import { Link, navigate } from '../router.js';

const yesNo = (v: unknown) => (v ? 'yes' : 'no');

/** How each diagnostic the generator reports is labelled and shown; unknown keys are shown as they come. */
const diagnosticFields: Record<string, [string, (v: unknown) => string]> = {
  requestedRate: ['requested rate', (v) => `${requested(Number(v ?? 0))} req/s`],
  achievedRate: ['achieved rate', (v) => `${rate(Number(v))} req/s`],
  achievedRatio: ['achieved / requested', (v) => `${(Number(v) * 100).toFixed(1)} %`],
  generatorCpuPercent: ['generator CPU', (v) => `${Number(v).toFixed(1)} % of a core`],
  eventLoopDelayP99Us: ['event-loop delay p99', (v) => latency(Number(v))],
  eventLoopDelayMaxUs: ['event-loop delay max', (v) => latency(Number(v))],
  sendLagP99Us: ['send lag p99', (v) => latency(Number(v))],
  backlogMax: ['largest backlog', (v) => `${count(Number(v))} requests`],
  unsent: ['never sent', (v) => `${count(Number(v))} requests`],
  generatorBound: ['generator-bound', yesNo],
  latencyFrom: [
    'latency measured from',
    (v) => (v === 'scheduled' ? 'scheduled send (CO-corrected)' : 'actual send'),
  ],
  warmupMs: ['warm-up', (v) => seconds(Number(v))],
  warmupRequests: ['warm-up requests (excluded)', (v) => count(Number(v))],
  bytesSent: ['sent', (v) => bytes(Number(v))],
  bytesReceived: ['received', (v) => bytes(Number(v))],
  socketsOpened: ['sockets opened', (v) => count(Number(v))],
  interrupted: ['stopped early', yesNo],
};

function Diagnostics(props: { values: Record<string, unknown> }) {
  const entries = Object.entries(props.values).filter(
    ([, v]) => v !== null && v !== undefined && typeof v !== 'object',
  );
  const warnings = Array.isArray(props.values.warnings) ? (props.values.warnings as string[]) : [];
  return (
    <>
      {warnings.map((w) => (
        <div key={w} className="alert warn">
          {w}
        </div>
      ))}
      {entries.length ? (
        <table className="kv">
          <tbody>
            {entries.map(([k, v]) => {
              const [label, show] = diagnosticFields[k] ?? [k, (x: unknown) => String(x)];
              return (
                <tr key={k} className={k === 'generatorBound' && v ? 'bad' : ''}>
                  <th>{label}</th>
                  <td>{show(v)}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      ) : (
        <p className="muted">The generator reported no diagnostics.</p>
      )}
    </>
  );
}

export function ResultView(props: { result: RunResult }) {
  const { run, report, environment, histogram } = props.result;
  const s = run.settings;
  const [error, setError] = useState<string | null>(null);
  const achievedShare = s.qps > 0 ? report.actualQps / s.qps : null;
  const codes = Object.entries(report.statusCodes).sort(([a], [b]) => a.localeCompare(b));
  const errors = Object.entries(report.errors);
  const save = async () => {
    const name = prompt('Profile name', run.name);
    if (!name) return;
    try {
      await api.saveProfile(name, { ...s, name });
      navigate('/profiles');
    } catch (e) {
      setError(e instanceof ApiError ? e.message : String(e));
    }
  };
  const get = (format: 'yaml' | 'json' | 'fortio' | 'hgrm') =>
    download(run.id, format).catch((e) => setError(String(e.message ?? e)));
  return (
    <div className="page result">
      <div className="title-row">
        <h1>{run.name}</h1>
        <span className={`badge ${run.status}`}>{run.status}</span>
      </div>
      <p className="muted">
        {s.method} {s.url} · {run.mesh ? `mesh ${run.mesh} · ` : ''}started {time(run.startedAt)} ·{' '}
        {s.generator}, {s.loadModel} loop
      </p>
      {run.error && <div className="alert warn">{run.error}</div>}
      {error && <div className="alert error">{error}</div>}
      <dl className="figures card">
        <div>
          <dt>Achieved rate</dt>
          <dd>
            {rate(report.actualQps)} req/s
            <small>
              requested {requested(s.qps)}
              {achievedShare !== null && ` (${(achievedShare * 100).toFixed(1)}%)`}
            </small>
          </dd>
        </div>
        <div>
          <dt>Requests</dt>
          <dd>
            {count(report.requestCount)}
            <small>in {seconds(report.actualDurationMs)}</small>
          </dd>
        </div>
        <div>
          <dt>Errors</dt>
          <dd className={report.errorCount ? 'bad' : ''}>
            {count(report.errorCount)}
            <small>
              {report.requestCount ? ((100 * report.errorCount) / report.requestCount).toFixed(2) : '0'}%
            </small>
          </dd>
        </div>
        <div>
          <dt>p50</dt>
          <dd>{latency(run.summary?.p50Us)}</dd>
        </div>
        <div>
          <dt>p99</dt>
          <dd>{latency(run.summary?.p99Us)}</dd>
        </div>
        <div>
          <dt>p99.9</dt>
          <dd>{latency(run.summary?.p999Us)}</dd>
        </div>
      </dl>

      <section className="card">
        <h2>Latency histogram</h2>
        <p className="muted small">
          {s.loadModel === 'open'
            ? 'Open loop: latency counted from each request’s scheduled send time (coordinated-omission corrected).'
            : 'Closed loop: latency counted from the actual send.'}{' '}
          {s.warmupMs > 0 ? `The first ${seconds(s.warmupMs)} (warm-up) are excluded.` : 'No warm-up.'}
        </p>
        {histogram ? (
          <HistogramChart views={[{ label: run.name, view: histogram }]} />
        ) : (
          <p className="muted">No histogram was stored.</p>
        )}
      </section>

      <div className="columns">
        <section className="card">
          <h2>Percentiles</h2>
          <table className="numbers" data-testid="percentiles">
            <thead>
              <tr>
                <th>percentile</th>
                <th>latency</th>
              </tr>
            </thead>
            <tbody>
              {histogram && (
                <tr>
                  <td>min</td>
                  <td>{latency(histogram.minUs)}</td>
                </tr>
              )}
              {(histogram?.percentiles ?? report.latency.percentiles).map((p) => (
                <tr key={p.percentile}>
                  <td>{percentLabel(p.percentile)}</td>
                  <td>{latency(p.valueUs)}</td>
                </tr>
              ))}
              <tr>
                <td>mean ± stddev</td>
                <td>
                  {latency(report.latency.meanUs)} ± {latency(report.latency.stddevUs)}
                </td>
              </tr>
            </tbody>
          </table>
        </section>
        <section className="card">
          <h2>Status codes and errors</h2>
          <table className="numbers">
            <thead>
              <tr>
                <th>code / error</th>
                <th>count</th>
              </tr>
            </thead>
            <tbody>
              {codes.map(([code, n]) => (
                <tr key={code} className={code.startsWith('2') ? '' : 'bad'}>
                  <td>{code === '-1' ? 'socket error' : `HTTP ${code}`}</td>
                  <td>{count(n)}</td>
                </tr>
              ))}
              {errors.map(([kind, n]) => (
                <tr key={kind} className="bad">
                  <td>{kind}</td>
                  <td>{count(n)}</td>
                </tr>
              ))}
              {!codes.length && !errors.length && (
                <tr>
                  <td colSpan={2} className="muted">
                    none
                  </td>
                </tr>
              )}
            </tbody>
          </table>
        </section>
      </div>

      <div className="columns">
        <section className="card">
          <h2>Generator self-diagnostics</h2>
          <Diagnostics values={report.diagnostics} />
        </section>
        <section className="card">
          <h2>Environment</h2>
          <table className="kv">
            <tbody>
              <tr>
                <th>host</th>
                <td>{environment.hostname}</td>
              </tr>
              <tr>
                <th>CPU</th>
                <td>
                  {environment.cpuModel} × {environment.cores}
                </td>
              </tr>
              <tr>
                <th>memory</th>
                <td>{bytes(environment.memoryBytes)}</td>
              </tr>
              <tr>
                <th>OS</th>
                <td>
                  {environment.os} ({environment.kernel}, {environment.arch})
                </td>
              </tr>
              <tr>
                <th>Node.js</th>
                <td>{environment.nodeVersion}</td>
              </tr>
              <tr>
                <th>meshplane</th>
                <td>{environment.meshplaneVersion}</td>
              </tr>
              {Object.entries(environment.mesh ?? {}).map(([k, v]) => (
                <tr key={k}>
                  <th>mesh {k}</th>
                  <td>{v}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      </div>

      <section className="card">
        <h2>Settings</h2>
        <table className="kv">
          <tbody>
            <tr>
              <th>concurrency</th>
              <td>{s.concurrency}</td>
            </tr>
            <tr>
              <th>QPS</th>
              <td>{requested(s.qps)}</td>
            </tr>
            <tr>
              <th>duration</th>
              <td>
                {seconds(s.durationMs)}{' '}
                {s.warmupMs > 0 ? `(+ ${seconds(s.warmupMs)} warm-up)` : '(no warm-up)'}
              </td>
            </tr>
            <tr>
              <th>timeout</th>
              <td>{seconds(s.timeoutMs)}</td>
            </tr>
            {Object.keys(s.headers).length > 0 && (
              <tr>
                <th>headers</th>
                <td>
                  <code>
                    {Object.entries(s.headers)
                      .map(([k, v]) => `${k}: ${v}`)
                      .join('; ')}
                  </code>
                </td>
              </tr>
            )}
            {Object.keys(s.cookies).length > 0 && (
              <tr>
                <th>cookies</th>
                <td>
                  <code>
                    {Object.entries(s.cookies)
                      .map(([k, v]) => `${k}=${v}`)
                      .join('; ')}
                  </code>
                </td>
              </tr>
            )}
            {s.body && (
              <tr>
                <th>body</th>
                <td>
                  <code>
                    {s.contentType || 'text'}, {s.body.length} bytes
                  </code>
                </td>
              </tr>
            )}
          </tbody>
        </table>
      </section>

      <div className="actions sticky">
        <span className="muted">Download:</span>
        <button type="button" onClick={() => get('yaml')}>
          SMP YAML
        </button>
        <button type="button" onClick={() => get('json')}>
          SMP JSON
        </button>
        {report.extra && 'fortio' in report.extra && (
          <button type="button" onClick={() => get('fortio')}>
            fortio JSON
          </button>
        )}
        {histogram && (
          <button type="button" onClick={() => get('hgrm')}>
            .hgrm
          </button>
        )}
        <span className="spacer" />
        <Link to={`/?from=${run.id}`} className="button">
          Run again
        </Link>
        <button type="button" onClick={save}>
          Save as profile
        </button>
      </div>
    </div>
  );
}
