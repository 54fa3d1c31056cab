/** The app shell: navigation, the token prompt (when the server wants one), and the page for the path. */
import { useEffect, useState, type FormEvent } from 'react';
import { listeners, token } from './api.js';
import { Compare } from './pages/Compare.js';
import { Conformance } from './pages/Conformance.js';
import { NewRun } from './pages/NewRun.js';
import { Profiles } from './pages/Profiles.js';
import { Results } from './pages/Results.js';
import { RunView } from './pages/RunView.js';
import { Schedules } from './pages/Schedules.js';
import { Link, useLocation } from './router.js';
import { resetSystem, useSystem } from './system.js';

function TokenPrompt(props: { onDone: () => void }) {
  const [value, setValue] = useState(token.get());
  const submit = (e: FormEvent) => {
    e.preventDefault();
    token.set(value.trim());
    resetSystem();
    props.onDone();
  };
  return (
    <div className="page narrow">
      <h1>Token required</h1>
      <p>
        This server was started with a bearer token. Enter it to continue (it is kept in this browser only).
      </p>
      <form onSubmit={submit} className="row">
        <input
          type="password"
          name="token"
          value={value}
          onChange={(e) => setValue(e.target.value)}
          autoFocus
        />
        <button className="primary" type="submit">
          Continue
        </button>
      </form>
    </div>
  );
}

function Page() {
  const { path, query } = useLocation();
  const run = /^\/runs\/([^/]+)$/.exec(path);
  if (run) return <RunView id={decodeURIComponent(run[1]!)} />;
  switch (path) {
    case '/':
      return <NewRun key={query.get('from') ?? ''} from={query.get('from')} />;
    case '/results':
      return <Results key={query.get('profile') ?? ''} profileId={query.get('profile')} />;
    case '/compare':
      return <Compare ids={(query.get('ids') ?? '').split(',').filter(Boolean)} />;
    case '/profiles':
      return <Profiles />;
    case '/schedules':
      return <Schedules profileId={query.get('profile')} />;
    case '/conformance':
      return <Conformance open={query.get('id')} />;
    default:
      return (
        <div className="page">
          <h1>Not found</h1>
          <p>
            No page at <code>{path}</code>. <Link to="/">Run a test</Link>
          </p>
        </div>
      );
  }
}

const nav = [
  ['/', 'Run'],
  ['/results', 'Results'],
  ['/profiles', 'Profiles'],
  ['/schedules', 'Schedules'],
  ['/conformance', 'Conformance'],
] as const;

export function App() {
  const { path } = useLocation();
  const [needToken, setNeedToken] = useState(false);
  const [generation, setGeneration] = useState(0);
  useEffect(() => {
    listeners.unauthorized = () => setNeedToken(true);
  }, []);
  const system = useSystem();
  return (
    <>
      <header className="top">
        <Link to="/" className="brand">
          <svg viewBox="0 0 32 32" width="22" height="22" aria-hidden="true">
            <path
              d="M6 22 L12 12 L17 18 L21 9 L26 22"
              stroke="currentColor"
              strokeWidth="3"
              fill="none"
              strokeLinejoin="round"
              strokeLinecap="round"
            />
          </svg>
          meshplane
        </Link>
        <nav>
          {nav.map(([to, label]) => (
            <Link
              key={to}
              to={to}
              className={
                (to === '/' ? path === '/' || path.startsWith('/runs/') : path.startsWith(to)) ? 'active' : ''
              }
            >
              {label}
            </Link>
          ))}
        </nav>
        <span className="host muted small">
          {system ? `v${system.version} · ${system.environment.cpuModel} × ${system.environment.cores}` : ''}
        </span>
      </header>
      <main key={generation}>
        {needToken ? (
          <TokenPrompt
            onDone={() => {
              setNeedToken(false);
              setGeneration((g) => g + 1);
            }}
          />
        ) : (
          <Page />
        )}
      </main>
    </>
  );
}
