/**
 * Schedule routes (`/api/user/schedules`): a cron expression that runs a profile. Schedules are
 * stored, re-armed at start-up, and fire while the server is up. Meshery's `cron_expression` and
 * `profile_id` spellings are accepted too.
 * @module
 */
import { randomUUID } from 'node:crypto';
import type { Context, Hono } from 'hono';
import { InvalidInputError } from '../../errors/index.js';
import { NotFoundError } from '../errors.js';
import type { Schedule } from '../model.js';
import { checkCron } from '../scheduler.js';
import type { ApiContext } from './context.js';
import { readBody } from './http.js';

const aliases: Record<string, string> = { cron_expression: 'cron', profile_id: 'profileId' };
const known = ['profileId', 'cron', 'timezone', 'enabled'];

function fieldsOf(body: unknown): Record<string, unknown> {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new InvalidInputError('body', body, 'a JSON object with profileId and cron');
  }
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(body)) {
    const name = aliases[key] ?? key;
    if (name === 'id') continue;
    if (!known.includes(name)) throw new InvalidInputError(key, value, `one of ${known.join(', ')}`);
    out[name] = value;
  }
  return out;
}

function checkEnabled(value: unknown): boolean {
  if (typeof value !== 'boolean') throw new InvalidInputError('enabled', value, 'true or false');
  return value;
}

export function scheduleRoutes(app: Hono, ctx: ApiContext): void {
  const base = '/api/user/schedules';
  const load = async (c: Context): Promise<Schedule> => {
    const schedule = await ctx.store.getSchedule(c.req.param('id')!);
    if (!schedule) throw new NotFoundError('schedule', c.req.param('id')!);
    return schedule;
  };

  app.get(base, async (c) =>
    c.json({ items: (await ctx.store.listSchedules()).map((s) => ctx.scheduler.withNext(s)) }),
  );

  app.post(base, async (c) => {
    const f = fieldsOf(await readBody(c));
    if (typeof f.profileId !== 'string' || !f.profileId) {
      throw new InvalidInputError('profileId', f.profileId, 'the id of a saved profile');
    }
    if (!(await ctx.store.getProfile(f.profileId))) {
      throw new InvalidInputError('profileId', f.profileId, 'the id of a saved profile');
    }
    const timezone = (f.timezone ?? '') as string;
    checkCron(f.cron, timezone);
    const schedule = await ctx.store.createSchedule({
      id: randomUUID(),
      profileId: f.profileId,
      cron: (f.cron as string).trim(),
      timezone,
      enabled: f.enabled === undefined ? true : checkEnabled(f.enabled),
      createdAt: new Date().toISOString(),
    });
    ctx.scheduler.arm(schedule);
    return c.json(ctx.scheduler.withNext(schedule), 201);
  });

  app.get(`${base}/:id`, async (c) => c.json(ctx.scheduler.withNext(await load(c))));

  app.put(`${base}/:id`, async (c) => {
    const current = await load(c);
    const f = fieldsOf(await readBody(c));
    if (f.profileId !== undefined && f.profileId !== current.profileId) {
      throw new InvalidInputError(
        'profileId',
        f.profileId,
        `the schedule's own profile (${current.profileId}); create a new schedule for another profile`,
      );
    }
    const cron = f.cron === undefined ? current.cron : f.cron;
    const timezone = f.timezone === undefined ? current.timezone : f.timezone;
    checkCron(cron, timezone);
    const schedule = await ctx.store.updateSchedule(current.id, {
      cron: (cron as string).trim(),
      timezone: timezone as string,
      enabled: f.enabled === undefined ? current.enabled : checkEnabled(f.enabled),
      updatedAt: new Date().toISOString(),
    });
    ctx.scheduler.arm(schedule);
    return c.json(ctx.scheduler.withNext(schedule));
  });

  app.delete(`${base}/:id`, async (c) => {
    const schedule = await load(c);
    ctx.scheduler.disarm(schedule.id);
    await ctx.store.deleteSchedule(schedule.id);
    return c.body(null, 204);
  });
}
