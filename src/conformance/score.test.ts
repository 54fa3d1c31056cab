// Scoring as learn-layer5 scored and Meshery showed it: FULL/HALF/NONE, the failed step parsed from
// the failure message, cases passed and the percentage, and the Meshery adapter's JSON.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { capabilityOf, failedStepOf, failureMessage, scoreRun, PASSED_MESSAGE } from './score.js';
import { run, suiteResult } from './testing/fixtures.js';

test('failedStepOf takes the first integer of the message, as the original regexp does', () => {
  assert.equal(failedStepOf('failed in step 3-trafficDefault'), 3);
  assert.equal(failedStepOf('failed in step 12-trafficTargetV1alpha1 (also not passed: 13, 14)'), 12);
  assert.equal(failedStepOf('step 07 broke after 5 s'), 7);
  assert.equal(failedStepOf('no step number here'), undefined);
});

test('capabilityOf: HALF when at least ⌊steps/2⌋ steps passed before the first failure', () => {
  assert.equal(capabilityOf(7, undefined), 'FULL');
  assert.equal(capabilityOf(7, 3), 'HALF'); // ⌊7/2⌋ = 3
  assert.equal(capabilityOf(7, 2), 'NONE');
  assert.equal(capabilityOf(11, 5), 'HALF');
  assert.equal(capabilityOf(11, 4), 'NONE');
  assert.equal(capabilityOf(6, 3), 'HALF');
  assert.equal(capabilityOf(6, 0), 'NONE');
});

test('the original 24 steps: all passing is FULL everywhere, 24 cases, 100.00', () => {
  const score = scoreRun(
    run([suiteResult('traffic-access', 7), suiteResult('traffic-split', 11), suiteResult('traffic-spec', 6)]),
  );
  assert.equal(score.totalSteps, 24);
  assert.equal(score.response.casespassed, '24');
  assert.equal(score.response.passpercent, '100.00');
  for (const d of score.response.details) {
    assert.deepEqual([d.capability, d.status, d.result], ['FULL', 'PASSED', { message: PASSED_MESSAGE }]);
  }
  assert.deepEqual(
    score.response.details.map((d) => [d.smispec, d.assertion, d.duration]),
    [
      ['traffic-access', '7', '1.234'],
      ['traffic-split', '11', '1.234'],
      ['traffic-spec', '6', '1.234'],
    ],
  );
});

test('failures count every step from the first failing one: NONE below half, HALF from half', () => {
  // access fails at 3 (2 passed < 3: NONE, 5 failures); split fails at 9 with 11 also failing
  // (8 passed ≥ 5: HALF, 3 failures); spec passes.
  const score = scoreRun(
    run([
      suiteResult('traffic-access', 7, [3, 5]),
      suiteResult('traffic-split', 11, [9, 11]),
      suiteResult('traffic-spec', 6),
    ]),
  );
  assert.equal(score.response.casespassed, '16');
  assert.equal(score.response.passpercent, '66.67');
  const [access, split, spec] = score.response.details;
  assert.equal(access!.capability, 'NONE');
  assert.equal(access!.status, 'FAILED');
  assert.deepEqual(access!.result, {
    error: {
      code: '',
      severity: '',
      shortDescription: 'step 3 step3: reason of step 3',
      longDescription: 'failed in step 3-step3 (also not passed: 5)',
      probableCause: '',
      suggestedRemediation: '',
    },
  });
  assert.equal(split!.capability, 'HALF');
  assert.equal(spec!.capability, 'FULL');
});

test('skipped steps count as not passed; an interrupted run reports status running', () => {
  const suite = suiteResult('traffic-metrics', 7, [], [4, 5, 6, 7], 'v0.6.0/v1alpha1');
  assert.equal(failureMessage(suite), 'failed in step 4-step4 (also not passed: 5, 6, 7)');
  const score = scoreRun(run([suite], { interrupted: true }));
  assert.equal(score.response.casespassed, '3');
  assert.equal(score.response.passpercent, '42.86');
  assert.equal(score.response.details[0]!.capability, 'HALF');
  assert.equal(score.meshery.status, 'running');
});

test('the Meshery result flattens details and omits empty fields like Go omitempty', () => {
  const score = scoreRun(
    run([suiteResult('traffic-access', 7, [], [], 'v0.6.0/v1alpha3'), suiteResult('traffic-spec', 6, [4])]),
  );
  assert.deepEqual(score.meshery, {
    id: '6f1c1c36-7a7e-4c38-9d3f-2d2f1c9f0a01',
    date: '2026-11-26T10:00:00Z',
    mesh_name: 'meshplane',
    mesh_version: '0.1.0',
    cases_passed: '10',
    passing_percentage: '76.92',
    status: 'completed',
    more_details: [
      {
        smi_specification: 'traffic-access',
        smi_version: 'v0.6.0/v1alpha3',
        time: '1.234',
        assertions: '7',
        result: 'All test passed',
        capability: 'FULL',
        status: 'PASSED',
      },
      {
        smi_specification: 'traffic-spec',
        smi_version: 'v0.6.0/v1alpha4',
        time: '1.234',
        assertions: '6',
        result: 'step 4 step4: reason of step 4',
        reason: 'failed in step 4-step4',
        capability: 'HALF',
        status: 'FAILED',
      },
    ],
  });
});
