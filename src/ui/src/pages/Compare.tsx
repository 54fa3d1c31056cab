/**
 * Compare runs: two runs → their histograms and CDFs overlaid on one chart; more → a trend of
 * min/p50/p90/p99/p99.9/max and QPS per run. Differences in settings are called out first.
 */
import { useEffect, useState } from 'react';
import { api, ApiError, type Comparison } from '../api.js';
import { HistogramChart } from '../components/HistogramChart.js';
import { TrendChart } from '../components/TrendChart.js';
import { palette } from '../components/HistogramChart.js';
import { latency, rate, requested, time } from '../format.js';
import { Link } from '../router.js';

const shown = [50, 90, 99, 99.9, 100];

export function Compare(props: { ids: string[] }) {
  const [data, setData] = useState<Comparison | null>(null);
  const [error, setError] = useState<string | null>(null);
  const key = props.ids.join(',');
  useEffect(() => {
    setData(null);
    api
      .compare(props.ids)
      .then(setData)
      .catch((e) => setError(e instanceof ApiError ? e.message : String(e)));
  }, [key]);
  if (error)
    return (
      <div className="page">
        <h1>Compare</h1>
        <div className="alert error">{error}</div>
        <Link to="/results">Back to results</Link>
      </div>
    );
  if (!data) return <p className="muted">Loading…</p>;
  const views = data.runs.flatMap((r, i) =>
    r.histogram ? [{ label: `#${i + 1} ${r.run.name}`, view: r.histogram }] : [],
  );
  return (
    <div className="page">
      <h1>Compare {data.runs.length} runs</h1>
      {data.warnings.length ? (
        <div className="alert warn" data-testid="compare-warnings">
          <strong>Not like for like.</strong> These runs differ in settings, so their numbers are not directly
          comparable:
          <ul>
            {data.warnings.map((w) => (
              <li key={w}>{w}</li>
            ))}
          </ul>
        </div>
      ) : (
        <div className="alert info">Same settings on the same kind of host: a like-for-like comparison.</div>
      )}
      <section className="card">
        {data.runs.length === 2 ? (
          <>
            <h2>Latency histograms and cumulative distributions</h2>
            <p className="muted small">
              Bars: share of each run’s requests per latency bin. Lines: cumulative percent.
            </p>
            {views.length ? (
              <HistogramChart views={views} height={380} />
            ) : (
              <p className="muted">No histograms stored.</p>
            )}
          </>
        ) : (
          <>
            <h2>Percentiles and QPS per run</h2>
            <TrendChart comparison={data} />
          </>
        )}
      </section>
      <section className="card">
        <div className="table-wrap">
          <table className="results">
            <thead>
              <tr>
                <th>#</th>
                <th>Name</th>
                <th>Mesh</th>
                <th>Start</th>
                <th className="num">QPS (req.)</th>
                <th className="num">min</th>
                {shown.map((p) => (
                  <th key={p} className="num">
                    {p === 100 ? 'max' : `p${p}`}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {data.runs.map((r, i) => (
                <tr key={r.run.id}>
                  <td className="nowrap">
                    <span className="swatch" style={{ background: palette[i % palette.length] }} />#{i + 1}
                  </td>
                  <td className="name">
                    <Link to={`/runs/${r.run.id}`}>{r.run.name}</Link>
                  </td>
                  <td>{r.run.mesh || '–'}</td>
                  <td className="nowrap">{time(r.run.startedAt)}</td>
                  <td className="num">
                    {rate(r.report.actualQps)} ({requested(r.run.settings.qps)})
                  </td>
                  <td className="num">{latency(r.histogram?.minUs)}</td>
                  {shown.map((p) => (
                    <td key={p} className="num">
                      {latency(r.histogram?.percentiles.find((q) => q.percentile === p)?.valueUs)}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
    </div>
  );
}
