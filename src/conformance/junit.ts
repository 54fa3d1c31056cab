/**
 * JUnit XML for CI: one <testsuite> per SMI specification, one <testcase> per step
 * (`03-trafficDefault`), failures with the step's reasons, skipped steps marked skipped.
 * @module
 */
import type { ConformanceRun } from './result.js';
import { durationText, scoreRun } from './score.js';

/** xmlEscape escapes text and attribute values and drops characters XML 1.0 cannot hold. */
export function xmlEscape(text: string): string {
  return (
    text
      // eslint-disable-next-line no-control-regex
      .replace(/[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]/g, '')
      .replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '')
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      .replace(/"/g, '&quot;')
      .replace(/'/g, '&apos;')
  );
}

function attrs(values: Record<string, string | number>): string {
  return Object.entries(values)
    .map(([k, v]) => ` ${k}="${xmlEscape(String(v))}"`)
    .join('');
}

/** junitXml renders a run as a JUnit report. */
export function junitXml(run: ConformanceRun): string {
  const score = scoreRun(run);
  const steps = run.suites.flatMap((s) => s.steps);
  const count = (status: string, list = steps) => list.filter((s) => s.status === status).length;
  const totalMs = Date.parse(run.finishedAt) - Date.parse(run.startedAt);
  const lines = ['<?xml version="1.0" encoding="UTF-8"?>'];
  lines.push(
    `<testsuites${attrs({ name: ['smi-conformance', run.mesh.name, run.mesh.version].filter(Boolean).join(' '), tests: steps.length, failures: count('failed'), skipped: count('skipped'), time: durationText(totalMs) })}>`,
  );
  run.suites.forEach((suite, i) => {
    const detail = score.response.details[i]!;
    lines.push(
      `  <testsuite${attrs({ name: suite.name, tests: suite.steps.length, failures: count('failed', suite.steps), errors: 0, skipped: count('skipped', suite.steps), time: durationText(suite.durationMs), timestamp: run.startedAt.replace(/\.\d{3}Z$/, '') })}>`,
      '    <properties>',
      `      <property${attrs({ name: 'specversion', value: suite.specVersion })}/>`,
      `      <property${attrs({ name: 'namespace', value: suite.namespace })}/>`,
      `      <property${attrs({ name: 'capability', value: detail.capability })}/>`,
      `      <property${attrs({ name: 'driver', value: run.driver })}/>`,
      '    </properties>',
    );
    for (const step of suite.steps) {
      const name = `${String(step.number).padStart(2, '0')}-${step.name}`;
      const open = `    <testcase${attrs({ classname: `smi.${suite.name}`, name, time: durationText(step.durationMs) })}`;
      if (step.status === 'passed') {
        lines.push(`${open}/>`);
      } else if (step.status === 'skipped') {
        lines.push(
          `${open}>`,
          `      <skipped${attrs({ message: step.reasons.join('; ') })}/>`,
          '    </testcase>',
        );
      } else {
        lines.push(
          `${open}>`,
          `      <failure${attrs({ message: step.reasons[0] ?? 'failed', type: 'AssertionError' })}>${xmlEscape(`${step.summary}\n${step.reasons.join('\n')}`)}</failure>`,
          '    </testcase>',
        );
      }
    }
    lines.push('  </testsuite>');
  });
  lines.push('</testsuites>');
  return `${lines.join('\n')}\n`;
}
