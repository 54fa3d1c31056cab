/**
 * SMI conformance results: Meshery's `GET /api/smi/results[/{id}]` (its page shape and `SmiResult`
 * fields), plus `POST` to store a result (`meshplane mesh validate --server` sends one) and
 * `DELETE`.
 * @module
 */
import type { Context, Hono } from 'hono';
import { InvalidInputError } from '../../errors/index.js';
import { conformanceJson, readConformanceUpload } from '../conformance.js';
import { NotFoundError } from '../errors.js';
import { conformanceOrderFields, type ConformanceOrderField, type ConformanceQuery } from '../store/store.js';
import type { ApiContext } from './context.js';
import { intParam, readBody } from './http.js';

const orderAliases: Record<string, ConformanceOrderField> = {
  mesh: 'mesh_name',
  version: 'mesh_version',
  passed: 'passing_percentage',
  created_at: 'uploaded_at',
};

/** parseConformanceQuery reads page, pagesize (or pageSize, page_size), search and order ("field [asc|desc]"). */
export function parseConformanceQuery(c: Context): ConformanceQuery {
  const order = (c.req.query('order') ?? '').trim();
  let orderBy: ConformanceOrderField = 'date';
  let descending = true;
  if (order) {
    const [rawField = '', rawDirection = ''] = order.split(/\s+/);
    const field = (orderAliases[rawField] ?? rawField) as ConformanceOrderField;
    if (!conformanceOrderFields.includes(field)) {
      throw new InvalidInputError(
        'order',
        order,
        `"<field> [asc|desc]" with field one of ${conformanceOrderFields.join(', ')}`,
      );
    }
    if (rawDirection && !/^(asc|desc)$/i.test(rawDirection)) {
      throw new InvalidInputError('order', order, 'a direction of asc or desc');
    }
    orderBy = field;
    descending = rawDirection
      ? rawDirection.toLowerCase() === 'desc'
      : field === 'date' || field === 'uploaded_at';
  }
  const search = c.req.query('search')?.trim();
  const size = (name: string, fallback: number) => intParam(c, name, fallback, 1, 500);
  return {
    page: intParam(c, 'page', 0, 0, 1_000_000),
    pageSize: size('pagesize', size('pageSize', size('page_size', 20))),
    orderBy,
    descending,
    ...(search ? { search: search.slice(0, 200) } : {}),
  };
}

export function smiRoutes(app: Hono, ctx: ApiContext): void {
  app.get('/api/smi/results', async (c) => {
    const page = await ctx.store.listConformance(parseConformanceQuery(c));
    return c.json({
      page: page.page,
      page_size: page.pageSize,
      total_count: page.totalCount,
      results: page.items.map(conformanceJson),
    });
  });

  app.post('/api/smi/results', async (c) => {
    // `mesh validate -o json` and `-o yaml` print the same document; both are accepted.
    const stored = readConformanceUpload(await readBody(c, true));
    const result = await ctx.store.saveConformance(stored);
    ctx.log(
      `conformance result ${result.id} stored: ${[result.meshName, result.meshVersion].filter(Boolean).join(' ')}, ${result.passingPercentage} % passed`,
    );
    return c.json(conformanceJson(result), 201);
  });

  app.get('/api/smi/results/:id', async (c) => {
    const id = c.req.param('id');
    const stored = await ctx.store.getConformance(id);
    if (!stored) throw new NotFoundError('conformance result', id);
    return c.json({ ...conformanceJson(stored.result), document: stored.document });
  });

  app.delete('/api/smi/results/:id', async (c) => {
    const id = c.req.param('id');
    if (!(await ctx.store.deleteConformance(id))) throw new NotFoundError('conformance result', id);
    return c.body(null, 204);
  });
}
