/**
 * Scoring and result shapes as the original suite and Meshery used them: learn-layer5's gRPC
 * `Response` (per-spec `Detail` with capability FULL/HALF/NONE and the failed step parsed from the
 * failure message) and the Meshery adapter's flattened JSON. The step total is the number of steps
 * run (24 for the original three suites; meshplane's suites have more, see docs/conformance.md).
 * @module
 */
import { firstFailedStep, type ConformanceRun, type SuiteResult } from './result.js';

export type Capability = 'FULL' | 'HALF' | 'NONE';
export type ResultStatus = 'PASSED' | 'FAILED';

/** CommonError is service.CommonError of the SMP service package (camelCase JSON names). */
export interface CommonError {
  code: string;
  severity: string;
  shortDescription: string;
  longDescription: string;
  probableCause: string;
  suggestedRemediation: string;
}

/** Detail is smi_conformance.Detail: one SMI specification's outcome. */
export interface Detail {
  smispec: string;
  specversion: string;
  /** The spec's step count, as a string. */
  assertion: string;
  /** Seconds, as the JUnit report writes them. */
  duration: string;
  result: { message: string } | { error: CommonError };
  capability: Capability;
  status: ResultStatus;
}

/** ConformanceResponse is smi_conformance.Response. */
export interface ConformanceResponse {
  passpercent: string;
  casespassed: string;
  mesh: { version: string; labels: Record<string, string>; annotations: Record<string, string> };
  details: Detail[];
}

/** MesheryDetail is one `more_details` entry of the Meshery adapter's result. */
export interface MesheryDetail {
  smi_specification?: string;
  smi_version?: string;
  time?: string;
  assertions?: string;
  result?: string;
  reason?: string;
  capability?: string;
  status?: string;
}

/** MesheryResult is the JSON the Meshery adapter emits and Meshery stores (empty fields omitted, as Go's omitempty does). */
export interface MesheryResult {
  id?: string;
  date?: string;
  mesh_name?: string;
  mesh_version?: string;
  cases_passed?: string;
  passing_percentage?: string;
  status?: 'deploying' | 'installing' | 'connecting' | 'running' | 'deleting' | 'completed';
  more_details?: MesheryDetail[];
}

export interface Score {
  totalSteps: number;
  casesPassed: number;
  passPercent: string;
  response: ConformanceResponse;
  meshery: MesheryResult;
}

/** PASSED_MESSAGE is the original's result message for a spec whose every step passed. */
export const PASSED_MESSAGE = 'All test passed';

/** failureMessage is the JUnit failure message of a spec, in kuttl's words: "failed in step 3-trafficDefault". */
export function failureMessage(suite: SuiteResult): string {
  const first = firstFailedStep(suite);
  if (!first) return '';
  const others = suite.steps.filter((s) => s.status !== 'passed' && s !== first).map((s) => s.number);
  return `failed in step ${first.number}-${first.name}${others.length ? ` (also not passed: ${others.join(', ')})` : ''}`;
}

/** failureText is the short description of a failed spec: the first failed step's reasons. */
export function failureText(suite: SuiteResult): string {
  const first = firstFailedStep(suite);
  if (!first) return '';
  return `step ${first.number} ${first.name}: ${first.reasons.join('; ')}`;
}

/**
 * failedStepOf is the original's parsing: the first integer in the failure message is the failing
 * step, so the spec passed that number minus one steps. Undefined when there is no integer (the
 * original then counted no failures at all).
 */
export function failedStepOf(message: string): number | undefined {
  const m = /[0-9]+/.exec(message);
  return m ? Number(m[0]) : undefined;
}

/** capabilityOf is the original rule: FULL when all passed, HALF when at least ⌊steps/2⌋ passed before the first failure. */
export function capabilityOf(steps: number, passedBeforeFailure: number | undefined): Capability {
  if (passedBeforeFailure === undefined) return 'FULL';
  return passedBeforeFailure >= Math.floor(steps / 2) ? 'HALF' : 'NONE';
}

/** durationText renders milliseconds as JUnit seconds ("3.210"). */
export function durationText(ms: number): string {
  return (ms / 1000).toFixed(3);
}

/** scoreRun computes the per-spec details and the totals of a run. */
export function scoreRun(run: ConformanceRun): Score {
  let total = 0;
  let failures = 0;
  const details: Detail[] = run.suites.map((suite) => {
    const steps = suite.steps.length;
    total += steps;
    const base = {
      smispec: suite.name,
      specversion: suite.specVersion,
      assertion: String(steps),
      duration: durationText(suite.durationMs),
    };
    const text = failureText(suite);
    const message = failureMessage(suite);
    if (!message)
      return { ...base, result: { message: PASSED_MESSAGE }, capability: 'FULL', status: 'PASSED' };
    const failedStep = failedStepOf(message);
    let capability: Capability = 'NONE';
    if (failedStep !== undefined) {
      const passed = failedStep - 1;
      failures += steps - passed;
      capability = capabilityOf(steps, passed) === 'HALF' ? 'HALF' : 'NONE';
    }
    const error: CommonError = {
      code: '',
      severity: '',
      shortDescription: text,
      longDescription: message,
      probableCause: '',
      suggestedRemediation: '',
    };
    return { ...base, result: { error }, capability, status: 'FAILED' };
  });
  const casesPassed = total - failures;
  const passPercent = total === 0 ? '0.00' : ((casesPassed / total) * 100).toFixed(2);
  const response: ConformanceResponse = {
    passpercent: passPercent,
    casespassed: String(casesPassed),
    mesh: { version: run.mesh.version, labels: {}, annotations: {} },
    details,
  };
  return { totalSteps: total, casesPassed, passPercent, response, meshery: mesheryResult(run, response) };
}

/** mesheryResult flattens the response as the Meshery adapter does (result = message or short description, reason = long description). */
function mesheryResult(run: ConformanceRun, response: ConformanceResponse): MesheryResult {
  const status = run.interrupted
    ? 'running'
    : run.suites.some((s) => s.teardownError)
      ? 'deleting'
      : 'completed';
  return omitEmpty({
    id: run.id,
    date: run.startedAt.replace(/\.\d{3}Z$/, 'Z'),
    mesh_name: run.mesh.name,
    mesh_version: run.mesh.version,
    cases_passed: response.casespassed,
    passing_percentage: response.passpercent,
    status,
    more_details: response.details.map((d) =>
      omitEmpty({
        smi_specification: d.smispec,
        smi_version: d.specversion,
        time: d.duration,
        assertions: d.assertion,
        result: 'message' in d.result ? d.result.message : d.result.error.shortDescription,
        reason: 'message' in d.result ? '' : d.result.error.longDescription,
        capability: d.capability,
        status: d.status,
      }),
    ),
  });
}

function omitEmpty<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== '' && v !== undefined)) as T;
}
