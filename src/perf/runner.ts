/**
 * Runner: the entry point of a load run. `run(options, ctx)` validates the options at the door,
 * picks the generator (meshplane's engine, or wrk / hey as child processes), emits start / tick /
 * done / error events and resolves to a RunResult. Runtime failures are data in the result.
 * @module
 */
import { lookup } from 'node:dns/promises';
import { Histogram } from '../stats/index.js';
import type { Endpoint } from './connection.js';
import { assess } from './diagnostics.js';
import { LoadEngine } from './engine.js';
import type { RunContext, RunEvent } from './events.js';
import { HeyRunner } from './external/hey.js';
import { WrkRunner } from './external/wrk.js';
import {
  validateRunOptions,
  type FieldNames,
  type GeneratorName,
  type ResolvedRunOptions,
  type RunOptions,
} from './options.js';
import { emptyErrorCounts, type RunResult } from './result.js';

/** Runner runs validated options with one generator. Interfaces get the plain name (see STYLE.md). */
export interface Runner {
  readonly name: GeneratorName;
  /** check throws InvalidInputError for options this generator cannot honour (before anything starts). */
  check(options: ResolvedRunOptions, names?: FieldNames): void;
  run(options: ResolvedRunOptions, ctx: RunContext): Promise<RunResult>;
}

/** MeshplaneRunner is meshplane's own HTTP/1.1 engine. */
export class MeshplaneRunner implements Runner {
  readonly name = 'meshplane' as const;
  private readonly resolve: (hostname: string) => Promise<{ address: string }>;

  /** @param resolve host name resolution, once per run (dns.lookup by default) */
  constructor(resolve: (hostname: string) => Promise<{ address: string }> = (h) => lookup(h)) {
    this.resolve = resolve;
  }

  check(): void {}

  async run(options: ResolvedRunOptions, ctx: RunContext): Promise<RunResult> {
    let address: string;
    try {
      address = (await this.resolve(options.target.hostname)).address;
    } catch (error) {
      const result = emptyResult(
        options,
        'meshplane',
        `cannot resolve ${options.target.hostname}: ${(error as Error).message}`,
      );
      result.errors.samples.dns = (error as Error).message;
      return result;
    }
    const endpoint: Endpoint = {
      address,
      port: options.target.port,
      tls:
        options.target.scheme === 'https'
          ? {
              servername: options.tls.servername,
              ca: options.tls.ca,
              cert: options.tls.cert,
              key: options.tls.key,
              rejectUnauthorized: !options.tls.insecure,
            }
          : null,
    };
    return new LoadEngine(options, endpoint, ctx).run();
  }
}

/** runnerFor returns the Runner of a generator. */
export function runnerFor(name: GeneratorName): Runner {
  switch (name) {
    case 'wrk':
      return new WrkRunner();
    case 'hey':
      return new HeyRunner();
    default:
      return new MeshplaneRunner();
  }
}

/**
 * prepareRun validates options (naming fields in the caller's vocabulary) including what the chosen
 * generator supports. It throws InvalidInputError; nothing has started yet.
 */
export function prepareRun(options: RunOptions, names?: FieldNames, source?: string): ResolvedRunOptions {
  const resolved = validateRunOptions(options, names, source);
  runnerFor(resolved.generator).check(resolved, names);
  return resolved;
}

/** run validates `options` and runs them; it rejects only on invalid options or a missing generator. */
export async function run(options: RunOptions, ctx: RunContext = {}): Promise<RunResult> {
  return runPrepared(prepareRun(options), ctx);
}

/** runPrepared runs options that went through prepareRun. */
export async function runPrepared(options: ResolvedRunOptions, ctx: RunContext = {}): Promise<RunResult> {
  const emit = (event: RunEvent): void => ctx.onEvent?.(event);
  emit({ type: 'start', generator: options.generator, options, time: new Date().toISOString() });
  let result: RunResult;
  try {
    result = await runnerFor(options.generator).run(options, ctx);
  } catch (error) {
    emit({ type: 'error', error: error instanceof Error ? error : new Error(String(error)) });
    throw error;
  }
  emit({ type: 'done', result });
  return result;
}

/** emptyResult is the result of a run that could not measure anything. */
export function emptyResult(options: ResolvedRunOptions, generator: GeneratorName, error: string): RunResult {
  const diagnostics = assess({
    loadModel: options.loadModel,
    requestedRate: options.qps > 0 ? options.qps : null,
    achievedRate: 0,
    cpu: null,
    eventLoopDelay: null,
    sendLagP99Us: null,
    backlog: null,
    requests: 0,
    responses: 0,
    errorsByKind: emptyErrorCounts(),
    warmupMs: options.warmupMs,
    interrupted: false,
    measuredMs: 0,
    plannedMs: options.durationMs,
  });
  const latency = new Histogram();
  return {
    generator,
    options,
    loadModel: options.loadModel,
    latencyFrom: options.loadModel === 'open' ? 'scheduled' : 'sent',
    startTime: new Date().toISOString(),
    warmup: { durationMs: options.warmupMs, requests: 0 },
    durationMs: 0,
    requests: 0,
    responses: 0,
    statusCodes: {},
    errors: { total: 0, byKind: emptyErrorCounts(), samples: {} },
    bytes: { sent: 0, received: 0 },
    sockets: [],
    histograms: {
      latency,
      uncorrected: options.loadModel === 'open' ? new Histogram() : latency,
      sendLag: null,
      errors: new Histogram(),
      responseSize: new Histogram(),
      headerSize: new Histogram(),
      connect: new Histogram(),
    },
    diagnostics: { ...diagnostics, warnings: [error, ...diagnostics.warnings] },
    interrupted: false,
    error,
    limitations: [],
  };
}
