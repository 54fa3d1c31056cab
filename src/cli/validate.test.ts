// `meshplane mesh validate`: flags checked at the door, the suite list, a no-mesh run with JSON and
// JUnit output, and the mesh command group shared with `mesh up|down|status`.
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { XMLValidator } from 'fast-xml-parser';
import { main } from './main.js';
import { captureIO } from './testing/io.js';

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'meshplane-validate-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

test('bad flags exit 2 with a message naming the flag, before anything runs', async () => {
  const cases: [string[], RegExp][] = [
    [['--spec', 'smp'], /--spec is "smp"; expected "smi"/],
    [['--suite', 'traffic-access,traffic-splitt'], /suite\[1\] is "traffic-splitt"; expected one of traffic-access, traffic-split, traffic-spec, traffic-metrics/],
    [['--driver', 'kubernetes'], /--driver is "kubernetes"; expected one of local, none/],
    [['-o', 'xml'], /--output is "xml"; expected one of text, json, yaml/],
    [['--junit', join(dir, 'missing', 'report.xml')], /--junit is ".*missing\/report\.xml"; expected a file in an existing directory/],
    [['--settle-timeout', '0s'], /--settle-timeout is "0s"; expected a duration above zero/],
    [['--ready-timeout', 'soon'], /--ready-timeout is "soon"; expected a duration such as 30s/],
  ];
  for (const [args, message] of cases) {
    const io = captureIO();
    assert.equal(await main(['mesh', 'validate', '--driver', 'none', ...args], io), 2, args.join(' '));
    assert.match(io.err(), message);
    assert.equal(io.out(), '');
  }
}); // prettier-ignore

test('--list prints every suite with its steps, original ones marked', async () => {
  const io = captureIO();
  assert.equal(await main(['mesh', 'validate', '--list'], io), 0);
  const out = io.out();
  assert.match(
    out,
    /^traffic-access \(v0\.6\.0\/v1alpha3\): 14 steps\n {3}1 trafficTargetServed +\[original\]/,
  );
  assert.match(out, /\n {3}8 onlyListedSources +\[added\]/);
  assert.match(
    out,
    /\n {2}12 trafficTargetV1alpha1 +\[if claimed\] TrafficTarget a-to-b rewritten in access\.smi-spec\.io\/v1alpha1/,
  );
  assert.match(out, /\ntraffic-split \(v0\.6\.0\/v1alpha4\): 19 steps\n/);
  assert.match(out, /\ntraffic-metrics \(v0\.6\.0\/v1alpha1\): 7 steps\n/);
  const one = captureIO();
  assert.equal(await main(['mesh', 'validate', '--list', '--suite', 'traffic-spec'], one), 0);
  assert.match(one.out(), /^traffic-spec \(v0\.6\.0\/v1alpha4\): 19 steps\n/);
  assert.doesNotMatch(one.out(), /traffic-access/);
});

test('a no-mesh run prints the JSON result, writes JUnit and exits 1', async () => {
  const io = captureIO();
  const junit = join(dir, 'smi.xml');
  const code = await main(['mesh', 'validate', '--spec', 'smi', '--driver', 'none', '--suite', 'traffic-metrics', '-o', 'json', '--junit', junit], io);
  assert.equal(code, 1);
  const doc = JSON.parse(io.out());
  assert.equal(doc.kind, 'ConformanceResult');
  assert.equal(doc.driver, 'none');
  assert.deepEqual(doc.totals, { steps: 7, passed: 1, failed: 6, skipped: 0, casespassed: '0', passpercent: '0.00' });
  assert.deepEqual(doc.response.details.map((d: { smispec: string; capability: string }) => [d.smispec, d.capability]), [['traffic-metrics', 'NONE']]);
  assert.equal(doc.meshery.status, 'completed');
  assert.equal(doc.meshery.more_details[0].reason, 'failed in step 1-trafficMetricsServed (also not passed: 3, 4, 5, 6, 7)');
  assert.equal(io.err(), '', 'no progress on a non-terminal stderr');
  const xml = await readFile(junit, 'utf8');
  assert.equal(XMLValidator.validate(xml), true);
  assert.match(xml, /<testcase classname="smi\.traffic-metrics" name="01-trafficMetricsServed" time="[\d.]+">\n {6}<failure message="the mesh does not serve TrafficMetrics metrics\.smi-spec\.io\/v1alpha1"/);
}); // prettier-ignore

test('text output with --progress shows each step as it finishes, then the table and the score', async () => {
  const io = captureIO();
  assert.equal(
    await main(['mesh', 'validate', '--driver', 'none', '--suite', 'traffic-metrics', '--progress'], io),
    1,
  );
  assert.match(
    io.err(),
    /^traffic-metrics · namespace smi-traffic-metrics-[0-9a-f]{6}\n {2}✗ {2}1 trafficMetricsServed/,
  );
  assert.match(io.out(), /^SMI conformance of no mesh \(driver none\): 7 steps in 1 suites\n/);
  assert.match(
    io.out(),
    /\nSPEC {13}VERSION {10}ASSERTIONS {2}TIME +CAPABILITY {2}STATUS\ntraffic-metrics {2}v0\.6\.0\/v1alpha1 {2}7 /,
  );
  assert.match(io.out(), /\ncases passed 0\/7 · passing 0\.00 %\n$/);
});

test('validate joins the mesh group beside up, down and status; the local driver needs a running mesh', async () => {
  const help = captureIO();
  assert.equal(await main(['mesh', '--help'], help), 0);
  for (const sub of ['up', 'down', 'status', 'validate'])
    assert.match(help.out(), new RegExp(`\\n  ${sub}\\b`));
  const io = captureIO();
  assert.equal(await main(['mesh', 'validate', '--state-dir', join(dir, 'no-mesh-here')], io), 1);
  assert.match(io.err(), /no mesh is running in .*no-mesh-here \(start one with: meshplane mesh up\)/);
});
