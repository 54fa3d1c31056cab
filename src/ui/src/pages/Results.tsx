/** The results table: name, mesh, start time, QPS, duration, p50, p99, p99.9; search, sort, pages, compare. */
import { useEffect, useState } from 'react';
import { api, ApiError, type Page, type Run } from '../api.js';
import { latency, rate, seconds, time } from '../format.js';
import { Link, navigate } from '../router.js';

const columns: { key: string; label: string; numeric?: boolean }[] = [
  { key: 'name', label: 'Name' },
  { key: 'mesh', label: 'Mesh' },
  { key: 'created_at', label: 'Start time' },
  { key: 'status', label: 'Status' },
  { key: 'actual_qps', label: 'QPS', numeric: true },
  { key: 'duration_ms', label: 'Duration', numeric: true },
  { key: 'p50_us', label: 'p50', numeric: true },
  { key: 'p99_us', label: 'p99', numeric: true },
  { key: 'p999_us', label: 'p99.9', numeric: true },
];

export function Results(props: { profileId?: string | null }) {
  const [search, setSearch] = useState('');
  const [order, setOrder] = useState<{ key: string; desc: boolean }>({ key: 'created_at', desc: true });
  const [pageNo, setPageNo] = useState(0);
  const [page, setPage] = useState<Page<Run> | null>(null);
  const [selected, setSelected] = useState<string[]>([]);
  const [error, setError] = useState<string | null>(null);
  const pageSize = 15;

  useEffect(() => {
    const timer = setTimeout(() => {
      const q: Record<string, string | number> = {
        page: pageNo,
        pageSize,
        order: `${order.key} ${order.desc ? 'desc' : 'asc'}`,
      };
      if (search.trim()) q.search = search.trim();
      (props.profileId ? api.profileRuns(props.profileId, q) : api.runs(q))
        .then(setPage)
        .catch((e) => setError(e instanceof ApiError ? e.message : String(e)));
    }, 150);
    return () => clearTimeout(timer);
  }, [search, order, pageNo, props.profileId]);

  const sort = (key: string) => {
    setOrder((o) => ({ key, desc: o.key === key ? !o.desc : key === 'created_at' }));
    setPageNo(0);
  };
  const toggle = (id: string) =>
    setSelected((s) => (s.includes(id) ? s.filter((x) => x !== id) : [...s, id]));
  const pages = page ? Math.max(1, Math.ceil(page.totalCount / pageSize)) : 1;

  return (
    <div className="page">
      <h1>{props.profileId ? 'Profile history' : 'Results'}</h1>
      {error && <div className="alert error">{error}</div>}
      <div className="toolbar">
        <input
          type="search"
          name="search"
          placeholder="Search name, mesh or URL"
          value={search}
          onChange={(e) => {
            setSearch(e.target.value);
            setPageNo(0);
          }}
        />
        <button
          type="button"
          className="primary"
          disabled={selected.length < 2}
          onClick={() => navigate(`/compare?ids=${selected.join(',')}`)}
        >
          Compare {selected.length >= 2 ? selected.length : ''} selected
        </button>
      </div>
      <div className="table-wrap">
        <table className="results">
          <thead>
            <tr>
              <th aria-label="select" />
              {columns.map((c) => (
                <th key={c.key} className={c.numeric ? 'num' : ''}>
                  <button
                    type="button"
                    className="sort"
                    onClick={() => sort(c.key)}
                    aria-sort={order.key === c.key ? (order.desc ? 'descending' : 'ascending') : 'none'}
                  >
                    {c.label}
                    {order.key === c.key ? (order.desc ? ' ▼' : ' ▲') : ''}
                  </button>
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {page?.items.map((run) => (
              <tr key={run.id} data-run-id={run.id}>
                <td>
                  <input
                    type="checkbox"
                    aria-label={`select ${run.name}`}
                    checked={selected.includes(run.id)}
                    disabled={!run.summary}
                    onChange={() => toggle(run.id)}
                  />
                </td>
                <td className="name">
                  <Link to={`/runs/${run.id}`}>{run.name}</Link>
                </td>
                <td>{run.mesh || '–'}</td>
                <td className="nowrap">{time(run.startedAt ?? run.createdAt)}</td>
                <td>
                  <span className={`badge ${run.status}`}>{run.status}</span>
                </td>
                <td className="num">{rate(run.summary?.actualQps)}</td>
                <td className="num">{run.summary ? seconds(run.summary.durationMs) : '–'}</td>
                <td className="num">{latency(run.summary?.p50Us)}</td>
                <td className="num">{latency(run.summary?.p99Us)}</td>
                <td className="num">{latency(run.summary?.p999Us)}</td>
              </tr>
            ))}
            {page && page.items.length === 0 && (
              <tr>
                <td colSpan={columns.length + 1} className="muted empty">
                  {search ? 'No run matches.' : 'No runs yet.'} <Link to="/">Run a test</Link>
                </td>
              </tr>
            )}
          </tbody>
        </table>
      </div>
      <div className="pager">
        <button type="button" disabled={pageNo === 0} onClick={() => setPageNo(pageNo - 1)}>
          ← Newer
        </button>
        <span>
          page {pageNo + 1} of {pages} · {page?.totalCount ?? 0} runs
        </span>
        <button type="button" disabled={pageNo + 1 >= pages} onClick={() => setPageNo(pageNo + 1)}>
          Older →
        </button>
      </div>
    </div>
  );
}
