/** Schedules: run a profile on a cron expression while the server is up; stored, so they survive restarts. */
import { useEffect, useState, type FormEvent } from 'react';
import type { ApiError } from '../api.js';
import { api, type Profile, type Schedule } from '../api.js';
import { time } from '../format.js';
import { Link } from '../router.js';

const examples = [
  ['0 * * * *', 'every hour'],
  ['*/15 * * * *', 'every 15 minutes'],
  ['0 3 * * *', 'every day at 03:00'],
  ['0 9 * * 1-5', 'weekdays at 09:00'],
];

export function Schedules(props: { profileId?: string | null }) {
  const [items, setItems] = useState<Schedule[] | null>(null);
  const [profiles, setProfiles] = useState<Profile[]>([]);
  const [form, setForm] = useState({ profileId: props.profileId ?? '', cron: '0 * * * *', timezone: '' });
  const [error, setError] = useState<ApiError | null>(null);
  const reload = async () => {
    try {
      setItems((await api.schedules()).items);
      setProfiles((await api.profiles()).items);
    } catch (e) {
      setError(e as ApiError);
    }
  };
  useEffect(() => void reload(), []);
  useEffect(() => {
    if (!form.profileId && profiles[0]) setForm((f) => ({ ...f, profileId: profiles[0]!.id }));
  }, [profiles]);

  const create = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    try {
      await api.createSchedule(form.profileId, form.cron, form.timezone.trim());
      await reload();
    } catch (err) {
      setError(err as ApiError);
    }
  };
  const toggle = async (s: Schedule) => {
    await api.updateSchedule(s.id, { enabled: !s.enabled }).catch((e) => setError(e));
    await reload();
  };
  const remove = async (s: Schedule) => {
    await api.deleteSchedule(s.id).catch((e) => setError(e));
    await reload();
  };
  const nameOf = (id: string) => profiles.find((p) => p.id === id)?.name ?? id;

  return (
    <div className="page">
      <h1>Schedules</h1>
      <p className="lead">
        A schedule runs a profile whenever its cron expression fires, as long as the server is running.
      </p>
      {error && <div className="alert error">{error.message}</div>}
      {profiles.length === 0 && items !== null ? (
        <div className="alert info">
          Save a <Link to="/profiles">profile</Link> first; schedules run profiles.
        </div>
      ) : (
        <form className="card run-form" onSubmit={create}>
          <div className="grid">
            <label className={`field${error?.field === 'profileId' ? ' invalid' : ''}`}>
              <span className="label">Profile</span>
              <select
                name="profileId"
                value={form.profileId}
                onChange={(e) => setForm({ ...form, profileId: e.target.value })}
              >
                {profiles.map((p) => (
                  <option key={p.id} value={p.id}>
                    {p.name}
                  </option>
                ))}
              </select>
            </label>
            <label className={`field${error?.field === 'cron' ? ' invalid' : ''}`}>
              <span className="label">Cron expression</span>
              <input
                name="cron"
                value={form.cron}
                onChange={(e) => setForm({ ...form, cron: e.target.value })}
                list="cron-examples"
              />
              <datalist id="cron-examples">
                {examples.map(([c, label]) => (
                  <option key={c} value={c}>
                    {label}
                  </option>
                ))}
              </datalist>
              <span className="hint">[seconds] minutes hours day month weekday</span>
            </label>
            <label className={`field${error?.field === 'timezone' ? ' invalid' : ''}`}>
              <span className="label">Time zone</span>
              <input
                name="timezone"
                value={form.timezone}
                onChange={(e) => setForm({ ...form, timezone: e.target.value })}
                placeholder="server’s local time"
              />
            </label>
          </div>
          <div className="actions">
            <button type="submit" className="primary">
              Add schedule
            </button>
          </div>
        </form>
      )}
      <div className="table-wrap">
        <table className="results">
          <thead>
            <tr>
              <th>Profile</th>
              <th>Cron</th>
              <th>Next run</th>
              <th>Last fired</th>
              <th>State</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {items?.map((s) => (
              <tr key={s.id}>
                <td className="name">{nameOf(s.profileId)}</td>
                <td>
                  <code>{s.cron}</code>
                  {s.timezone ? ` (${s.timezone})` : ''}
                </td>
                <td className="nowrap">{s.enabled ? time(s.nextRunAt) : '–'}</td>
                <td className="nowrap">
                  {s.lastRunId ? <Link to={`/runs/${s.lastRunId}`}>{time(s.lastFiredAt)}</Link> : '–'}
                </td>
                <td>
                  <span className={`badge ${s.enabled ? 'completed' : 'cancelled'}`}>
                    {s.enabled ? 'enabled' : 'paused'}
                  </span>
                </td>
                <td className="row-actions">
                  <button type="button" onClick={() => toggle(s)}>
                    {s.enabled ? 'Pause' : 'Resume'}
                  </button>
                  <button type="button" className="danger" onClick={() => remove(s)}>
                    Delete
                  </button>
                </td>
              </tr>
            ))}
            {items && items.length === 0 && (
              <tr>
                <td colSpan={6} className="muted empty">
                  No schedules yet.
                </td>
              </tr>
            )}
          </tbody>
        </table>
      </div>
    </div>
  );
}
