/**
 * Renders a conformance run: the JSON/YAML document (steps, totals, the learn-layer5 response and
 * the Meshery result) and the text report (a table per suite, each step ✓/✗ with its reasons, then
 * the score).
 * @module
 */
import { stringify } from 'yaml';
import type { ConformanceRun, StepResult } from './result.js';
import {
  durationText,
  failureMessage,
  scoreRun,
  type ConformanceResponse,
  type MesheryResult,
} from './score.js';

/** ConformanceDocument is what `-o json|yaml` prints. */
export interface ConformanceDocument {
  apiVersion: 'meshplane.dev/v1alpha1';
  kind: 'ConformanceResult';
  id: string;
  startedAt: string;
  finishedAt: string;
  driver: string;
  mesh: { name: string; version: string };
  interrupted: boolean;
  trafficScale?: number;
  /** SMI API versions the mesh claimed ("group/version": kinds). */
  served: Record<string, string[]>;
  totals: {
    steps: number;
    passed: number;
    failed: number;
    skipped: number;
    casespassed: string;
    passpercent: string;
  };
  suites: ConformanceRun['suites'];
  /** learn-layer5's smi_conformance.Response. */
  response: ConformanceResponse;
  /** The Meshery adapter's result JSON. */
  meshery: MesheryResult;
}

export function conformanceDocument(run: ConformanceRun): ConformanceDocument {
  const score = scoreRun(run);
  const steps = run.suites.flatMap((s) => s.steps);
  return {
    apiVersion: 'meshplane.dev/v1alpha1',
    kind: 'ConformanceResult',
    id: run.id,
    startedAt: run.startedAt,
    finishedAt: run.finishedAt,
    driver: run.driver,
    mesh: run.mesh,
    interrupted: run.interrupted,
    ...(run.trafficScale ? { trafficScale: run.trafficScale } : {}),
    served: Object.fromEntries(run.served.map((api) => [`${api.group}/${api.version}`, api.kinds])),
    totals: {
      steps: steps.length,
      passed: steps.filter((s) => s.status === 'passed').length,
      failed: steps.filter((s) => s.status === 'failed').length,
      skipped: steps.filter((s) => s.status === 'skipped').length,
      casespassed: score.response.casespassed,
      passpercent: score.response.passpercent,
    },
    suites: run.suites,
    response: score.response,
    meshery: score.meshery,
  };
}

export type OutputFormat = 'text' | 'json' | 'yaml';

export const OUTPUT_FORMATS: readonly OutputFormat[] = ['text', 'json', 'yaml'];

/** formatRun renders a run in one of the output formats. */
export function formatRun(run: ConformanceRun, format: OutputFormat): string {
  if (format === 'json') return `${JSON.stringify(conformanceDocument(run), null, 2)}\n`;
  if (format === 'yaml') return stringify(conformanceDocument(run), { lineWidth: 0 });
  return formatText(run);
}

const MARK: Record<StepResult['status'], string> = { passed: '✓', failed: '✗', skipped: '-' };

/** formatStep is one line of the text report (also used for progress). */
export function formatStep(step: StepResult, nameWidth = 24): string {
  const head = `  ${MARK[step.status]} ${String(step.number).padStart(2)} ${step.name.padEnd(nameWidth)} ${step.summary}`;
  const settle = step.settleMs !== undefined ? ` [in effect after ${step.settleMs} ms]` : '';
  const lines = [`${head}${step.status === 'passed' ? settle : ''}`];
  for (const reason of step.reasons)
    lines.push(`       ${step.status === 'skipped' ? 'skipped: ' : '↳ '}${reason}`);
  for (const warning of step.warnings) lines.push(`       warning: ${warning}`);
  return lines.join('\n');
}

function formatText(run: ConformanceRun): string {
  const score = scoreRun(run);
  const out: string[] = [];
  const total = score.totalSteps;
  out.push(
    `SMI conformance of ${[run.mesh.name, run.mesh.version].filter(Boolean).join(' ')} (driver ${run.driver}): ${total} steps in ${run.suites.length} suites` +
      (run.trafficScale ? ` (repeated calls scaled to ${Math.round(run.trafficScale * 100)} %)` : '') +
      (run.interrupted ? ' — INTERRUPTED' : ''),
    '',
  );
  const width = Math.max(12, ...run.suites.flatMap((s) => s.steps.map((st) => st.name.length)));
  run.suites.forEach((suite, i) => {
    const detail = score.response.details[i]!;
    out.push(
      `${suite.name} (${suite.specVersion}) · namespace ${suite.namespace} · ${durationText(suite.durationMs)} s`,
    );
    for (const step of suite.steps) out.push(formatStep(step, width));
    const failed = failureMessage(suite);
    out.push(`  → ${detail.status} · capability ${detail.capability}${failed ? ` · ${failed}` : ''}`);
    if (suite.teardownError) out.push(`  teardown failed: ${suite.teardownError}`);
    out.push('');
  });
  const rows = score.response.details.map((d) => [
    d.smispec,
    d.specversion,
    d.assertion,
    `${d.duration}s`,
    d.capability,
    d.status,
  ]);
  out.push(table(['SPEC', 'VERSION', 'ASSERTIONS', 'TIME', 'CAPABILITY', 'STATUS'], rows));
  out.push(
    '',
    `cases passed ${score.response.casespassed}/${total} · passing ${score.response.passpercent} %`,
  );
  return `${out.join('\n')}\n`;
}

function table(head: string[], rows: string[][]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return [line(head), ...rows.map(line)].join('\n');
}
