/**
 * Performance profile routes (`/api/user/performance/profiles`): save a test's settings, edit them,
 * run them again, and list the runs a profile made. Accepts meshplane's `{name, settings}` body and
 * Meshery's flat PerformanceProfile fields.
 * @module
 */
import { randomUUID } from 'node:crypto';
import type { Context, Hono } from 'hono';
import { InvalidInputError } from '../../errors/index.js';
import { NotFoundError } from '../errors.js';
import type { Profile, RunSettings } from '../model.js';
import { parseSettings } from '../settings.js';
import type { ApiContext } from './context.js';
import { intParam, readBody } from './http.js';
import { wantsJson } from './perf.js';
import { parseRunQuery } from './runs.js';
import { streamRuns } from './stream.js';

const mesheryFields: Record<string, string> = {
  service_mesh: 'mesh',
  concurrent_request: 'concurrency',
  qps: 'qps',
  duration: 'duration',
  request_headers: 'headers',
  request_cookies: 'cookies',
  request_body: 'body',
  content_type: 'contentType',
};

/** single takes the one element of a list field; several are refused rather than silently dropped. */
function single(field: string, value: unknown): unknown {
  if (value === undefined) return undefined;
  if (!Array.isArray(value)) throw new InvalidInputError(field, value, 'a list with one entry');
  if (value.length !== 1) {
    throw new InvalidInputError(
      field,
      value,
      'exactly one entry (save one profile per endpoint or generator)',
    );
  }
  return value[0];
}

/** parseProfile reads a profile body; `base` fills what an update leaves out. */
export function parseProfile(body: unknown, base?: Profile): { name: string; settings: RunSettings } {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new InvalidInputError('body', body, 'a JSON object with name and settings');
  }
  const b = body as Record<string, unknown>;
  let settingsInput: unknown;
  if ('endpoints' in b || 'load_generators' in b) {
    const input: Record<string, unknown> = {};
    const url = single('endpoints', b.endpoints);
    if (url !== undefined) input.url = url;
    const generator = single('load_generators', b.load_generators);
    if (generator !== undefined) input.generator = generator;
    for (const [key, value] of Object.entries(b)) {
      if (key === 'name' || key === 'endpoints' || key === 'load_generators' || key === 'id') continue;
      const to = mesheryFields[key];
      if (!to)
        throw new InvalidInputError(
          key,
          value,
          `a PerformanceProfile field (${Object.keys(mesheryFields).join(', ')})`,
        );
      if (value !== undefined && value !== null && value !== '') input[to] = value;
    }
    settingsInput = input;
  } else {
    for (const key of Object.keys(b)) {
      if (key !== 'name' && key !== 'settings')
        throw new InvalidInputError(key, b[key], 'only "name" and "settings"');
    }
    settingsInput = b.settings ?? {};
  }
  const name = b.name ?? base?.name;
  if (typeof name !== 'string' || name.trim() === '' || name.length > 200) {
    throw new InvalidInputError('name', name, 'a non-empty profile name of at most 200 characters');
  }
  const settings = parseSettings(settingsInput, base?.settings, 'settings.');
  return { name: name.trim(), settings: { ...settings, name: name.trim() } };
}

export function profileRoutes(app: Hono, ctx: ApiContext): void {
  const base = '/api/user/performance/profiles';
  const load = async (c: Context): Promise<Profile> => {
    const profile = await ctx.store.getProfile(c.req.param('id')!);
    if (!profile) throw new NotFoundError('profile', c.req.param('id')!);
    return profile;
  };

  app.get(base, async (c) => {
    const search = c.req.query('search')?.trim();
    const page = await ctx.store.listProfiles(
      intParam(c, 'page', 0, 0, 1_000_000),
      intParam(c, 'pageSize', intParam(c, 'page_size', 20, 1, 500), 1, 500),
      search || undefined,
    );
    return c.json(page);
  });

  app.post(base, async (c) => {
    const { name, settings } = parseProfile(await readBody(c));
    const profile = await ctx.store.createProfile({
      id: randomUUID(),
      name,
      settings,
      createdAt: new Date().toISOString(),
    });
    return c.json(profile, 201);
  });

  app.get(`${base}/:id`, async (c) => c.json(await load(c)));

  app.put(`${base}/:id`, async (c) => {
    const current = await load(c);
    const { name, settings } = parseProfile(await readBody(c), current);
    return c.json(await ctx.store.updateProfile(current.id, name, settings, new Date().toISOString()));
  });

  app.delete(`${base}/:id`, async (c) => {
    const profile = await load(c);
    for (const s of await ctx.store.listSchedules())
      if (s.profileId === profile.id) ctx.scheduler.disarm(s.id);
    await ctx.store.deleteProfile(profile.id);
    return c.body(null, 204);
  });

  const run = async (c: Context) => {
    const profile = await load(c);
    const at = new Date().toISOString().slice(0, 16).replace('T', ' ');
    const queued = await ctx.queue.submit(
      { ...profile.settings, name: `${profile.name} ${at}` },
      { profileId: profile.id },
    );
    if (c.req.method === 'POST' || wantsJson(c))
      return c.json({ run: queued, live: ctx.queue.state(queued.id) ?? null }, 202);
    return streamRuns(c, ctx, [queued.id]);
  };
  // GET streams the run as Meshery's UI expects; POST answers at once with the queued run.
  app.get(`${base}/:id/run`, run);
  app.post(`${base}/:id/run`, run);

  app.get(`${base}/:id/results`, async (c) => {
    const profile = await load(c);
    return c.json(await ctx.store.listRuns({ ...parseRunQuery(c), profileId: profile.id }));
  });
}
