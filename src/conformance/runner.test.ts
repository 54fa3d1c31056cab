// The whole suite against the sample apps with no mesh: exactly which steps pass and which fail
// and why, the score, teardown (also on abort), and retries when settling is not exact.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { DriverCall, Instance } from './driver.js';
import { NoMeshDriver } from './drivers/no_mesh.js';
import { formatRun } from './report.js';
import type { ConformanceRun, SuiteResult } from './result.js';
import { runConformance } from './runner.js';
import { scoreRun } from './score.js';

/** TrackingDriver remembers every sample app instance it handed out, to check teardown. */
class TrackingDriver extends NoMeshDriver {
  readonly seen: Instance[] = [];
  exactSettle = true;

  override async instances(namespace: string, workload: string): Promise<Instance[]> {
    const list = await super.instances(namespace, workload);
    this.seen.push(...list);
    return list;
  }

  override async settle() {
    return { waitedMs: 0, exact: this.exactSettle };
  }
}

async function allClosed(instances: Instance[]): Promise<boolean> {
  for (const { url } of instances) {
    const open = await fetch(`${url}/metrics`).then(
      () => true,
      () => false,
    );
    if (open) return false;
  }
  return true;
}

const statusOf = (suite: SuiteResult) =>
  Object.fromEntries(suite.steps.map((s) => [`${s.number}-${s.name}`, s.status]));
const passedNumbers = (suite: SuiteResult) =>
  suite.steps.filter((s) => s.status === 'passed').map((s) => s.number);

describe('no-mesh run of the full suite', () => {
  let run: ConformanceRun;
  const driver = new TrackingDriver();

  test('runs every suite and tears every sample app down', async () => {
    // Repeated calls at 10 %: every call fails anyway, so the sizes do not matter here.
    run = await runConformance(driver, { trafficScale: 0.1 });
    assert.equal(run.trafficScale, 0.1);
    assert.equal(run.driver, 'none');
    assert.equal(run.interrupted, false);
    assert.deepEqual(
      run.suites.map((s) => [s.name, s.steps.length]),
      [
        ['traffic-access', 14],
        ['traffic-split', 19],
        ['traffic-spec', 19],
        ['traffic-metrics', 7],
      ],
    );
    assert.equal(driver.seen.length, 12, 'three sample apps per suite');
    assert.ok(await allClosed(driver.seen), 'every sample app process is gone');
    assert.ok(run.suites.every((s) => s.teardownError === undefined));
  });

  test('only "served", deploy and apply/delete-only steps pass: SMI is accepted but nothing enforces it', () => {
    const [access, split, spec, metrics] = run.suites;
    assert.deepEqual(passedNumbers(access!), [1, 2, 4, 6]);
    assert.deepEqual(passedNumbers(split!), [1, 2, 4, 6, 8, 10]);
    assert.deepEqual(passedNumbers(spec!), [1, 2, 3, 5]);
    assert.deepEqual(passedNumbers(metrics!), [2]);
    assert.equal(statusOf(access!)['3-trafficDefault'], 'failed');
    assert.ok(run.suites.flatMap((s) => s.steps).every((s) => s.status !== 'skipped'));
  });

  test('traffic steps fail because calls between apps get no HTTP response: no proxy, no name service', () => {
    const access = run.suites[0]!;
    const ns = access.namespace;
    const echo = `http://app-b.${ns}.svc.cluster.local:9091/echo`;
    const noResponse = 'the call from app-a (GET app-b /echo) got no HTTP response: app-a answered 500 "Error completing the request" and recorded nothing';
    assert.deepEqual(access.steps[2]!.reasons, [`app-a RespFailed has 0 entries; expected exactly 1 (GET ${echo})`, noResponse]);
    assert.deepEqual(access.steps[4]!.reasons, [
      `app-a RespSucceeded has 0 entries; expected exactly 1 (GET ${echo})`,
      'app-b ReqReceived is []; expected ["app-a"]',
      noResponse,
    ]);
    assert.deepEqual(access.steps[6]!.reasons, access.steps[2]!.reasons);
    const split = run.suites[1]!;
    assert.deepEqual(split.steps[2]!.reasons, [
      'app-b ReqReceived has 0 entries; expected more than 0 (of 5 requests sent)',
      'app-c ReqReceived has 0 entries; expected more than 0 (of 5 requests sent)',
      'all 5 calls from app-a (GET app-svc /echo) got no HTTP response: app-a answered 500 "Error completing the request" and recorded nothing',
    ]);
    assert.deepEqual(split.steps[11]!.reasons.slice(0, 1), ['app-b and app-c received 0 of the 40 requests sent; expected all of them']);
    const spec = run.suites[2]!;
    assert.match(spec.steps[3]!.reasons[0]!, /^app-a RespSucceeded has 0 entries; expected exactly 1 \(GET http:\/\/app-b\..*:9091\/metrics\)$/);
    // Every failed traffic step says why: the calls got no HTTP response.
    for (const suite of run.suites.slice(0, 3)) {
      for (const step of suite.steps.filter((s) => s.status === 'failed')) {
        assert.ok(step.reasons.some((r) => r.includes('got no HTTP response')), `${suite.name} ${step.number}: ${step.reasons.join(' | ')}`);
      }
    }
  }); // prettier-ignore

  test('the TrafficMetrics suite fails from its first step: there is no metrics API', () => {
    const metrics = run.suites[3]!;
    assert.deepEqual(metrics.steps[0]!.reasons, [
      'the mesh does not serve TrafficMetrics metrics.smi-spec.io/v1alpha1',
    ]);
    for (const step of metrics.steps.slice(2)) {
      assert.deepEqual(step.reasons, ['the mesh serves no TrafficMetrics API (metrics.smi-spec.io)']);
    }
  });

  test('scores 7 of 59 cases (11.86 %), every spec NONE, and prints the failures', () => {
    const score = scoreRun(run);
    assert.equal(score.totalSteps, 59);
    assert.deepEqual([score.response.casespassed, score.response.passpercent], ['7', '11.86']);
    assert.deepEqual(
      score.response.details.map((d) => [d.smispec, d.capability, d.status, 'error' in d.result ? d.result.error.longDescription.split(' (')[0] : '']),
      [
        ['traffic-access', 'NONE', 'FAILED', 'failed in step 3-trafficDefault'],
        ['traffic-split', 'NONE', 'FAILED', 'failed in step 3-trafficDefault'],
        ['traffic-spec', 'NONE', 'FAILED', 'failed in step 4-trafficPath'],
        ['traffic-metrics', 'NONE', 'FAILED', 'failed in step 1-trafficMetricsServed'],
      ],
    );
    const text = formatRun(run, 'text');
    assert.match(text, /✗ {2}3 trafficDefault/);
    assert.match(text, /✓ {2}4 allowTcpRoute/);
    assert.match(text, /cases passed 7\/59 · passing 11\.86 %\n$/);
    assert.match(text, /^SMI conformance of no mesh \(driver none\): 59 steps in 4 suites \(repeated calls scaled to 10 %\)\n/);
  }); // prettier-ignore
});

test('Ctrl-C stops the run: the current step reports interrupted, the rest are skipped, apps are torn down', async () => {
  const driver = new TrackingDriver();
  const controller = new AbortController();
  const run = await runConformance(driver, {
    signal: controller.signal,
    onStep: (suite, step) => {
      if (suite === 'traffic-access' && step.number === 2)
        controller.abort(new Error('interrupted by SIGINT'));
    },
  });
  assert.equal(run.interrupted, true);
  const [access, ...rest] = run.suites;
  assert.deepEqual(
    access!.steps.slice(0, 2).map((s) => s.status),
    ['passed', 'passed'],
  );
  assert.ok(
    access!.steps
      .slice(2)
      .every((s) => s.status === 'skipped' && s.reasons[0] === 'interrupted before this step'),
  );
  assert.ok(rest.every((suite) => suite.steps.every((s) => s.status === 'skipped')));
  assert.equal(driver.seen.length, 3, 'only the first suite deployed');
  assert.ok(await allClosed(driver.seen));
  assert.equal(scoreRun(run).meshery.status, 'running');
});

test('when the driver cannot tell that a change is in effect, failing checks are retried until the settle timeout', async () => {
  const driver = new TrackingDriver();
  driver.exactSettle = false;
  const run = await runConformance(driver, {
    suites: ['traffic-access'],
    settleTimeoutMs: 150,
    trafficScale: 0.1,
  });
  const failed = run.suites[0]!.steps.filter((s) => s.status === 'failed');
  assert.equal(failed.length, 10);
  const byName = Object.fromEntries(run.suites[0]!.steps.map((s) => [s.name, s]));
  // A step that applies and checks retries for 150 ms after its own change…
  for (const name of ['onlyListedSources', 'tcpPortExcluded', 'tcpPortIncluded', 'deleteBlocks']) {
    assert.ok(byName[name]!.durationMs >= 150, `${name} ${byName[name]!.durationMs} ms`);
  }
  // …and a check-only step for 150 ms after the change of the step before it.
  assert.ok(byName.allowTcpRoute!.durationMs + byName.trafficAllowed!.durationMs >= 150);
  assert.ok(byName.deleteTarget!.durationMs + byName.trafficBlocked!.durationMs >= 150);
  assert.ok(await allClosed(driver.seen));
});

test('bad options fail before anything runs', async () => {
  const driver = new TrackingDriver();
  await assert.rejects(runConformance(driver, { suites: ['traffic-acess' as never] }), /suite\[0\] is "traffic-acess"; expected one of traffic-access, traffic-split, traffic-spec, traffic-metrics/);
  await assert.rejects(runConformance(driver, { settleTimeoutMs: 0 }), /settleTimeoutMs is 0; expected a positive integer/);
  await assert.rejects(runConformance(driver, { trafficScale: 2 }), /trafficScale is 2; expected a number in \(0, 1\]/);
  assert.equal(driver.seen.length, 0);
}); // prettier-ignore

// Keep DriverCall referenced for readers of the wrapper's signatures.
export type { DriverCall };

test('a platform that rejects SMI kinds still gets the sample app deployed; only the SMI steps fail on the rejection', async () => {
  class NoCrds extends TrackingDriver {
    override async apply(objects: Parameters<NoMeshDriver['apply']>[0]): Promise<string[]> {
      const smi = objects.find((o) => o.apiVersion.includes('smi-spec.io'));
      if (smi) throw new Error(`no matches for kind "${smi.kind}" in version "${smi.apiVersion}"`);
      return super.apply(objects);
    }
  }
  const driver = new NoCrds();
  const run = await runConformance(driver, { suites: ['traffic-split'], trafficScale: 0.1 });
  const steps = run.suites[0]!.steps;
  assert.equal(steps[1]!.status, 'failed');
  assert.deepEqual(steps[1]!.reasons, [
    'no matches for kind "TCPRoute" in version "specs.smi-spec.io/v1alpha4"',
  ]);
  assert.equal(driver.seen.length, 3, 'the apps were deployed');
  assert.ok(
    steps.slice(2).every((s) => s.status === 'failed'),
    'later steps ran',
  );
  assert.match(steps[2]!.reasons.at(-1)!, /got no HTTP response/);
  assert.deepEqual(steps[3]!.reasons, [
    'no matches for kind "TrafficSplit" in version "split.smi-spec.io/v1alpha4"',
  ]);
  assert.ok(await allClosed(driver.seen));
});
