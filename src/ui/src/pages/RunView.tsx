/**
 * One run: while it waits or runs, the live view (queue position, elapsed/remaining, current rate,
 * errors, cancel) fed by Server-Sent Events; once finished, the result.
 */
import { useEffect, useState } from 'react';
import {
  api,
  ApiError,
  watchRun,
  type LiveState,
  type Run,
  type RunResult,
  type StreamMessage,
} from '../api.js';
import { count, rate, requested, seconds } from '../format.js';
import { Link } from '../router.js';
import { ResultView } from './ResultView.js';

const finished = (s: Run['status']) => s !== 'queued' && s !== 'running';

export function RunView(props: { id: string }) {
  const { id } = props;
  const [run, setRun] = useState<Run | null>(null);
  const [live, setLive] = useState<LiveState | null>(null);
  const [last, setLast] = useState<StreamMessage | null>(null);
  const [result, setResult] = useState<RunResult | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [cancelling, setCancelling] = useState(false);

  useEffect(() => {
    const controller = new AbortController();
    let stopped = false;
    const loadResult = async () => {
      const fresh = await api.run(id);
      if (stopped) return;
      setRun(fresh.run);
      setLive(null);
      if (fresh.run.summary) setResult(await api.result(id));
    };
    (async () => {
      try {
        const first = await api.run(id);
        if (stopped) return;
        setRun(first.run);
        setLive(first.live);
        if (finished(first.run.status)) return loadResult();
        await watchRun(
          id,
          (m) => {
            setLast(m);
            if (m.state === 'queued') setLive({ state: 'queued', position: m.position ?? 0 });
            else if (m.state === 'running')
              setLive((old) => ({ state: 'running', progress: m.progress ?? old?.progress ?? null }));
          },
          controller.signal,
        );
        await loadResult();
      } catch (e) {
        if (!stopped) setError(e instanceof ApiError ? e.message : String(e));
      }
    })();
    return () => {
      stopped = true;
      controller.abort();
    };
  }, [id]);

  if (error) return <div className="alert error">{error}</div>;
  if (!run) return <p className="muted">Loading…</p>;
  if (result) return <ResultView result={result} />;

  const cancel = async () => {
    setCancelling(true);
    try {
      await api.cancel(id);
    } catch (e) {
      setError(e instanceof ApiError ? e.message : String(e));
    }
  };

  if (finished(run.status)) {
    return (
      <div className="page">
        <h1>{run.name}</h1>
        <div className={`alert ${run.status === 'completed' ? 'info' : 'error'}`}>
          This run is <strong>{run.status}</strong>
          {run.error ? `: ${run.error}` : ''}. No result was stored.
        </div>
        <p>
          <Link to={`/?from=${run.id}`}>Run it again</Link> · <Link to="/results">All results</Link>
        </p>
      </div>
    );
  }

  const p = live?.state === 'running' ? live.progress : null;
  const total = run.settings.durationMs;
  const done = p ? (p.phase === 'measure' ? Math.min(1, p.elapsedMs / total) : 0) : 0;
  return (
    <div className="page">
      <h1>{run.name}</h1>
      <p className="muted">
        {run.settings.url} · {run.settings.concurrency} connections · {requested(run.settings.qps)} QPS ·{' '}
        {seconds(total)}
        {run.mesh ? ` · mesh ${run.mesh}` : ''}
      </p>
      <section className="card live" aria-live="polite">
        {live?.state === 'queued' ? (
          <div className="status queued" data-testid="run-state">
            Queued, position {live.position}: waiting for the run ahead of it to finish.
          </div>
        ) : (
          <div className="status running" data-testid="run-state">
            {p?.phase === 'warmup'
              ? `Warming up (not measured)${p.warmupRemainingMs !== undefined ? `, ${seconds(p.warmupRemainingMs)} left` : ''}…`
              : 'Running…'}
          </div>
        )}
        <div
          className="progress"
          role="progressbar"
          aria-valuemin={0}
          aria-valuemax={100}
          aria-valuenow={Math.round(done * 100)}
        >
          <div style={{ width: `${done * 100}%` }} />
        </div>
        <dl className="figures">
          <div>
            <dt>Elapsed</dt>
            <dd>{p && p.phase === 'measure' ? seconds(p.elapsedMs) : '–'}</dd>
          </div>
          <div>
            <dt>Remaining</dt>
            <dd>{p ? seconds(p.remainingMs) : seconds(total)}</dd>
          </div>
          <div>
            <dt>Current rate</dt>
            <dd>{p ? `${rate(p.currentRate)} req/s` : '–'}</dd>
          </div>
          <div>
            <dt>Requests</dt>
            <dd>{p ? count(p.requests) : '–'}</dd>
          </div>
          <div>
            <dt>Errors</dt>
            <dd className={p && p.errors > 0 ? 'bad' : ''}>{p ? count(p.errors) : '–'}</dd>
          </div>
        </dl>
        {last && <p className="muted small">{last.message}</p>}
        <div className="actions">
          <button type="button" className="danger" onClick={cancel} disabled={cancelling}>
            {cancelling ? 'Cancelling…' : 'Cancel run'}
          </button>
        </div>
      </section>
    </div>
  );
}
