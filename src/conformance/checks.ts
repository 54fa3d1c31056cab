/**
 * Interprets the traffic checks of the suites: each phase resets the three sample apps' metrics,
 * sends its calls through app-a (or another app) and compares what the apps recorded with the
 * expectations. Every failed expectation becomes one precise reason.
 * @module
 */
import type { AppClient, CallAnswer } from './app_client.js';
import type { CallRecord, Metrics } from './app/store.js';
import { acceptanceInterval } from './binomial.js';
import type { MeshDriver } from './driver.js';
import { APP_NAMES, APP_PORT, SPLIT_CHECK_ALPHA } from './suites/index.js';
import type { AppName, Call, Expectation, Phase, Target } from './suites/index.js';

/** CheckContext is what a running check reaches: the driver and the deployed apps. */
export interface CheckContext {
  driver: MeshDriver;
  namespace: string;
  apps: Record<AppName, AppClient>;
  signal: AbortSignal;
  /** How many /call requests one phase keeps in flight. */
  concurrency: number;
  /** Multiplies the count of every repeated call (1 in the product; below 1 for quick runs). */
  trafficScale: number;
}

/** scaledCount is how often a call is made under `trafficScale` (single calls stay single). */
export function scaledCount(call: Call, scale: number): number {
  const count = call.count ?? 1;
  return count === 1 ? 1 : Math.max(1, Math.round(count * scale));
}

/** serviceUrl is the URL an app uses for a target, e.g. http://app-b.ns.svc.cluster.local:9091/echo. */
export function targetUrl(
  ctx: Pick<CheckContext, 'driver' | 'namespace'>,
  target: Pick<Target, 'service' | 'path'>,
): string {
  return `${ctx.driver.serviceUrl(target.service, ctx.namespace, APP_PORT)}${target.path}`;
}

/** runPhases runs a traffic check; it resolves to its failure reasons (none: passed). */
export async function runPhases(phases: Phase[], ctx: CheckContext): Promise<string[]> {
  const reasons: string[] = [];
  for (const [i, phase] of phases.entries()) {
    const found = await runPhase(phase, ctx);
    const prefix = phases.length > 1 ? `phase ${i + 1}: ` : '';
    reasons.push(...found.map((r) => prefix + r));
  }
  return reasons;
}

async function runPhase(phase: Phase, ctx: CheckContext): Promise<string[]> {
  await Promise.all(APP_NAMES.map((app) => ctx.apps[app].resetMetrics(ctx.signal)));
  const answers = await sendCalls(phase.calls, ctx);
  const metrics = Object.fromEntries(
    await Promise.all(APP_NAMES.map(async (app) => [app, await ctx.apps[app].metrics(ctx.signal)] as const)),
  ) as Record<AppName, Metrics>;
  const sent = phase.calls.reduce((n, c) => n + scaledCount(c, ctx.trafficScale), 0);
  const reasons = phase.expect.flatMap((e) => evaluate(e, metrics, sent, ctx));
  if (reasons.length > 0) reasons.push(...transportNotes(phase.calls, answers));
  return reasons;
}

/** sendCalls makes every call of a phase, `concurrency` at a time, and returns the apps' answers per call. */
export async function sendCalls(calls: Call[], ctx: CheckContext): Promise<CallAnswer[][]> {
  const out: CallAnswer[][] = [];
  for (const call of calls) {
    const count = scaledCount(call, ctx.trafficScale);
    const answers: CallAnswer[] = new Array(count);
    let next = 0;
    const body = {
      url: targetUrl(ctx, call),
      method: call.method ?? 'GET',
      body: call.body ?? '',
      headers: call.headers ?? {},
    };
    const worker = async (): Promise<void> => {
      while (next < count) {
        const i = next++;
        answers[i] = await ctx.apps[call.from].call(body, ctx.signal);
      }
    };
    await Promise.all(Array.from({ length: Math.min(ctx.concurrency, count) }, worker));
    out.push(answers);
  }
  return out;
}

/** transportNotes explains, per calling app, calls that got no HTTP response (the app answered 500 and recorded nothing). */
function transportNotes(calls: Call[], answers: CallAnswer[][]): string[] {
  const byCaller = new Map<
    AppName,
    { failed: number; sent: number; sample?: CallAnswer; what: Set<string> }
  >();
  calls.forEach((call, i) => {
    const failed = answers[i]!.filter((a) => a.status !== 200);
    const entry = byCaller.get(call.from) ?? { failed: 0, sent: 0, what: new Set<string>() };
    entry.sent += answers[i]!.length;
    entry.failed += failed.length;
    if (failed.length > 0) {
      entry.sample ??= failed[0]!;
      entry.what.add(`${call.method ?? 'GET'} ${call.service} ${call.path}`);
    }
    byCaller.set(call.from, entry);
  });
  return [...byCaller.entries()]
    .filter(([, e]) => e.failed > 0)
    .map(([from, e]) => {
      const sample = e.sample ?? { status: 0, text: '' };
      const how =
        e.failed === e.sent
          ? e.sent === 1
            ? 'the call'
            : `all ${e.sent} calls`
          : `${e.failed} of ${e.sent} calls`;
      return (
        `${how} from ${from} (${[...e.what].join(', ')}) got no HTTP response: ` +
        `${from} answered ${sample.status} ${JSON.stringify(sample.text.trim())} and recorded nothing`
      );
    });
}

function describeTarget(
  method: string,
  url: string,
  headers: Record<string, unknown> | null | undefined,
): string {
  const extra = Object.entries(headers ?? {}).map(([k, v]) => `${k}: ${String(v)}`);
  return `${method} ${url}${extra.length ? ` [${extra.join(', ')}]` : ''}`;
}

function key(method: string, url: string, headers: Record<string, unknown> | null | undefined): string {
  const sorted = Object.entries(headers ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `${method} ${url} ${JSON.stringify(sorted)}`;
}

function compareList(
  app: AppName,
  list: 'RespSucceeded' | 'RespFailed',
  actual: CallRecord[],
  expected: Target[],
  ctx: CheckContext,
): string[] {
  const want = expected.map((t) => {
    const url = targetUrl(ctx, t);
    const method = t.method ?? 'GET';
    return { key: key(method, url, t.headers), text: describeTarget(method, url, t.headers) };
  });
  const have = actual.map((r) => ({
    key: key(r.Method, r.URL, r.Headers),
    text: describeTarget(r.Method, r.URL, r.Headers),
  }));
  const entries = (n: number) => `${n} ${n === 1 ? 'entry' : 'entries'}`;
  if (have.length !== want.length) {
    const expectedText =
      want.length === 0
        ? 'expected none'
        : `expected exactly ${want.length} (${want.map((w) => w.text).join(', ')})`;
    const actualText = have.length === 0 ? '' : ` (${have.map((h) => h.text).join(', ')})`;
    return [`${app} ${list} has ${entries(have.length)}${actualText}; ${expectedText}`];
  }
  const remaining = have.map((h) => h.key);
  const missing = want.filter((w) => {
    const at = remaining.indexOf(w.key);
    if (at < 0) return true;
    remaining.splice(at, 1);
    return false;
  });
  if (missing.length === 0) return [];
  return [
    `${app} ${list} holds ${have.map((h) => h.text).join(', ')}; expected ${want.map((w) => w.text).join(', ')}`,
  ];
}

function evaluate(
  e: Expectation,
  metrics: Record<AppName, Metrics>,
  sent: number,
  ctx: CheckContext,
): string[] {
  const received = (app: AppName) => metrics[app].ReqReceived.length;
  switch (e.kind) {
    case 'outcomes':
      return [
        ...compareList(e.app, 'RespSucceeded', metrics[e.app].RespSucceeded, e.succeeded, ctx),
        ...compareList(e.app, 'RespFailed', metrics[e.app].RespFailed, e.failed, ctx),
      ];
    case 'received': {
      const actual = metrics[e.app].ReqReceived;
      if (JSON.stringify(actual) === JSON.stringify(e.from)) return [];
      return [`${e.app} ReqReceived is ${JSON.stringify(actual)}; expected ${JSON.stringify(e.from)}`];
    }
    case 'receivedCount': {
      const n = received(e.app);
      const value = e.value === 'sent' ? sent : e.value;
      const ok = e.op === '==' ? n === value : e.op === '>' ? n > value : n >= value;
      const want =
        e.op === '==' ? `exactly ${value}` : e.op === '>' ? `more than ${value}` : `at least ${value}`;
      return ok ? [] : [`${e.app} ReqReceived has ${n} entries; expected ${want} (of ${sent} requests sent)`];
    }
    case 'receivedTotal': {
      const n = e.apps.reduce((sum, app) => sum + received(app), 0);
      if (n === sent) return [];
      return [`${e.apps.join(' and ')} received ${n} of the ${sent} requests sent; expected all of them`];
    }
    case 'compare': {
      const [l, r] = [received(e.left), received(e.right)];
      if (e.op === '>' ? l > r : l < r) return [];
      return [
        `${e.left} ReqReceived has ${l} entries and ${e.right} ${r}; expected ${e.left} ${e.op === '>' ? 'more' : 'fewer'} than ${e.right}`,
      ];
    }
    case 'split':
      return splitReasons(e.backends, metrics, sent);
  }
}

function splitReasons(
  backends: { app: AppName; weight: number }[],
  metrics: Record<AppName, Metrics>,
  sent: number,
): string[] {
  const total = backends.reduce((s, b) => s + b.weight, 0);
  const counts = backends.map((b) => metrics[b.app].ReqReceived.length);
  const landed = counts.reduce((a, b) => a + b, 0);
  if (landed !== sent) {
    return [
      `${backends.map((b) => b.app).join(' and ')} received ${landed} of the ${sent} requests sent; expected all of them`,
    ];
  }
  const reasons: string[] = [];
  backends.forEach((b, i) => {
    const share = total === 0 ? 0 : b.weight / total;
    const { lo, hi } = acceptanceInterval(sent, share, SPLIT_CHECK_ALPHA);
    const n = counts[i]!;
    if (n < lo || n > hi) {
      reasons.push(
        `${b.app} received ${n} of ${sent} requests (${((100 * n) / sent).toFixed(1)} %); weight ${b.weight} of ${total} ` +
          `(${(100 * share).toFixed(1)} %) accepts ${lo === hi ? lo : `${lo}–${hi}`} (binomial, α = ${SPLIT_CHECK_ALPHA.toExponential()})`,
      );
    }
  });
  return reasons;
}
