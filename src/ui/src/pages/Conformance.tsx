/**
 * SMI conformance results, as Meshery showed them: ID, date, mesh, version, % passed and status,
 * each row expanding into its specifications (Specification, Assertions, Time, Version, Capability,
 * Result, Reason) and, for meshplane's own runs, the steps that did not pass.
 */
import { Fragment, useEffect, useState, type ChangeEvent } from 'react';
import { api, ApiError, type SmiDocument, type SmiPage, type SmiResult } from '../api.js';
import { time } from '../format.js';

const columns: { key: string; label: string; numeric?: boolean }[] = [
  { key: 'date', label: 'Date' },
  { key: 'mesh_name', label: 'Mesh' },
  { key: 'mesh_version', label: 'Version' },
  { key: 'passing_percentage', label: '% Passed', numeric: true },
  { key: 'status', label: 'Status' },
];

function Percent(props: { result: SmiResult }) {
  const value = Number(props.result.passing_percentage);
  const tone = value >= 100 ? 'full' : value >= 50 ? 'half' : 'none';
  return (
    <span className="percent" title={`${props.result.cases_passed} of ${props.result.total_cases} cases`}>
      <span className={`bar ${tone}`} aria-hidden="true">
        <span style={{ width: `${Math.min(100, value)}%` }} />
      </span>
      {props.result.passing_percentage} %
      <small className="muted">
        {' '}
        {props.result.cases_passed}/{props.result.total_cases}
      </small>
    </span>
  );
}

type Suite = SmiDocument['suites'][number];

/** notPassed is a suite's steps that did not pass (meshplane's own runs carry them). */
const notPassed = (suite: Suite | undefined) => suite?.steps.filter((s) => s.status !== 'passed') ?? [];

/** StepList lists the steps that did not pass, with their reasons. */
function StepList(props: { suite: Suite }) {
  return (
    <ol className="steps">
      {notPassed(props.suite).map((step) => (
        <li key={step.number} value={step.number}>
          <code>{step.name}</code> <span className={`badge ${step.status}`}>{step.status}</span>{' '}
          <span className="muted small">{step.summary}</span>
          <ul>
            {step.reasons.map((reason, i) => (
              <li key={i}>{reason}</li>
            ))}
          </ul>
        </li>
      ))}
    </ol>
  );
}

function Details(props: { result: SmiResult; onDeleted: () => void }) {
  const [document, setDocument] = useState<SmiDocument | null | undefined>(undefined);
  const [error, setError] = useState<string | null>(null);
  const [shown, setShown] = useState<string[]>([]);
  useEffect(() => {
    api
      .smiResult(props.result.id)
      .then((full) => setDocument(full.document))
      .catch((e) => setError(e instanceof ApiError ? e.message : String(e)));
  }, [props.result.id]);
  const remove = () => {
    if (!confirm(`Delete conformance result ${props.result.id}?`)) return;
    api
      .deleteSmi(props.result.id)
      .then(props.onDeleted)
      .catch((e) => setError(e instanceof ApiError ? e.message : String(e)));
  };
  return (
    <div className="smi-details">
      {error && <div className="alert error">{error}</div>}
      <div className="table-wrap inner">
        <table className="results specs" data-testid="smi-specs">
          <thead>
            <tr>
              <th>Specification</th>
              <th className="num">Assertions</th>
              <th className="num">Time</th>
              <th>Version</th>
              <th>Capability</th>
              <th>Result</th>
              <th>Reason</th>
            </tr>
          </thead>
          <tbody>
            {props.result.more_details.map((spec) => {
              const suite = document?.suites.find((s) => s.name === spec.smi_specification);
              const failing = notPassed(suite);
              const showSteps = shown.includes(spec.smi_specification);
              return (
                <Fragment key={spec.smi_specification}>
                  <tr data-spec={spec.smi_specification}>
                    <td className="nowrap" data-label="Specification">
                      <span className={`badge ${spec.status === 'PASSED' ? 'completed' : 'failed'}`}>
                        {spec.status}
                      </span>{' '}
                      {spec.smi_specification}
                    </td>
                    <td className="num" data-label="Assertions">
                      {spec.assertions || '–'}
                    </td>
                    <td className="num" data-label="Time">
                      {spec.time ? `${spec.time} s` : '–'}
                    </td>
                    <td className="nowrap" data-label="Version">
                      {spec.smi_version || '–'}
                    </td>
                    <td data-label="Capability">
                      <span className={`badge capability ${spec.capability.toLowerCase()}`}>
                        {spec.capability}
                      </span>
                    </td>
                    <td className="text" data-label="Result">
                      {spec.result}
                      {failing.length > 0 && (
                        <button
                          type="button"
                          className="link steps-toggle"
                          aria-expanded={showSteps}
                          onClick={() =>
                            setShown((s) =>
                              showSteps
                                ? s.filter((x) => x !== spec.smi_specification)
                                : [...s, spec.smi_specification],
                            )
                          }
                        >
                          {showSteps ? '▾' : '▸'} {failing.length} of {suite!.steps.length} steps did not pass
                        </button>
                      )}
                    </td>
                    <td className="text muted" data-label="Reason">
                      {spec.reason || '–'}
                    </td>
                  </tr>
                  {showSteps && suite && (
                    <tr className="steps-row" data-steps={spec.smi_specification}>
                      <td colSpan={7}>
                        <StepList suite={suite} />
                      </td>
                    </tr>
                  )}
                </Fragment>
              );
            })}
          </tbody>
        </table>
      </div>
      <p className="muted small">
        {props.result.driver
          ? `Run by meshplane (driver ${props.result.driver})`
          : "A Meshery adapter's result"}
        {' · '}id <code>{props.result.id}</code> · stored {time(props.result.uploaded_at)}{' '}
        <button type="button" className="danger small-button" onClick={remove}>
          Delete
        </button>
      </p>
    </div>
  );
}

export function Conformance(props: { open?: string | null }) {
  const [search, setSearch] = useState('');
  const [order, setOrder] = useState<{ key: string; desc: boolean }>({ key: 'date', desc: true });
  const [pageNo, setPageNo] = useState(0);
  const [page, setPage] = useState<SmiPage | null>(null);
  const [open, setOpen] = useState<string[]>(props.open ? [props.open] : []);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [generation, setGeneration] = useState(0);
  const pageSize = 15;

  useEffect(() => {
    const timer = setTimeout(() => {
      const q: Record<string, string | number> = {
        page: pageNo,
        pagesize: pageSize,
        order: `${order.key} ${order.desc ? 'desc' : 'asc'}`,
      };
      if (search.trim()) q.search = search.trim();
      api
        .smiResults(q)
        .then((p) => {
          setPage(p);
          setError(null);
        })
        .catch((e) => setError(e instanceof ApiError ? e.message : String(e)));
    }, 150);
    return () => clearTimeout(timer);
  }, [search, order, pageNo, generation]);

  const sort = (key: string) => {
    setOrder((o) => ({ key, desc: o.key === key ? !o.desc : key === 'date' }));
    setPageNo(0);
  };
  const toggle = (id: string) => setOpen((s) => (s.includes(id) ? s.filter((x) => x !== id) : [...s, id]));
  const upload = async (e: ChangeEvent<HTMLInputElement>) => {
    const file = e.target.files?.[0];
    e.target.value = '';
    if (!file) return;
    try {
      const stored = await api.uploadSmi(await file.text());
      setNotice(`Stored ${stored.mesh_name} ${stored.mesh_version}: ${stored.passing_percentage} % passed.`);
      setError(null);
      setOpen((s) => [...s, stored.id]);
      setGeneration((g) => g + 1);
    } catch (err) {
      setError(err instanceof ApiError ? err.message : String(err));
    }
  };
  const pages = page ? Math.max(1, Math.ceil(page.total_count / pageSize)) : 1;

  return (
    <div className="page">
      <h1>SMI conformance</h1>
      <p className="lead">
        Results of <code>meshplane mesh validate --spec smi</code>: the score per specification as
        learn-layer5 and Meshery reported it. Store a run with <code>--server {location.origin}</code>, or
        upload its JSON or YAML (<code>-o json</code>) or a Meshery adapter&rsquo;s result.
      </p>
      {error && <div className="alert error">{error}</div>}
      {notice && <div className="alert info">{notice}</div>}
      <div className="toolbar">
        <input
          type="search"
          name="search"
          placeholder="Search id, mesh or version"
          value={search}
          onChange={(e) => {
            setSearch(e.target.value);
            setPageNo(0);
          }}
        />
        <label className="button">
          Upload a result…
          <input
            type="file"
            name="upload"
            accept=".json,.yaml,.yml,application/json,application/yaml"
            onChange={upload}
            hidden
          />
        </label>
      </div>
      <div className="table-wrap">
        <table className="results smi">
          <thead>
            <tr>
              <th aria-label="expand" />
              <th className="hide-narrow">ID</th>
              {columns.map((c) => (
                <th
                  key={c.key}
                  className={`${c.numeric ? 'num' : ''}${c.key === 'mesh_version' ? ' hide-narrow' : ''}`}
                >
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
            {page?.results.map((r) => {
              const expanded = open.includes(r.id);
              return (
                <Fragment key={r.id}>
                  <tr
                    data-smi-id={r.id}
                    className={`clickable${expanded ? ' open' : ''}`}
                    onClick={() => toggle(r.id)}
                  >
                    <td>
                      <button
                        type="button"
                        className="expand"
                        aria-expanded={expanded}
                        aria-label={`${expanded ? 'Collapse' : 'Expand'} ${r.id}`}
                        onClick={(e) => {
                          e.stopPropagation();
                          toggle(r.id);
                        }}
                      >
                        {expanded ? '▾' : '▸'}
                      </button>
                    </td>
                    <td className="nowrap hide-narrow" title={r.id}>
                      <code>{r.id.slice(0, 8)}</code>
                    </td>
                    <td className="nowrap">{time(r.date)}</td>
                    <td>{r.mesh_name}</td>
                    <td className="hide-narrow">{r.mesh_version || '–'}</td>
                    <td className="num">
                      <Percent result={r} />
                    </td>
                    <td>
                      {/* Meshery's run status, not the verdict: % Passed says how the mesh did. */}
                      <span className={`badge ${r.status === 'completed' ? '' : 'interrupted'}`}>
                        {r.status}
                      </span>
                    </td>
                  </tr>
                  {expanded && (
                    <tr className="expanded" data-smi-details={r.id}>
                      <td colSpan={columns.length + 2}>
                        <Details
                          result={r}
                          onDeleted={() => {
                            setOpen((s) => s.filter((x) => x !== r.id));
                            setGeneration((g) => g + 1);
                          }}
                        />
                      </td>
                    </tr>
                  )}
                </Fragment>
              );
            })}
            {page && page.results.length === 0 && (
              <tr>
                <td colSpan={columns.length + 2} className="muted empty">
                  {search ? (
                    'No result matches.'
                  ) : (
                    <>
                      No conformance results yet. Run{' '}
                      <code>meshplane mesh validate --spec smi --server {location.origin}</code>
                    </>
                  )}
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
          page {pageNo + 1} of {pages} · {page?.total_count ?? 0} result{page?.total_count === 1 ? '' : 's'}
        </span>
        <button type="button" disabled={pageNo + 1 >= pages} onClick={() => setPageNo(pageNo + 1)}>
          Older →
        </button>
      </div>
    </div>
  );
}
