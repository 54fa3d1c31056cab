/**
 * Meshery-compatible performance routes: `/api/perf/load-test` (SSE), `/api/perf/load-test-smps`,
 * `/api/perf/results` and `/api/perf/result?id=` downloads, so Meshery's UI and mesheryctl work.
 * @module
 */
import type { Context, Hono } from 'hono';
import { InvalidInputError } from '../../errors/index.js';
import { NotFoundError } from '../errors.js';
import { download } from '../export.js';
import { mesheryResult } from '../meshery.js';
import { fromMesheryQuery, parseDuration, withName } from '../settings.js';
import { planUpload, type SmpUploadOptions } from '../smp-runs.js';
import type { ApiContext } from './context.js';
import { readBody } from './http.js';
import { parseRunQuery } from './runs.js';
import { streamRuns } from './stream.js';

/** wantsJson: a client asking for JSON (and not for an event stream) gets 202 + the runs instead of SSE. */
export function wantsJson(c: Context): boolean {
  const accept = c.req.header('accept') ?? '';
  return /application\/json/.test(accept) && !/text\/event-stream/.test(accept);
}

/** smpOverrides reads the query parameters that adjust an uploaded SMP config. */
function smpOverrides(c: Context): SmpUploadOptions {
  const out: SmpUploadOptions = {};
  const mesh = c.req.query('mesh');
  if (mesh !== undefined) out.mesh = mesh.slice(0, 100);
  const warmup = c.req.query('warmup');
  if (warmup !== undefined) out.warmupMs = Math.round(parseDuration('warmup', warmup));
  return out;
}

export function perfRoutes(app: Hono, ctx: ApiContext): void {
  const loadTest = async (c: Context) => {
    const settings = withName(fromMesheryQuery(new URL(c.req.url).searchParams));
    const run = await ctx.queue.submit(settings);
    if (wantsJson(c)) return c.json({ runs: [run] }, 202);
    return streamRuns(c, ctx, [run.id]);
  };
  app.get('/api/perf/load-test', loadTest);
  app.post('/api/perf/load-test', loadTest);

  app.post('/api/perf/load-test-smps', async (c) => {
    const document = await readBody(c, true);
    const plan = planUpload(document, smpOverrides(c));
    // Every run is checked before the first is queued: a bad file queues nothing.
    for (const settings of plan.settings) ctx.queue.check(settings);
    const runs = [];
    for (const settings of plan.settings)
      runs.push(await ctx.queue.submit(withName(settings), { testId: plan.testId || null }));
    if (wantsJson(c)) return c.json({ testId: plan.testId, runs }, 202);
    return streamRuns(
      c,
      ctx,
      runs.map((r) => r.id),
    );
  });

  app.get('/api/perf/results', async (c) => {
    const page = await ctx.store.listRuns(parseRunQuery(c));
    return c.json({
      page: page.page,
      page_size: page.pageSize,
      total_count: page.totalCount,
      // Each entry carries its run's whole fortio result, as Meshery's clients expect.
      results: await Promise.all(
        page.items.map(async (run) => mesheryResult(run, await ctx.store.getResult(run.id))),
      ),
    });
  });

  app.get('/api/perf/result', async (c) => {
    const id = c.req.query('id');
    if (!id) throw new InvalidInputError('id', id, 'the id of a run');
    const run = await ctx.store.getRun(id);
    if (!run) throw new NotFoundError('run', id);
    const result = await ctx.store.getResult(id);
    if (!result) throw new NotFoundError('result of run', id);
    const file = download(run, result, c.req.query('format') ?? 'yaml');
    return c.body(file.body, 200, {
      'content-type': file.contentType,
      'content-disposition': `attachment; filename=${file.filename}`,
    });
  });
}
