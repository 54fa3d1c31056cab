/** The start page: the run form, and the SMP PerformanceTestConfig upload. */
import { useEffect, useState } from 'react';
import { api, ApiError } from '../api.js';
import {
  emptyForm,
  formFromSettings,
  RunForm,
  settingsFromForm,
  type FormValues,
} from '../components/RunForm.js';
import { navigate } from '../router.js';
import { useSystem } from '../system.js';

export function NewRun(props: { from?: string | null }) {
  const system = useSystem();
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const [initial, setInitial] = useState<FormValues | null>(props.from ? null : emptyForm);
  const [smp, setSmp] = useState<{ file: File | null; mesh: string }>({ file: null, mesh: '' });

  useEffect(() => {
    if (!props.from) return;
    api
      .run(props.from)
      .then(({ run }) => setInitial({ ...formFromSettings(run.settings), name: '' }))
      .catch(() => setInitial(emptyForm));
  }, [props.from]);
  if (!initial) return <p className="muted">Loading the settings of the earlier run…</p>;

  const start = async (values: FormValues) => {
    setBusy(true);
    setError(null);
    try {
      const { run } = await api.startRun(settingsFromForm(values));
      navigate(`/runs/${run.id}`);
    } catch (e) {
      setError(e instanceof ApiError ? e : new ApiError(0, 'UI', String(e)));
    } finally {
      setBusy(false);
    }
  };

  const saveProfile = async (values: FormValues) => {
    setError(null);
    const name = values.name.trim() || prompt('Profile name') || '';
    if (!name) return;
    try {
      const profile = await api.saveProfile(name, settingsFromForm(values));
      navigate(`/profiles?saved=${profile.id}`);
    } catch (e) {
      setError(e instanceof ApiError ? e : new ApiError(0, 'UI', String(e)));
    }
  };

  const upload = async () => {
    if (!smp.file) return;
    setError(null);
    setBusy(true);
    try {
      const { runs } = await api.uploadSmp(await smp.file.text(), smp.mesh.trim());
      navigate(runs.length === 1 ? `/runs/${runs[0]!.id}` : `/results`);
    } catch (e) {
      setError(e instanceof ApiError ? e : new ApiError(0, 'UI', String(e)));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="page">
      <h1>Run a performance test</h1>
      <p className="lead">
        Send load to an HTTP endpoint and keep the result. Runs wait in a queue when another test is running,
        so each one has the generator’s cores to itself.
      </p>
      {error && (
        <div className="alert error" role="alert">
          {error.message}
        </div>
      )}
      <section className="card">
        <RunForm
          initial={initial}
          generators={system?.generators ?? ['meshplane']}
          submitLabel={busy ? 'Starting…' : 'Run test'}
          busy={busy}
          errorField={error?.field}
          onSubmit={start}
          extraActions={(values) => (
            <button type="button" onClick={() => saveProfile(values)}>
              Save as profile
            </button>
          )}
        />
      </section>
      <section className="card">
        <h2>Upload an SMP test file</h2>
        <p className="muted">
          A <code>PerformanceTestConfig</code> in YAML or JSON, bare or as Meshery’s <code>test:</code> +{' '}
          <code>mesh:</code> file. Every client and every endpoint URL becomes a run.
        </p>
        <div className="row">
          <input
            type="file"
            name="smp"
            accept=".yaml,.yml,.json"
            onChange={(e) => setSmp({ ...smp, file: e.target.files?.[0] ?? null })}
          />
          <input
            name="smpMesh"
            placeholder="mesh label (optional)"
            value={smp.mesh}
            onChange={(e) => setSmp({ ...smp, mesh: e.target.value })}
          />
          <button type="button" onClick={upload} disabled={!smp.file || busy}>
            Run file
          </button>
        </div>
      </section>
    </div>
  );
}
