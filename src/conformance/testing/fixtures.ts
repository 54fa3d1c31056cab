// Synthetic conformance runs for the scoring and report tests.
import type { ConformanceRun, StepResult, SuiteResult } from '../result.js';
import type { SuiteName } from '../suites/index.js';

/** suiteResult builds a suite of `steps` steps where the listed step numbers failed (or were skipped). */
export function suiteResult(
  name: SuiteName,
  steps: number,
  failed: number[] = [],
  skipped: number[] = [],
  specVersion = 'v0.6.0/v1alpha4',
): SuiteResult {
  const list: StepResult[] = Array.from({ length: steps }, (_, i) => {
    const number = i + 1;
    const status = failed.includes(number) ? 'failed' : skipped.includes(number) ? 'skipped' : 'passed';
    return {
      number,
      name: `step${number}`,
      summary: `the summary of step ${number}`,
      original: true,
      status,
      reasons:
        status === 'failed' ? [`reason of step ${number}`] : status === 'skipped' ? ['interrupted'] : [],
      durationMs: 10 * number,
      warnings: [],
      applied: [],
      deleted: [],
    };
  });
  return { name, specVersion, namespace: `smi-${name}-000000`, steps: list, durationMs: 1234 };
}

export function run(suites: SuiteResult[], overrides: Partial<ConformanceRun> = {}): ConformanceRun {
  return {
    id: '6f1c1c36-7a7e-4c38-9d3f-2d2f1c9f0a01',
    startedAt: '2026-11-26T10:00:00.000Z',
    finishedAt: '2026-11-26T10:00:05.500Z',
    driver: 'local',
    mesh: { name: 'meshplane', version: '0.1.0' },
    served: [{ group: 'access.smi-spec.io', version: 'v1alpha3', kinds: ['TrafficTarget'] }],
    suites,
    interrupted: false,
    ...overrides,
  };
}
