/**
 * The control plane's HTTP API (default 127.0.0.1:15014), used by `meshplane apply|delete|get|logs|
 * mesh status|mesh down`. JSON in and out; errors use one envelope
 * `{"error": {"code", "message", "field"}}` with the error's HTTP status.
 *
 *   GET  /healthz                       liveness
 *   GET  /v1/status                     control plane + every proxy (connected, versions, NACK, cert expiry)
 *   POST /v1/apply   {manifest, source}  all-or-nothing apply of a multi-document manifest
 *   POST /v1/delete  {manifest, source, ignoreNotFound}
 *   GET  /v1/{workloads|services|serviceaccounts|endpoints|instances}?namespace=NS  (no namespace: all)
 *   GET  /v1/{trafficsplits|traffictargets|httproutegroups|tcproutes|udproutes}?namespace=NS
 *   GET  /v1/events?namespace=NS         control-plane events (SMI findings, access mode changes)
 *   GET  /v1/mesh/config                 mesh-wide settings {accessMode}
 *   POST /v1/mesh/config {accessMode}    change them at run time (every proxy gets the new mode)
 *   GET  /v1/config/:instance           the snapshot compiled for one proxy
 *   GET  /apis, /apis/<group>[/<version>]  Kubernetes discovery of the SMI groups (./discovery.ts)
 *   GET  /apis/metrics.smi-spec.io/...  the SMI TrafficMetrics API (./metrics/http.ts)
 *   GET  /v1/logs?namespace&workload&replica&container=app|proxy&follow&tail   plain text, streamed
 *   POST /v1/shutdown                   stop the mesh (mesh down)
 * @module
 */
import { createAdaptorServer } from '@hono/node-server';
import { Hono, type Context } from 'hono';
import { stream } from 'hono/streaming';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { InvalidInputError, MeshplaneError } from '../errors/index.js';
import type { StoredResource } from './apply.js';
import type { ControlPlane } from './control_plane.js';
import { NotFoundError } from './errors.js';
import { registerDiscovery } from './discovery.js';
import { registerMetricsApi } from './metrics/http.js';
import type { ServiceResource } from './resources/types.js';
import { accessModeName } from './settings.js';
import { viewEndpoints, viewResource, type ViewContext } from './views.js';

/** LogQuery selects one log of one instance. */
export interface LogQuery {
  namespace: string;
  workload: string;
  replica: number;
  container: 'app' | 'proxy';
  follow: boolean;
  /** Last N lines only; undefined for the whole log. */
  tail?: number;
}

/** LogSource reads instance logs; the platform provides it. Undefined when there is no such log. */
export type LogSource = (
  query: LogQuery,
  signal: AbortSignal,
) => Promise<AsyncIterable<Uint8Array> | undefined>;

export interface HttpApi {
  address: string;
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 5 * 1024 * 1024;

/** createApiApp builds the routes; exported so tests can call it without a socket. */
export function createApiApp(
  cp: ControlPlane,
  extras: { logs?: LogSource; onShutdown?: () => void } = {},
): Hono {
  const app = new Hono();
  app.onError((error, c) => {
    const e =
      error instanceof MeshplaneError
        ? error
        : new MeshplaneError('ERR_INTERNAL', error.message, { status: 500 });
    const field = error instanceof InvalidInputError ? error.field : undefined;
    return c.json(
      { error: { code: e.code, message: e.message, ...(field ? { field } : {}) } },
      e.status as 500,
    );
  });
  app.notFound((c) =>
    c.json(
      { error: { code: 'CONTROL_ERR_NOT_FOUND', message: `no route ${c.req.method} ${c.req.path}` } },
      404,
    ),
  );

  app.get('/healthz', (c) => c.json({ status: 'ok' }));
  app.get('/v1/status', (c) => c.json(cp.status()));

  app.post('/v1/apply', async (c) => {
    const body = await readBody(c);
    return c.json(await cp.apply(body.manifest, body.source));
  });
  app.post('/v1/delete', async (c) => {
    const body = await readBody(c);
    return c.json(await cp.delete(body.manifest, body.source, body.ignoreNotFound === true));
  });

  const kinds: Record<string, string> = {
    workloads: 'Workload',
    services: 'Service',
    serviceaccounts: 'ServiceAccount',
    trafficsplits: 'TrafficSplit',
    traffictargets: 'TrafficTarget',
    httproutegroups: 'HTTPRouteGroup',
    tcproutes: 'TCPRoute',
    udproutes: 'UDPRoute',
  };
  app.get(
    '/v1/:kind{workloads|services|serviceaccounts|trafficsplits|traffictargets|httproutegroups|tcproutes|udproutes}',
    (c) => {
      const kind = kinds[c.req.param('kind')]!;
      const ns = c.req.query('namespace');
      const ctx: ViewContext = {
        instances: cp.registry.list(),
        services: cp.store.services(),
        smi: cp.store.smi(),
      };
      const items = sorted(
        cp.store.entries().filter((e) => e.resource.kind === kind && inNamespace(e, ns)),
      ).map((e) => viewResource(e, ctx));
      return c.json({ items });
    },
  );
  app.get('/v1/events', (c) => c.json({ items: cp.eventList(c.req.query('namespace')) }));
  app.get('/v1/mesh/config', (c) => c.json(cp.meshSettings()));
  app.post('/v1/mesh/config', async (c) => {
    let body: unknown;
    try {
      body = await c.req.json();
    } catch {
      throw new InvalidInputError(
        'body',
        '(not JSON)',
        'a JSON object {"accessMode": "enforced" | "permissive"}',
      );
    }
    const mode = accessModeName((body as { accessMode?: unknown } | null)?.accessMode);
    return c.json(await cp.setAccessMode(mode));
  });
  app.get('/v1/endpoints', (c) => {
    const ns = c.req.query('namespace');
    const instances = cp.registry.list();
    const items = sorted(
      cp.store.entries().filter((e) => e.resource.kind === 'Service' && inNamespace(e, ns)),
    ).map((e) => viewEndpoints(e as StoredResource & { resource: ServiceResource }, instances));
    return c.json({ items });
  });
  app.get('/v1/instances', (c) => {
    const ns = c.req.query('namespace');
    return c.json({ items: cp.registry.list().filter((i) => ns === undefined || i.namespace === ns) });
  });
  app.get('/v1/config/:instance', (c) => {
    const config = cp.snapshot(c.req.param('instance'));
    if (!config) throw new NotFoundError(`no instance ${c.req.param('instance')}`);
    return c.json(config);
  });

  app.get('/v1/logs', async (c) => {
    if (!extras.logs) throw new NotFoundError('this control plane has no platform attached; no logs');
    const q = (name: string): string | undefined => c.req.query(name);
    const namespace = q('namespace') ?? 'default';
    const workload = q('workload');
    if (!workload) throw new InvalidInputError('workload', workload, 'a Workload name');
    const replica = Number(q('replica') ?? '0');
    if (!Number.isInteger(replica) || replica < 0)
      throw new InvalidInputError('replica', q('replica'), 'an integer ≥ 0');
    const container = q('container') ?? 'app';
    if (container !== 'app' && container !== 'proxy')
      throw new InvalidInputError('container', container, '"app" or "proxy"');
    const tail = q('tail') === undefined ? undefined : Number(q('tail'));
    if (tail !== undefined && (!Number.isInteger(tail) || tail < 0))
      throw new InvalidInputError('tail', q('tail'), 'an integer ≥ 0');
    const abort = new AbortController();
    const query: LogQuery = { namespace, workload, replica, container, follow: q('follow') === 'true', tail };
    const chunks = await extras.logs(query, abort.signal);
    if (!chunks)
      throw new NotFoundError(`no ${container} log for ${namespace}/${workload} replica ${replica}`);
    c.header('content-type', 'text/plain; charset=utf-8');
    return stream(c, async (s) => {
      s.onAbort(() => abort.abort());
      for await (const chunk of chunks) {
        if (s.aborted) break;
        await s.write(chunk);
      }
    });
  });

  registerDiscovery(app);
  registerMetricsApi(app, cp);

  app.post('/v1/shutdown', (c) => {
    if (!extras.onShutdown)
      throw new MeshplaneError('CONTROL_ERR_NOT_FOUND', 'shutdown is not available', { status: 404 });
    setImmediate(extras.onShutdown);
    return c.json({ status: 'stopping' }, 202);
  });
  return app;
}

/** startHttpApi serves the API on host:port and resolves once listening. */
export async function startHttpApi(
  cp: ControlPlane,
  host: string,
  port: number,
  extras: { logs?: LogSource; onShutdown?: () => void } = {},
): Promise<HttpApi> {
  const app = createApiApp(cp, extras);
  const server = createAdaptorServer({ fetch: app.fetch, overrideGlobalObjects: false }) as Server;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const bound = (server.address() as AddressInfo).port;
  return {
    address: `${host}:${bound}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

async function readBody(c: Context): Promise<{ manifest: string; source: string; ignoreNotFound?: unknown }> {
  const length = Number(c.req.header('content-length') ?? '0');
  if (length > MAX_BODY_BYTES)
    throw new InvalidInputError('body', `${length} bytes`, `at most ${MAX_BODY_BYTES} bytes`);
  let body: unknown;
  try {
    body = await c.req.json();
  } catch {
    throw new InvalidInputError(
      'body',
      '(not JSON)',
      'a JSON object {"manifest": "<yaml>", "source": "<file name>"}',
    );
  }
  const b = body as { manifest?: unknown; source?: unknown; ignoreNotFound?: unknown };
  if (typeof b.manifest !== 'string')
    throw new InvalidInputError('manifest', b.manifest, 'the manifest text (YAML or JSON)');
  const source = typeof b.source === 'string' && b.source ? b.source : 'manifest';
  return { manifest: b.manifest, source, ignoreNotFound: b.ignoreNotFound };
}

function inNamespace(e: StoredResource, ns: string | undefined): boolean {
  return ns === undefined || e.resource.metadata.namespace === ns;
}

function sorted(entries: StoredResource[]): StoredResource[] {
  const key = (e: StoredResource): string => `${e.resource.metadata.namespace}/${e.resource.metadata.name}`;
  return entries.sort((a, b) => key(a).localeCompare(key(b)));
}
