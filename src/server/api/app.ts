/**
 * createApp assembles the management API (hono, Web-standard Request/Response): bearer-token
 * check, the route modules, the OpenAPI document, the web UI's files, and the one error edge.
 * @module
 */
import { timingSafeEqual } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Hono } from 'hono';
import { bodyLimit as limitBody } from 'hono/body-limit';
import { serveStatic } from '@hono/node-server/serve-static';
import { NotFoundError, PayloadTooLargeError, UnauthorizedError } from '../errors.js';
import type { ApiContext } from './context.js';
import { bodyLimit, errorResponse } from './http.js';
import { openApiDocument } from './openapi.js';
import { perfRoutes } from './perf.js';
import { profileRoutes } from './profiles.js';
import { runRoutes } from './runs.js';
import { scheduleRoutes } from './schedules.js';
import { smiRoutes } from './smi.js';

export interface AppOptions {
  /** when set, every /api request must carry `Authorization: Bearer <token>` */
  token?: string;
  /** folder of the built web UI (index.html + assets); the UI is not served when absent */
  uiRoot?: string;
}

function sameToken(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

export function createApp(ctx: ApiContext, options: AppOptions = {}): Hono {
  const app = new Hono();
  app.onError((error, c) => errorResponse(c, error, ctx.log));

  if (options.token) {
    const token = options.token;
    app.use('/api/*', async (c, next) => {
      const header = c.req.header('authorization') ?? '';
      const m = /^Bearer\s+(.+)$/i.exec(header);
      if (!m || !sameToken(m[1]!.trim(), token)) throw new UnauthorizedError();
      await next();
    });
  }

  // Bodies are counted as they stream in, so an endless chunked upload is cut off at the limit.
  app.use(
    '/api/*',
    limitBody({
      maxSize: bodyLimit,
      // The rest of the body is never read, so the connection cannot carry another request.
      onError: (c) => {
        c.header('connection', 'close');
        return errorResponse(c, new PayloadTooLargeError(bodyLimit));
      },
    }),
  );

  app.get('/api/system', async (c) => {
    const running = (
      await ctx.store.listRuns({
        page: 0,
        pageSize: 1,
        orderBy: 'created_at',
        descending: true,
        status: 'running',
      })
    ).totalCount;
    const queued = (
      await ctx.store.listRuns({
        page: 0,
        pageSize: 1,
        orderBy: 'created_at',
        descending: true,
        status: 'queued',
      })
    ).totalCount;
    return c.json({
      version: ctx.version,
      environment: ctx.environment(),
      generators: ctx.generators,
      store: ctx.store.location,
      queue: { running, queued },
    });
  });
  app.get('/api/openapi.json', (c) => c.json(openApiDocument(ctx.version)));

  runRoutes(app, ctx);
  perfRoutes(app, ctx);
  profileRoutes(app, ctx);
  scheduleRoutes(app, ctx);
  smiRoutes(app, ctx);

  app.all('/api/*', (c) => {
    throw new NotFoundError('route', `${c.req.method} ${c.req.path}`);
  });

  const uiRoot = options.uiRoot;
  if (uiRoot && existsSync(join(uiRoot, 'index.html'))) {
    const index = readFileSync(join(uiRoot, 'index.html'), 'utf8');
    app.use('/assets/*', serveStatic({ root: uiRoot }));
    app.use('/favicon.svg', serveStatic({ root: uiRoot }));
    // Every other path is a page of the single-page UI.
    app.get('*', (c) => c.html(index));
  } else {
    app.get('/', (c) =>
      c.text('meshplane server: the web UI is not built (run `npm run build`); the API is under /api/\n'),
    );
  }
  return app;
}
