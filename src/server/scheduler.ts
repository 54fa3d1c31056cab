/**
 * Scheduler fires saved schedules while the server is up: each enabled schedule gets a croner job
 * that queues a run of its profile. Schedules live in the store, so they come back after a restart.
 * @module
 */
import { Cron } from 'croner';
import { InvalidInputError } from '../errors/index.js';
import type { Schedule } from './model.js';
import type { RunQueue } from './queue.js';
import type { Store } from './store/store.js';

/** checkCron parses a cron expression (and time zone) and returns the next fire time, or throws 400. */
export function checkCron(cron: unknown, timezone: unknown, prefix = ''): { next: Date | null } {
  if (typeof cron !== 'string' || cron.trim() === '') {
    throw new InvalidInputError(`${prefix}cron`, cron, 'a cron expression such as "0 */6 * * *"');
  }
  if (typeof timezone !== 'string')
    throw new InvalidInputError(`${prefix}timezone`, timezone, 'an IANA time zone');
  if (timezone) {
    try {
      new Intl.DateTimeFormat('en', { timeZone: timezone });
    } catch {
      throw new InvalidInputError(`${prefix}timezone`, timezone, 'an IANA time zone such as "Europe/Berlin"');
    }
  }
  let job: Cron;
  try {
    job = new Cron(cron.trim(), { paused: true, ...(timezone ? { timezone } : {}) });
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    throw new InvalidInputError(
      `${prefix}cron`,
      cron,
      `a cron expression with 5 or 6 fields ([seconds] minutes hours day-of-month month day-of-week): ${why}`,
    );
  }
  const next = job.nextRun();
  job.stop();
  return { next };
}

export class Scheduler {
  private readonly jobs = new Map<string, Cron>();
  private stopped = false;

  constructor(
    private readonly store: Store,
    private readonly queue: RunQueue,
    private readonly log: (line: string) => void = () => {},
  ) {}

  /** start arms every enabled schedule in the store. */
  async start(): Promise<void> {
    for (const schedule of await this.store.listSchedules()) this.arm(schedule);
  }

  /** arm (re)creates the job of one schedule; a disabled schedule only loses its job. */
  arm(schedule: Schedule): void {
    this.disarm(schedule.id);
    if (!schedule.enabled || this.stopped) return;
    const job = new Cron(
      schedule.cron,
      { protect: true, ...(schedule.timezone ? { timezone: schedule.timezone } : {}) },
      () => this.fire(schedule.id),
    );
    this.jobs.set(schedule.id, job);
  }

  disarm(id: string): void {
    this.jobs.get(id)?.stop();
    this.jobs.delete(id);
  }

  /** nextRun is when a schedule fires next (null when disabled or unknown). */
  nextRun(id: string): Date | null {
    return this.jobs.get(id)?.nextRun() ?? null;
  }

  /** withNext adds the computed next fire time to a stored schedule. */
  withNext(schedule: Schedule): Schedule {
    return { ...schedule, nextRunAt: this.nextRun(schedule.id)?.toISOString() ?? null };
  }

  stop(): void {
    this.stopped = true;
    for (const id of [...this.jobs.keys()]) this.disarm(id);
  }

  /** fire queues one run of the schedule's profile; failures are logged, never thrown into croner. */
  async fire(id: string): Promise<void> {
    try {
      const schedule = await this.store.getSchedule(id);
      if (!schedule?.enabled) return;
      const profile = await this.store.getProfile(schedule.profileId);
      if (!profile) return;
      const at = new Date();
      const name = `${profile.name} ${at.toISOString().slice(0, 16).replace('T', ' ')}`;
      const run = await this.queue.submit(
        { ...profile.settings, name },
        { profileId: profile.id, scheduleId: schedule.id },
      );
      await this.store.recordScheduleFired(id, at.toISOString(), run.id);
      this.log(`schedule ${id} queued run ${run.id} of profile "${profile.name}"`);
    } catch (error) {
      this.log(`schedule ${id} could not queue a run: ${error instanceof Error ? error.message : error}`);
    }
  }
}
