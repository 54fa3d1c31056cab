/**
 * Checks of the mesh's TrafficMetrics API (metrics.smi-spec.io v1alpha1/v1alpha2). Known traffic
 * is sent first; the API is then polled until it reports exactly those counts (proxies report with
 * some delay) or the metrics timeout passes, and every mismatch becomes a reason.
 * @module
 */
import {
  metricsPath,
  quantityToNumber,
  type ObjectReference,
  type TrafficMetricsVersion,
} from '../smi/index.js';
import { sendCalls, type CheckContext } from './checks.js';
import type { Instance } from './driver.js';
import { APP_NAMES, KNOWN_CALLS, KNOWN_TRAFFIC, SPLIT_BACKENDS } from './suites/index.js';
import type { AppName, MetricsCheck } from './suites/index.js';

/** MetricsContext adds the instances (pods) the API names and how long to wait for counts. */
export interface MetricsContext extends CheckContext {
  instances: Record<AppName, Instance>;
  metricsTimeoutMs: number;
}

/** Counts is what one TrafficMetrics item says. */
interface Counts {
  success?: number;
  failure?: number;
  latencyMs: { p50?: number; p90?: number; p99?: number };
}

type Item = Record<string, unknown>;

/** Expected is one TrafficMetrics object or list item the API must serve. */
interface Expected {
  /** Where it is, e.g. "pods/app-b-0 (v1alpha1)". */
  label: string;
  path: string;
  version: TrafficMetricsVersion;
  /** For lists: picks the item; undefined reads the answer as one object. */
  pick?: { describe: string; match: (item: Item) => boolean };
  success: number;
  failure: number;
  /** Extra checks of the object/item; returns reasons. */
  shape?: (item: Item) => string[];
  latency?: boolean;
}

const POLL_MS = 250;

/** runMetricsCheck runs one named check; it resolves to its failure reasons. */
export async function runMetricsCheck(check: MetricsCheck, ctx: MetricsContext): Promise<string[]> {
  const probe = await ctx.driver.getMetrics(
    metricsPath({ kind: 'Namespace', name: ctx.namespace }, 'v1alpha1'),
    ctx,
  );
  if (probe === undefined) return ['the mesh serves no TrafficMetrics API (metrics.smi-spec.io)'];
  switch (check) {
    case 'countsPerResource':
      return countsPerResource(ctx);
    case 'edges':
      return poll(edgeExpectations(ctx, 'v1alpha1'), ctx, exactItemCounts(ctx, 'v1alpha1'));
    case 'v1alpha2Shapes':
      return v1alpha2Shapes(ctx);
    case 'trafficSplitBackends':
      return trafficSplitBackends(ctx);
    case 'unknownResource': {
      const path = metricsPath({ kind: 'Pod', namespace: ctx.namespace, name: 'no-such-pod-0' }, 'v1alpha1');
      const answer = await ctx.driver.getMetrics(path, ctx);
      return answer?.status === 404
        ? []
        : [`GET ${path} answered ${answer?.status}; expected 404 for a pod that does not exist`];
    }
  }
}

async function countsPerResource(ctx: MetricsContext): Promise<string[]> {
  await Promise.all(APP_NAMES.map((app) => ctx.apps[app].resetMetrics(ctx.signal)));
  await sendCalls(KNOWN_CALLS, { ...ctx, trafficScale: 1 });
  const a = await ctx.apps['app-a'].metrics(ctx.signal);
  const okCalls = KNOWN_TRAFFIC.bSuccesses + KNOWN_TRAFFIC.cSuccesses;
  if (a.RespSucceeded.length !== okCalls || a.RespFailed.length !== KNOWN_TRAFFIC.bFailures) {
    return [
      `the known traffic did not flow: app-a RespSucceeded has ${a.RespSucceeded.length} entries and RespFailed ` +
        `${a.RespFailed.length}; expected ${okCalls} and ${KNOWN_TRAFFIC.bFailures}, so the mesh's counts cannot be compared`,
    ];
  }
  const { bSuccesses, bFailures, cSuccesses } = KNOWN_TRAFFIC;
  const pod = (app: AppName): ObjectReference => ({
    kind: 'Pod',
    namespace: ctx.namespace,
    name: ctx.instances[app].name,
  });
  const svc = (name: string): ObjectReference => ({ kind: 'Service', namespace: ctx.namespace, name });
  const one = (
    label: string,
    ref: ObjectReference,
    success: number,
    failure: number,
    latency = false,
  ): Expected => ({
    label: `${label} (v1alpha1)`,
    path: metricsPath(ref, 'v1alpha1'),
    version: 'v1alpha1',
    success,
    failure,
    latency,
    shape: (item) => resourceShape(item, ref, 'v1alpha1'),
  });
  return poll(
    [
      one(`pods/${pod('app-b').name}`, pod('app-b'), bSuccesses, bFailures, true),
      one(`pods/${pod('app-c').name}`, pod('app-c'), cSuccesses, 0, true),
      one('services/app-b', svc('app-b'), bSuccesses, bFailures),
      one('services/app-c', svc('app-c'), cSuccesses, 0),
      one(
        `namespaces/${ctx.namespace}`,
        { kind: 'Namespace', name: ctx.namespace },
        bSuccesses + cSuccesses,
        bFailures,
      ),
    ],
    ctx,
  );
}

function edgeExpectations(ctx: MetricsContext, version: TrafficMetricsVersion): Expected[] {
  const name = (app: AppName) => ctx.instances[app].name;
  const edgesOf = (app: AppName) =>
    metricsPath({ kind: 'Pod', namespace: ctx.namespace, name: name(app) }, version, true);
  const edge = (direction: 'from' | 'to', app: AppName) => ({
    describe: `the edge ${direction} pod ${name(app)}`,
    match: (item: Item) => {
      const e = item.edge as
        { direction?: unknown; resource?: { kind?: unknown; name?: unknown } } | null | undefined;
      return (
        e?.direction === direction && e.resource?.name === name(app) && (e.resource.kind ?? 'Pod') === 'Pod'
      );
    },
  });
  const side = (expected: 'server' | 'client') => (item: Item) => {
    const actual = (item.edge as { side?: unknown } | undefined)?.side;
    if (version === 'v1alpha1')
      return actual === undefined ? [] : [`edge.side is ${JSON.stringify(actual)}; v1alpha1 has no side`];
    return actual === expected ? [] : [`edge.side is ${JSON.stringify(actual)}; expected "${expected}"`];
  };
  const { bSuccesses, bFailures, cSuccesses } = KNOWN_TRAFFIC;
  return [
    { label: `pods/${name('app-b')}/edges (${version})`, path: edgesOf('app-b'), version, pick: edge('from', 'app-a'), success: bSuccesses, failure: bFailures, shape: side('server') },
    { label: `pods/${name('app-a')}/edges (${version})`, path: edgesOf('app-a'), version, pick: edge('to', 'app-b'), success: bSuccesses, failure: bFailures, shape: side('client') },
    { label: `pods/${name('app-a')}/edges (${version})`, path: edgesOf('app-a'), version, pick: edge('to', 'app-c'), success: cSuccesses, failure: 0, shape: side('client') },
  ]; // prettier-ignore
}

/** exactItemCounts: edges exist only where traffic flowed, so b has one edge and a two. */
function exactItemCounts(ctx: MetricsContext, version: TrafficMetricsVersion) {
  return (answers: Map<string, unknown>): string[] => {
    const reasons: string[] = [];
    for (const [app, n] of [
      ['app-b', 1],
      ['app-a', 2],
    ] as const) {
      const path = metricsPath(
        { kind: 'Pod', namespace: ctx.namespace, name: ctx.instances[app].name },
        version,
        true,
      );
      const items = itemsOf(answers.get(path));
      if (items && items.length !== n) {
        reasons.push(
          `pods/${ctx.instances[app].name}/edges (${version}) lists ${items.length} edges; expected ${n} (only where traffic flowed)`,
        );
      }
    }
    return reasons;
  };
}

async function v1alpha2Shapes(ctx: MetricsContext): Promise<string[]> {
  const path = metricsPath(
    { kind: 'Pod', namespace: ctx.namespace, name: ctx.instances['app-b'].name },
    'v1alpha1',
    true,
  );
  const v1 = await ctx.driver.getMetrics(path, ctx);
  const reasons: string[] = [];
  for (const item of itemsOf(v1?.body) ?? []) {
    if (item.backend !== undefined && item.backend !== null)
      reasons.push(`${path}: a v1alpha1 item carries backend; v1alpha1 has none`);
  }
  return [...reasons, ...(await poll(edgeExpectations(ctx, 'v1alpha2'), ctx))];
}

async function trafficSplitBackends(ctx: MetricsContext): Promise<string[]> {
  await Promise.all(APP_NAMES.map((app) => ctx.apps[app].resetMetrics(ctx.signal)));
  const n = KNOWN_TRAFFIC.splitRequests;
  await sendCalls([{ from: 'app-a', service: 'app-svc', path: '/echo', count: n }], {
    ...ctx,
    trafficScale: 1,
  });
  const [b, c] = await Promise.all([
    ctx.apps['app-b'].metrics(ctx.signal),
    ctx.apps['app-c'].metrics(ctx.signal),
  ]);
  const counts: Record<string, number> = { 'app-b': b.ReqReceived.length, 'app-c': c.ReqReceived.length };
  if (counts['app-b']! + counts['app-c']! !== n) {
    return [
      `app-b and app-c received ${counts['app-b']! + counts['app-c']!} of the ${n} requests sent to app-svc; expected all, so the split's counts cannot be compared`,
    ];
  }
  const path = metricsPath(
    { kind: 'TrafficSplit', namespace: ctx.namespace, name: 'server-split' },
    'v1alpha2',
  );
  const expected: Expected[] = SPLIT_BACKENDS.map((backend) => ({
    label: `trafficsplits/server-split (v1alpha2)`,
    path,
    version: 'v1alpha2',
    pick: {
      describe: `the item of backend ${backend.service}`,
      match: (item: Item) =>
        (item.backend as { name?: unknown } | null | undefined)?.name === backend.service,
    },
    success: counts[backend.service]!,
    failure: 0,
    shape: (item: Item) => {
      const got = item.backend as { apex?: unknown; weight?: unknown };
      const problems: string[] = [];
      if (got.apex !== 'app-svc')
        problems.push(`backend.apex is ${JSON.stringify(got.apex)}; expected "app-svc"`);
      if (Number(got.weight) !== backend.weight)
        problems.push(`backend.weight is ${JSON.stringify(got.weight)}; expected ${backend.weight}`);
      return problems;
    },
  }));
  return poll(expected, ctx, (answers) => {
    const items = itemsOf(answers.get(path));
    return items && items.length !== SPLIT_BACKENDS.length
      ? [`${path} lists ${items.length} items; expected one per backend (${SPLIT_BACKENDS.length})`]
      : [];
  });
}

/** poll asks every path until all expectations hold or the metrics timeout passes; then reports the last mismatches. */
async function poll(
  expected: Expected[],
  ctx: MetricsContext,
  extra?: (answers: Map<string, unknown>) => string[],
): Promise<string[]> {
  const deadline = Date.now() + ctx.metricsTimeoutMs;
  for (;;) {
    const answers = new Map<string, unknown>();
    const reasons: string[] = [];
    for (const path of new Set(expected.map((e) => e.path))) {
      const answer = await ctx.driver.getMetrics(path, ctx);
      if (!answer || answer.status !== 200) {
        reasons.push(
          `GET ${path} answered ${answer?.status ?? 'nothing'}${answer ? `: ${excerpt(answer.body)}` : ''}`,
        );
      } else {
        answers.set(path, answer.body);
      }
    }
    for (const e of expected) {
      if (answers.has(e.path)) reasons.push(...judge(e, answers.get(e.path)));
    }
    if (extra) reasons.push(...extra(answers));
    if (reasons.length === 0 || Date.now() >= deadline || ctx.signal.aborted) return reasons;
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}

function judge(e: Expected, body: unknown): string[] {
  let item: Item | undefined;
  if (e.pick) {
    const items = itemsOf(body);
    if (!items) return [`${e.label}: not a TrafficMetricsList (${excerpt(body)})`];
    item = items.find(e.pick.match);
    if (!item) return [`${e.label}: no item for ${e.pick.describe}`];
  } else {
    item = isItem(body) ? body : undefined;
    if (!item || item.kind !== 'TrafficMetrics')
      return [`${e.label}: not a TrafficMetrics object (${excerpt(body)})`];
  }
  const reasons: string[] = [];
  const where = e.pick ? `${e.label} ${e.pick.describe}` : e.label;
  const apiVersion = `metrics.smi-spec.io/${e.version}`;
  if (item.apiVersion !== undefined && item.apiVersion !== apiVersion) {
    reasons.push(`${where}: apiVersion is ${JSON.stringify(item.apiVersion)}; expected ${apiVersion}`);
  }
  const counts = readCounts(item);
  if (counts.success !== e.success)
    reasons.push(`${where}: success_count is ${counts.success ?? 'missing'}; expected ${e.success}`);
  if (counts.failure !== e.failure)
    reasons.push(`${where}: failure_count is ${counts.failure ?? 'missing'}; expected ${e.failure}`);
  if (e.latency) reasons.push(...latencyReasons(where, counts));
  if (e.shape) reasons.push(...e.shape(item).map((r) => `${where}: ${r}`));
  return reasons;
}

function latencyReasons(where: string, counts: Counts): string[] {
  const { p50, p90, p99 } = counts.latencyMs;
  if (p50 === undefined || p90 === undefined || p99 === undefined) {
    return [`${where}: p50/p90/p99_response_latency missing or unreadable (${[p50, p90, p99].join(', ')})`];
  }
  if (!(p50 > 0 && p50 <= p90 && p90 <= p99 && p99 < 60_000)) {
    return [
      `${where}: latencies p50 ${p50} ms, p90 ${p90} ms, p99 ${p99} ms; expected 0 < p50 ≤ p90 ≤ p99 < 60 s`,
    ];
  }
  return [];
}

/** readCounts reads the metrics array: counts as quantities, latencies converted to milliseconds. */
function readCounts(item: Item): Counts {
  const out: Counts = { latencyMs: {} };
  const metrics = Array.isArray(item.metrics)
    ? (item.metrics as { name?: unknown; unit?: unknown; value?: unknown }[])
    : [];
  for (const m of metrics) {
    const value =
      typeof m.value === 'number'
        ? m.value
        : typeof m.value === 'string'
          ? quantityToNumber(m.value)
          : undefined;
    if (value === undefined) continue;
    if (m.name === 'success_count') out.success = value;
    else if (m.name === 'failure_count') out.failure = value;
    else {
      const p = /^p(50|90|99)_response_latency$/.exec(String(m.name));
      const scale =
        m.unit === 'ms' || m.unit === undefined ? 1 : m.unit === 's' || m.unit === 'seconds' ? 1000 : NaN;
      if (p && !Number.isNaN(scale)) out.latencyMs[`p${p[1]}` as 'p50' | 'p90' | 'p99'] = value * scale;
    }
  }
  return out;
}

function resourceShape(item: Item, ref: ObjectReference, version: TrafficMetricsVersion): string[] {
  const r = item.resource as ObjectReference | undefined;
  const problems: string[] = [];
  if (r?.kind !== ref.kind || r?.name !== ref.name) {
    problems.push(`resource is ${JSON.stringify(r)}; expected ${ref.kind} ${ref.name}`);
  }
  if (version === 'v1alpha1' && item.backend !== undefined && item.backend !== null)
    problems.push('v1alpha1 has no backend');
  if (typeof item.window !== 'string' || !/^\d/.test(item.window))
    problems.push(`window is ${JSON.stringify(item.window)}; expected a duration such as "30s"`);
  return problems;
}

function isItem(value: unknown): value is Item {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function itemsOf(body: unknown): Item[] | undefined {
  if (!isItem(body) || !Array.isArray(body.items)) return undefined;
  return body.items.filter(isItem);
}

function excerpt(body: unknown): string {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  return text === undefined ? '(empty)' : text.length > 120 ? `${text.slice(0, 117)}...` : text;
}
