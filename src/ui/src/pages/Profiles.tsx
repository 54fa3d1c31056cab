/** Profiles: saved test settings — create, edit, run again, see the history of runs. */
import { useEffect, useState } from 'react';
import { api, ApiError, type Profile } from '../api.js';
import {
  emptyForm,
  formFromSettings,
  RunForm,
  settingsFromForm,
  type FormValues,
} from '../components/RunForm.js';
import { requested, seconds, time } from '../format.js';
import { Link, navigate } from '../router.js';
import { useSystem } from '../system.js';

export function Profiles() {
  const system = useSystem();
  const [profiles, setProfiles] = useState<Profile[] | null>(null);
  const [editing, setEditing] = useState<Profile | 'new' | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const reload = () =>
    api
      .profiles()
      .then((p) => setProfiles(p.items))
      .catch((e) => setError(e));
  useEffect(() => void reload(), []);

  const save = async (values: FormValues) => {
    setError(null);
    try {
      await api.saveProfile(
        values.name.trim(),
        settingsFromForm(values),
        editing && editing !== 'new' ? editing.id : undefined,
      );
      setEditing(null);
      await reload();
    } catch (e) {
      setError(e instanceof ApiError ? e : new ApiError(0, 'UI', String(e)));
    }
  };
  const run = async (p: Profile) => {
    try {
      const { run } = await api.runProfile(p.id);
      navigate(`/runs/${run.id}`);
    } catch (e) {
      setError(e instanceof ApiError ? e : new ApiError(0, 'UI', String(e)));
    }
  };
  const remove = async (p: Profile) => {
    if (!confirm(`Delete profile “${p.name}” and its schedules? Its runs are kept.`)) return;
    await api.deleteProfile(p.id).catch((e) => setError(e));
    await reload();
  };

  return (
    <div className="page">
      <div className="title-row">
        <h1>Profiles</h1>
        {!editing && (
          <button type="button" className="primary" onClick={() => setEditing('new')}>
            New profile
          </button>
        )}
      </div>
      <p className="lead">
        A profile saves a test’s settings so you can run it again, compare its history, and schedule it.
      </p>
      {error && <div className="alert error">{error.message}</div>}
      {editing && (
        <section className="card">
          <h2>{editing === 'new' ? 'New profile' : `Edit “${editing.name}”`}</h2>
          <RunForm
            key={editing === 'new' ? 'new' : editing.id}
            initial={
              editing === 'new' ? emptyForm : { ...formFromSettings(editing.settings), name: editing.name }
            }
            generators={system?.generators ?? ['meshplane']}
            nameLabel="Profile name"
            namePlaceholder="required"
            submitLabel="Save profile"
            errorField={error?.field}
            onSubmit={save}
            extraActions={() => (
              <button type="button" onClick={() => setEditing(null)}>
                Cancel
              </button>
            )}
          />
        </section>
      )}
      <div className="table-wrap">
        <table className="results">
          <thead>
            <tr>
              <th>Name</th>
              <th>Target</th>
              <th className="num">Conc.</th>
              <th className="num">QPS</th>
              <th className="num">Duration</th>
              <th className="num">Runs</th>
              <th>Last run</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {profiles?.map((p) => (
              <tr key={p.id} data-profile-id={p.id}>
                <td className="name">{p.name}</td>
                <td className="url">{p.settings.url}</td>
                <td className="num">{p.settings.concurrency}</td>
                <td className="num">{requested(p.settings.qps)}</td>
                <td className="num">{seconds(p.settings.durationMs)}</td>
                <td className="num">
                  <Link to={`/results?profile=${p.id}`}>{p.totalRuns}</Link>
                </td>
                <td className="nowrap">{time(p.lastRunAt)}</td>
                <td className="row-actions">
                  <button type="button" onClick={() => run(p)}>
                    Run
                  </button>
                  <button type="button" onClick={() => setEditing(p)}>
                    Edit
                  </button>
                  <Link to={`/schedules?profile=${p.id}`} className="button">
                    Schedule
                  </Link>
                  <button type="button" className="danger" onClick={() => remove(p)}>
                    Delete
                  </button>
                </td>
              </tr>
            ))}
            {profiles && profiles.length === 0 && (
              <tr>
                <td colSpan={8} className="muted empty">
                  No profiles yet. Save one from the run form or with “New profile”.
                </td>
              </tr>
            )}
          </tbody>
        </table>
      </div>
    </div>
  );
}
