/**
 * The runs of an uploaded SMP test file as the server stores them. Planning (every client and every
 * endpoint URL, SMP field names in errors) is perf's planSmpRuns, the one mapping the CLI uses too;
 * this only turns each planned run into RunSettings and refuses what a server run cannot keep.
 * @module
 */
import { InvalidInputError } from '../errors/index.js';
import { planSmpRuns, type SmpPlan, type SmpRun } from '../perf/index.js';
import { readPerformanceTestFile } from '../smp/index.js';
import type { RunSettings } from './model.js';
import { parseSettings } from './settings.js';

/** PlannedRuns is what one SMP config asks for: a test id grouping the runs, and their settings. */
export interface PlannedRuns {
  testId: string;
  settings: RunSettings[];
}

export interface SmpUploadOptions {
  /** mesh label for every run (the `mesh` query parameter); default: the file's `mesh.type` */
  mesh?: string;
  /** warm-up in ms for every run (the `warmup` query parameter); a client's additional_options wins */
  warmupMs?: number;
}

/** settingsOf converts one planned run; options the store has no column for are refused, not dropped. */
function settingsOf(run: SmpRun, plan: SmpPlan, mesh: string): RunSettings {
  const o = run.prepared;
  const refuse = (field: keyof SmpRun['names'], value: unknown, why: string): never => {
    throw new InvalidInputError(run.names[field] ?? field, value, why);
  };
  if (o.requests !== null)
    refuse('requests', o.requests, 'no request count: a server run lasts the test duration');
  if (o.pipeline !== 1) refuse('pipeline', o.pipeline, '1: a server run does not pipeline requests');
  if (o.tls.ca !== undefined || o.tls.insecure)
    refuse(
      o.tls.ca !== undefined ? 'tls.ca' : 'tls',
      'set',
      'no TLS settings: a server run checks https:// targets against the system roots',
    );
  return parseSettings(
    {
      name: run.name,
      mesh,
      url: o.target.url,
      method: o.method,
      concurrency: o.connections,
      qps: o.qps,
      loadModel: o.loadModel,
      durationMs: Math.round(o.durationMs ?? 0),
      warmupMs: Math.round(o.warmupMs),
      timeoutMs: Math.round(o.timeoutMs),
      headers: Object.fromEntries(o.headers),
      cookies: Object.fromEntries(o.cookies),
      body: o.body ? o.body.toString('utf8') : '',
      contentType: o.contentType ?? '',
      generator: o.generator,
      labels: { ...plan.labels, ...(plan.meshVersion ? { mesh_version: plan.meshVersion } : {}) },
    },
    undefined,
    `${run.path}.`,
  );
}

/** planUpload reads a parsed SMP document (bare config or Meshery's `test:` + `mesh:` file) into run settings. */
export function planUpload(document: unknown, options: SmpUploadOptions = {}): PlannedRuns {
  const plan = planSmpRuns(readPerformanceTestFile(document), {
    ...(options.warmupMs !== undefined ? { defaults: { warmup: options.warmupMs } } : {}),
    defaultNames: { warmup: 'warmup' },
  });
  const mesh = options.mesh ?? plan.mesh;
  return { testId: plan.testId, settings: plan.runs.map((run) => settingsOf(run, plan, mesh)) };
}
