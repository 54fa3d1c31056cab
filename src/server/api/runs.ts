/**
 * Routes of runs, meshplane's own API used by the web UI and the CLI: start, watch, cancel, list,
 * read a result with chart data, compare, delete.
 * @module
 */
import type { Context, Hono } from 'hono';
import { InvalidInputError } from '../../errors/index.js';
import { histogramViews, type HistogramView } from '../charts.js';
import { compare } from '../compare.js';
import { NotFoundError } from '../errors.js';
import { latencyHistogramName } from '../export.js';
import { runStatuses, type RunStatus } from '../model.js';
import { parseSettings, withName } from '../settings.js';
import { runOrderFields, type RunOrderField, type RunQuery } from '../store/store.js';
import type { ApiContext } from './context.js';
import { intParam, readBody } from './http.js';
import { streamRuns } from './stream.js';

/** Stored histograms that hold latencies (µs) and are charted; the rest hold sizes. */
const latencyHistograms = ['latency', 'uncorrected', 'sendLag', 'connect', 'errors'];

/** Names Meshery's clients sort by, mapped to our columns. */
const orderAliases: Record<string, RunOrderField> = {
  test_start_time: 'created_at',
  start_time: 'created_at',
  created: 'created_at',
  qps: 'actual_qps',
  duration: 'duration_ms',
  p50: 'p50_us',
  p99: 'p99_us',
  p999: 'p999_us',
  'p99.9': 'p999_us',
};

/** parseRunQuery reads page, pageSize, search, order ("field [asc|desc]"), profileId and status. */
export function parseRunQuery(c: Context): RunQuery {
  const order = (c.req.query('order') ?? '').trim();
  let orderBy: RunOrderField = 'created_at';
  let descending = true;
  if (order) {
    const [rawField = '', rawDirection = ''] = order.split(/\s+/);
    const field = (orderAliases[rawField] ?? rawField) as RunOrderField;
    if (!runOrderFields.includes(field)) {
      throw new InvalidInputError(
        'order',
        order,
        `"<field> [asc|desc]" with field one of ${runOrderFields.join(', ')}`,
      );
    }
    if (rawDirection && !/^(asc|desc)$/i.test(rawDirection)) {
      throw new InvalidInputError('order', order, 'a direction of asc or desc');
    }
    orderBy = field;
    descending = rawDirection ? rawDirection.toLowerCase() === 'desc' : field === 'created_at';
  }
  const status = c.req.query('status');
  if (status !== undefined && status !== '' && !runStatuses.includes(status as RunStatus)) {
    throw new InvalidInputError('status', status, `one of ${runStatuses.join(', ')}`);
  }
  const search = c.req.query('search')?.trim();
  return {
    page: intParam(c, 'page', 0, 0, 1_000_000),
    pageSize: intParam(c, 'pageSize', intParam(c, 'page_size', 20, 1, 500), 1, 500),
    orderBy,
    descending,
    ...(search ? { search: search.slice(0, 200) } : {}),
    ...(status ? { status: status as RunStatus } : {}),
  };
}

/** parseIds reads a comma-separated `ids` parameter. */
function parseIds(raw: string | undefined): string[] {
  const ids = (raw ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (ids.length > 50) throw new InvalidInputError('ids', ids.length, 'at most 50 run ids');
  return [...new Set(ids)];
}

export function runRoutes(app: Hono, ctx: ApiContext): void {
  app.post('/api/runs', async (c) => {
    const body = await readBody(c);
    const settings = withName(parseSettings(body));
    const run = await ctx.queue.submit(settings);
    return c.json({ run, live: ctx.queue.state(run.id) ?? null }, 202);
  });

  app.get('/api/runs', async (c) => c.json(await ctx.store.listRuns(parseRunQuery(c))));

  app.get('/api/runs/:id', async (c) => {
    const run = await ctx.store.getRun(c.req.param('id'));
    if (!run) throw new NotFoundError('run', c.req.param('id'));
    return c.json({ run, live: ctx.queue.state(run.id) ?? null });
  });

  app.get('/api/runs/:id/events', async (c) => {
    const id = c.req.param('id');
    if (!(await ctx.store.getRun(id))) throw new NotFoundError('run', id);
    return streamRuns(c, ctx, [id]);
  });

  app.post('/api/runs/:id/cancel', async (c) => {
    const id = c.req.param('id');
    if (!(await ctx.store.getRun(id))) throw new NotFoundError('run', id);
    return c.json({ run: await ctx.queue.cancel(id) });
  });

  app.delete('/api/runs/:id', async (c) => {
    const id = c.req.param('id');
    if (!(await ctx.store.deleteRun(id))) throw new NotFoundError('run', id);
    return c.body(null, 204);
  });

  app.get('/api/runs/:id/result', async (c) => {
    const id = c.req.param('id');
    const run = await ctx.store.getRun(id);
    if (!run) throw new NotFoundError('run', id);
    const result = await ctx.store.getResult(id);
    if (!result) throw new NotFoundError('result of run', id);
    // Each latency histogram is binned on its own range; size histograms (bytes) are not charted.
    const charts: Record<string, HistogramView> = {};
    for (const name of latencyHistograms) {
      const encoded = result.histograms[name];
      if (encoded) charts[name] = histogramViews([encoded])[0]!;
    }
    return c.json({
      run,
      report: result.report,
      environment: result.environment,
      histogram: charts[latencyHistogramName] ?? null,
      histograms: charts,
    });
  });

  app.get('/api/compare', async (c) => {
    const ids = parseIds(c.req.query('ids'));
    const runs = await ctx.store.getRuns(ids);
    const missing = ids.find((id) => !runs.some((r) => r.id === id));
    if (missing) throw new NotFoundError('run', missing);
    const items = await Promise.all(
      runs.map(async (run) => ({ run, result: await ctx.store.getResult(run.id) })),
    );
    return c.json(compare(items));
  });
}
