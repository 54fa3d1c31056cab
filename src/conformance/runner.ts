/**
 * Runner: deploys the sample app in a fresh namespace per suite through a MeshDriver, runs the
 * suite's steps in order, and tears the namespace down (also after failures and on abort). Every
 * failure becomes a step result; only a mesh that cannot even be described throws.
 * @module
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { InvalidInputError } from '../errors/index.js';
import type { KubernetesObject } from '../manifest/index.js';
import { AppClient } from './app_client.js';
import { runPhases } from './checks.js';
import type { DriverCall, Instance, MeshDriver, ServedApi } from './driver.js';
import { NotReadyError } from './errors.js';
import { runMetricsCheck } from './metrics_checks.js';
import type { ConformanceRun, StepResult, SuiteResult } from './result.js';
import { APP_NAMES, appObjects, sampleWorkloads, SUITE_NAMES, SUITES } from './suites/index.js';
import type { AppName, Check, Claims, Step, Suite, SuiteName } from './suites/index.js';

export interface RunOptions {
  /** Suites to run, in the standard order; default all. */
  suites?: SuiteName[];
  /** Aborting stops the run after the current request; namespaces are still torn down. */
  signal?: AbortSignal;
  /** Longest wait for a change to take effect (default 5000 ms, the original suite's fixed sleep). */
  settleTimeoutMs?: number;
  /** Longest wait for the sample app to become ready (default 60 s). */
  readyTimeoutMs?: number;
  /** Longest wait for the TrafficMetrics API to report known traffic (default 10 s). */
  metricsTimeoutMs?: number;
  /** /call requests in flight at once (default 8). */
  concurrency?: number;
  /**
   * Multiplies the request count of every repeated call (default 1, the product's sizes). Below 1
   * the statistical checks keep their α but lose power: for quick runs against a mesh expected to
   * fail, such as the no-mesh test. TrafficMetrics traffic is never scaled.
   */
  trafficScale?: number;
  /** Skip the rest of a suite after its first failed step (kuttl's behaviour). */
  failFast?: boolean;
  /** Namespace prefix (default "smi"); a random suffix makes each namespace fresh. */
  namespacePrefix?: string;
  /** Called after each step. */
  onStep?: (suite: SuiteName, step: StepResult) => void;
  onSuiteStart?: (suite: SuiteName, namespace: string) => void;
}

const DEFAULTS = {
  settleTimeoutMs: 5000,
  readyTimeoutMs: 60_000,
  metricsTimeoutMs: 10_000,
  concurrency: 8,
  trafficScale: 1,
};

/** claimsOf answers from the API versions the mesh serves. */
export function claimsOf(served: ServedApi[]): Claims {
  return {
    serves: (apiVersion, kind) =>
      served.some((api) => `${api.group}/${api.version}` === apiVersion && api.kinds.includes(kind)),
  };
}

/** selectSuites validates suite names; the order is always the standard one. */
export function selectSuites(names: readonly string[] | undefined): Suite[] {
  if (!names || names.length === 0) return [...SUITES];
  for (const [i, name] of names.entries()) {
    if (!(SUITE_NAMES as readonly string[]).includes(name)) {
      throw new InvalidInputError(`suite[${i}]`, name, `one of ${SUITE_NAMES.join(', ')}`);
    }
  }
  return SUITES.filter((s) => names.includes(s.name));
}

/** runConformance runs the suites against the mesh behind `driver`. */
export async function runConformance(driver: MeshDriver, options: RunOptions = {}): Promise<ConformanceRun> {
  const suites = selectSuites(options.suites);
  const opts = { ...DEFAULTS, ...definedOnly(options) };
  for (const key of ['settleTimeoutMs', 'readyTimeoutMs', 'metricsTimeoutMs', 'concurrency'] as const) {
    if (!Number.isInteger(opts[key]) || opts[key] <= 0)
      throw new InvalidInputError(key, opts[key], 'a positive integer');
  }
  if (!(opts.trafficScale > 0 && opts.trafficScale <= 1)) {
    throw new InvalidInputError('trafficScale', opts.trafficScale, 'a number in (0, 1]');
  }
  const signal = options.signal ?? new AbortController().signal;
  const startedAt = new Date();
  const info = await driver.describe({ signal });
  const results: SuiteResult[] = [];
  for (const suite of suites) {
    results.push(await new SuiteRun(suite, driver, claimsOf(info.served), { ...opts, signal }).run());
  }
  return {
    id: randomUUID(),
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    driver: driver.name,
    mesh: { name: info.name, version: info.version },
    served: info.served,
    suites: results,
    interrupted: signal.aborted,
    ...(opts.trafficScale === 1 ? {} : { trafficScale: opts.trafficScale }),
  };
}

type Settings = typeof DEFAULTS & RunOptions & { signal: AbortSignal };

class SuiteRun {
  readonly #suite: Suite;
  readonly #driver: MeshDriver;
  readonly #claims: Claims;
  readonly #opts: Settings;
  readonly namespace: string;
  #apps: Record<AppName, AppClient> | undefined;
  #instances: Record<AppName, Instance> | undefined;
  /** Set when a later step cannot run (namespace or app missing). */
  #blockedBy: string | undefined;
  /** When the last change was applied, and whether the driver knew it to be in effect after settling. */
  #lastChange = { at: 0, exact: true };

  constructor(suite: Suite, driver: MeshDriver, claims: Claims, opts: Settings) {
    this.#suite = suite;
    this.#driver = driver;
    this.#claims = claims;
    this.#opts = opts;
    this.namespace = `${opts.namespacePrefix ?? 'smi'}-${suite.name}-${randomBytes(3).toString('hex')}`;
  }

  async run(): Promise<SuiteResult> {
    const started = performance.now();
    const steps = this.#suite.steps(this.#claims);
    const results: StepResult[] = [];
    const { signal } = this.#opts;
    let teardownError: string | undefined;
    this.#opts.onSuiteStart?.(this.#suite.name, this.namespace);
    try {
      if (!signal.aborted) {
        try {
          await this.#driver.createNamespace(this.namespace, { signal });
        } catch (error) {
          this.#blockedBy = `namespace ${this.namespace} could not be created: ${message(error)}`;
        }
      }
      for (const [i, step] of steps.entries()) {
        const failedBefore = results.some((r) => r.status !== 'passed');
        let result: StepResult;
        if (signal.aborted) result = skipped(i + 1, step, 'interrupted before this step');
        else if (this.#blockedBy) result = skipped(i + 1, step, this.#blockedBy);
        else if (this.#opts.failFast && failedBefore)
          result = skipped(i + 1, step, 'an earlier step failed (--fail-fast)');
        else result = await this.#runStep(i + 1, step);
        results.push(result);
        this.#opts.onStep?.(this.#suite.name, result);
      }
    } finally {
      // Teardown runs even after Ctrl-C, with its own deadline.
      try {
        await this.#driver.deleteNamespace(this.namespace, { signal: AbortSignal.timeout(60_000) });
      } catch (error) {
        teardownError = message(error);
      }
    }
    return {
      name: this.#suite.name,
      specVersion: this.#suite.specVersion,
      namespace: this.namespace,
      steps: results,
      durationMs: Math.round(performance.now() - started),
      ...(teardownError ? { teardownError } : {}),
    };
  }

  async #runStep(number: number, step: Step): Promise<StepResult> {
    const started = performance.now();
    const call: DriverCall = { signal: this.#opts.signal };
    const result: StepResult = {
      number,
      name: step.name,
      summary: step.summary,
      original: step.original === true,
      status: 'passed',
      reasons: [],
      durationMs: 0,
      warnings: [],
      applied: [],
      deleted: [],
    };
    let changed = false;
    try {
      // The sample app first, on its own: a mesh that rejects the step's SMI resources still gets
      // the app deployed, so later steps can run (and fail for their own reasons).
      if (step.deploy) {
        const app = [
          ...appObjects(this.namespace, step.deploy),
          ...sampleWorkloads(this.namespace, step.deploy).map((w) => this.#driver.workloadManifest(w)),
        ];
        changed = true;
        result.warnings.push(...(await this.#driver.apply(app, call)));
        result.applied.push(...app.map(describeObject));
        await this.#deploy(call);
      }
    } catch (error) {
      result.reasons.push(message(error));
      this.#blockedBy = `step ${number} (${step.name}) could not deploy the sample app`;
    }
    try {
      if (!this.#blockedBy || !step.deploy) {
        if (step.apply) {
          const objects = step.apply(this.namespace);
          changed = true;
          result.warnings.push(...(await this.#driver.apply(objects, call)));
          result.applied.push(...objects.map(describeObject));
        }
        if (step.delete) {
          const objects = step.delete(this.namespace);
          changed = true;
          await this.#driver.delete(objects, call);
          result.deleted.push(...objects.map(describeObject));
        }
      }
    } catch (error) {
      result.reasons.push(message(error));
    }
    try {
      if (changed && !(step.deploy && this.#blockedBy)) {
        const changedAt = performance.now();
        const settled = await this.#driver.settle(this.namespace, this.#opts.settleTimeoutMs, call);
        result.settleMs = settled.waitedMs;
        this.#lastChange = { at: changedAt, exact: settled.exact };
        if (settled.note) result.warnings.push(settled.note);
      }
      // A step whose apply or delete failed does not check: the state it checks was not reached.
      if (step.check && result.reasons.length === 0) result.reasons = await this.#check(step.check);
    } catch (error) {
      result.reasons.push(message(error));
    }
    if (this.#opts.signal.aborted && result.reasons.length > 0) result.reasons = ['interrupted'];
    result.status = result.reasons.length === 0 ? 'passed' : 'failed';
    result.durationMs = Math.round(performance.now() - started);
    return result;
  }

  async #deploy(call: DriverCall): Promise<void> {
    await this.#driver.waitReady(this.namespace, [...APP_NAMES], this.#opts.readyTimeoutMs, call);
    const instances = {} as Record<AppName, Instance>;
    const apps = {} as Record<AppName, AppClient>;
    for (const app of APP_NAMES) {
      const [first] = await this.#driver.instances(this.namespace, app, call);
      if (!first) throw new NotReadyError(`${app} has no ready instance`);
      instances[app] = first;
      apps[app] = new AppClient(app, first.url);
    }
    this.#instances = instances;
    this.#apps = apps;
  }

  /**
   * #check runs a check. When the driver could not tell that the last change is in effect, a
   * failing traffic check is retried until the settle timeout has passed since that change.
   */
  async #check(check: Check): Promise<string[]> {
    switch (check.kind) {
      case 'served': {
        if (this.#claims.serves(check.apiVersion, check.resource)) return [];
        return [`the mesh does not serve ${check.resource} ${check.apiVersion}`];
      }
      case 'deployed':
        return this.#apps ? [] : ['the sample app is not deployed'];
      case 'traffic':
      case 'metrics': {
        const apps = this.#apps;
        const instances = this.#instances;
        if (!apps || !instances) return ['the sample app is not deployed'];
        const ctx = {
          driver: this.#driver,
          namespace: this.namespace,
          apps,
          instances,
          signal: this.#opts.signal,
          concurrency: this.#opts.concurrency,
          trafficScale: this.#opts.trafficScale,
          metricsTimeoutMs: this.#opts.metricsTimeoutMs,
        };
        if (check.kind === 'metrics') return runMetricsCheck(check.check, ctx);
        for (;;) {
          const reasons = await runPhases(check.phases, ctx);
          const late = performance.now() - this.#lastChange.at >= this.#opts.settleTimeoutMs;
          if (reasons.length === 0 || this.#lastChange.exact || late || this.#opts.signal.aborted)
            return reasons;
          await new Promise((r) => setTimeout(r, 200));
        }
      }
    }
  }
}

function skipped(number: number, step: Step, why: string): StepResult {
  return {
    number,
    name: step.name,
    summary: step.summary,
    original: step.original === true,
    status: 'skipped',
    reasons: [why],
    durationMs: 0,
    warnings: [],
    applied: [],
    deleted: [],
  };
}

function describeObject(o: KubernetesObject): string {
  const meta = (o.metadata ?? {}) as { name?: string; namespace?: string };
  return `${o.kind} ${o.apiVersion} ${meta.namespace ? `${meta.namespace}/` : ''}${meta.name ?? ''}`;
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
