/**
 * The TrafficMetrics API (`metrics.smi-spec.io` v1alpha1 and v1alpha2) on the control plane's HTTP
 * API, at the paths of the aggregated Kubernetes API:
 *
 *   GET /apis/metrics.smi-spec.io/<ver>                                      APIResourceList
 *   GET /apis/metrics.smi-spec.io/<ver>/namespaces[/<name>[/edges]]          Namespace metrics
 *   GET /apis/metrics.smi-spec.io/<ver>/namespaces/<ns>/<plural>[/<name>[/edges]]
 *   GET /apis/metrics.smi-spec.io/<ver>/<plural>                             every namespace
 *
 * plurals: pods (instances), deployments (Workloads), services, trafficsplits (v1alpha2 only: one
 * item per backend). `?labelSelector=k=v,k2=v2` filters list items by their labels.
 * @module
 */
import type { Hono } from 'hono';
import { InvalidInputError } from '../../errors/index.js';
import {
  trafficMetricsListToJson,
  trafficMetricsToJson,
  type ObjectReference,
  type TrafficMetricsSample,
  type TrafficMetricsVersion,
} from '../../smi/index.js';
import type { ControlPlane } from '../control_plane.js';
import { NotFoundError } from '../errors.js';
import { matchesSelector } from '../resources/types.js';
import {
  edgeSamples,
  resourceSample,
  splitSamples,
  type MetricsKind,
  type MetricsMesh,
} from './aggregate.js';

const GROUP = 'metrics.smi-spec.io';
const PLURALS: Record<string, Exclude<MetricsKind, 'Namespace'>> = {
  pods: 'Pod',
  deployments: 'Deployment',
  services: 'Service',
  trafficsplits: 'TrafficSplit',
};
const NOT_HERE = ['nodes', 'replicationcontrollers', 'daemonsets', 'replicasets', 'statefulsets', 'jobs'];

interface Named {
  namespace: string;
  name: string;
  labels: Record<string, string>;
}

/** registerMetricsApi adds the TrafficMetrics routes to the control plane's API. */
export function registerMetricsApi(app: Hono, cp: ControlPlane): void {
  const base = `/apis/${GROUP}/:version{v1alpha[12]}`;
  const version = (v: string): TrafficMetricsVersion => v as TrafficMetricsVersion;

  const mesh = async (): Promise<MetricsMesh> => ({
    windows: await cp.metrics.windows(),
    services: cp.store.services(),
    workloads: cp.store.workloads(),
    splits: cp.store.smi().splits,
    windowMs: cp.metrics.windowMs,
    now: new Date(),
  });

  /** objects lists what exists of a kind, with labels for selectors. */
  const objects = (kind: MetricsKind, namespace?: string): Named[] => {
    const inNs = (o: Named): boolean => namespace === undefined || o.namespace === namespace;
    const meta = (m: { namespace: string; name: string; labels: Record<string, string> }): Named => ({
      namespace: m.namespace,
      name: m.name,
      labels: m.labels,
    });
    switch (kind) {
      case 'Pod':
        return cp.registry
          .list()
          .map((i) => ({ namespace: i.namespace, name: i.name, labels: i.labels }))
          .filter(inNs);
      case 'Deployment':
        return cp.store
          .workloads()
          .map((w) => meta(w.metadata))
          .filter(inNs);
      case 'Service':
        return cp.store
          .services()
          .map((s) => meta(s.metadata))
          .filter(inNs);
      case 'TrafficSplit':
        return cp.store
          .smi()
          .splits.map((s) => meta(s.metadata))
          .filter(inNs);
      case 'Namespace': {
        const names = new Set([
          ...cp.registry.list().map((i) => i.namespace),
          ...cp.store.resources().map((r) => r.metadata.namespace),
        ]);
        return [...names].sort().map((name) => ({ namespace: '', name, labels: {} }));
      }
    }
  };

  const kindOf = (plural: string, v: TrafficMetricsVersion): Exclude<MetricsKind, 'Namespace'> => {
    const kind = PLURALS[plural];
    if (!kind) {
      const why = NOT_HERE.includes(plural)
        ? `the reference mesh has no ${plural}: deployments are Workloads, pods are their instances`
        : `no TrafficMetrics for "${plural}"`;
      throw new NotFoundError(`${why} (served: namespaces, ${Object.keys(PLURALS).join(', ')})`);
    }
    if (kind === 'TrafficSplit' && v === 'v1alpha1') {
      throw new NotFoundError(
        `TrafficSplit metrics are served by ${GROUP}/v1alpha2 (v1alpha1 has no backend field)`,
      );
    }
    return kind;
  };

  const find = (kind: MetricsKind, namespace: string, name: string): Named => {
    const found = objects(kind, kind === 'Namespace' ? undefined : namespace).find((o) => o.name === name);
    if (!found)
      throw new NotFoundError(`${kind} ${kind === 'Namespace' ? name : `${namespace}/${name}`} not found`);
    return found;
  };

  const list = async (
    kind: MetricsKind,
    v: TrafficMetricsVersion,
    namespace: string | undefined,
    selectorText: string | undefined,
  ) => {
    const selector = parseSelector(selectorText);
    const m = await mesh();
    const items: TrafficMetricsSample[] = objects(kind, namespace)
      .filter((o) => !selector || matchesSelector(selector, o.labels))
      .flatMap((o) => {
        if (kind === 'TrafficSplit')
          return splitSamples(
            m,
            m.splits.find((s) => s.metadata.namespace === o.namespace && s.metadata.name === o.name)!,
          );
        return [resourceSample(m, kind, o.namespace, o.name)];
      });
    const resource: ObjectReference = namespace === undefined ? { kind } : { kind, namespace };
    return trafficMetricsListToJson(
      { resource, ...(selector ? { selector: { matchLabels: selector } } : {}), items },
      v,
    );
  };

  const one = async (kind: MetricsKind, v: TrafficMetricsVersion, namespace: string, name: string) => {
    find(kind, namespace, name);
    const m = await mesh();
    if (kind === 'TrafficSplit') {
      const split = m.splits.find((s) => s.metadata.namespace === namespace && s.metadata.name === name)!;
      return trafficMetricsListToJson(
        { resource: { kind, namespace, name }, items: splitSamples(m, split) },
        v,
      );
    }
    return trafficMetricsToJson(resourceSample(m, kind, namespace, name), v);
  };

  const edges = async (kind: MetricsKind, v: TrafficMetricsVersion, namespace: string, name: string) => {
    if (kind === 'TrafficSplit')
      throw new NotFoundError('TrafficSplits have no edges; their items are per backend');
    find(kind, namespace, name);
    const resource: ObjectReference = kind === 'Namespace' ? { kind, name } : { kind, namespace, name };
    return trafficMetricsListToJson(
      { resource, items: edgeSamples(await mesh(), kind, namespace, name), edges: true },
      v,
    );
  };

  app.get(base, (c) => {
    const resources = ['namespaces', ...Object.keys(PLURALS)].map((name) => ({
      name,
      namespaced: name !== 'namespaces',
      kind: 'TrafficMetrics',
      verbs: ['get', 'list'],
    }));
    return c.json({
      kind: 'APIResourceList',
      apiVersion: 'v1',
      groupVersion: `${GROUP}/${c.req.param('version')}`,
      resources,
    });
  });
  app.get(`${base}/namespaces`, async (c) =>
    c.json(await list('Namespace', version(c.req.param('version')), undefined, c.req.query('labelSelector'))),
  );
  app.get(`${base}/namespaces/:name/edges`, async (c) =>
    c.json(await edges('Namespace', version(c.req.param('version')), '', c.req.param('name'))),
  );
  app.get(`${base}/namespaces/:name`, async (c) =>
    c.json(await one('Namespace', version(c.req.param('version')), '', c.req.param('name'))),
  );
  app.get(`${base}/namespaces/:ns/:plural`, async (c) => {
    const v = version(c.req.param('version'));
    return c.json(
      await list(kindOf(c.req.param('plural'), v), v, c.req.param('ns'), c.req.query('labelSelector')),
    );
  });
  app.get(`${base}/namespaces/:ns/:plural/:name`, async (c) => {
    const v = version(c.req.param('version'));
    return c.json(await one(kindOf(c.req.param('plural'), v), v, c.req.param('ns'), c.req.param('name')));
  });
  app.get(`${base}/namespaces/:ns/:plural/:name/edges`, async (c) => {
    const v = version(c.req.param('version'));
    return c.json(await edges(kindOf(c.req.param('plural'), v), v, c.req.param('ns'), c.req.param('name')));
  });
  app.get(`${base}/:plural`, async (c) => {
    const v = version(c.req.param('version'));
    return c.json(await list(kindOf(c.req.param('plural'), v), v, undefined, c.req.query('labelSelector')));
  });
}

/** parseSelector reads an equality-based label selector, `app=web,tier=front`. */
function parseSelector(text: string | undefined): Record<string, string> | undefined {
  if (text === undefined || text === '') return undefined;
  const out: Record<string, string> = {};
  for (const part of text.split(',')) {
    const m = /^\s*([A-Za-z0-9_./-]+)\s*==?\s*([A-Za-z0-9_.-]*)\s*$/.exec(part);
    if (!m)
      throw new InvalidInputError('labelSelector', text, 'equality requirements such as app=web,tier=front');
    out[m[1]!] = m[2]!;
  }
  return out;
}
