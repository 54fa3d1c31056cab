// The JUnit report is well-formed XML with one testsuite per SMI spec and one testcase per step.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { junitXml, xmlEscape } from './junit.js';
import { run, suiteResult } from './testing/fixtures.js';

test('xmlEscape escapes markup and drops characters XML cannot hold', () => {
  assert.equal(xmlEscape(`a<b>&"c"'d'`), 'a&lt;b&gt;&amp;&quot;c&quot;&apos;d&apos;');
  assert.equal(xmlEscape('bell\u0007 tab\t nl\n'), 'bell tab\t nl\n');
  assert.equal(xmlEscape('lone \ud800 surrogate, pair \ud83d\ude00'), 'lone  surrogate, pair \ud83d\ude00');
});

test('junitXml is well-formed and counts tests, failures and skips per suite', () => {
  const access = suiteResult('traffic-access', 7, [3], [6, 7], 'v0.6.0/v1alpha3');
  access.steps[2]!.reasons = [
    'app-a RespFailed has 0 entries; expected exactly 1 (GET http://app-b/echo?x=1&y=<2>)',
    'second "reason"',
  ];
  const xml = junitXml(run([access, suiteResult('traffic-split', 11)]));
  assert.equal(XMLValidator.validate(xml), true);
  const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' }).parse(xml);
  const suites = doc.testsuites;
  assert.deepEqual([suites.tests, suites.failures, suites.skipped, suites.time], ['18', '1', '2', '5.500']);
  const [a, s] = suites.testsuite;
  assert.deepEqual(
    [a.name, a.tests, a.failures, a.skipped, a.time],
    ['traffic-access', '7', '1', '2', '1.234'],
  );
  assert.deepEqual([s.name, s.tests, s.failures, s.skipped], ['traffic-split', '11', '0', '0']);
  const props = Object.fromEntries(
    a.properties.property.map((p: { name: string; value: string }) => [p.name, p.value]),
  );
  assert.deepEqual(props, {
    specversion: 'v0.6.0/v1alpha3',
    namespace: 'smi-traffic-access-000000',
    capability: 'NONE',
    driver: 'local',
  });
  const cases = a.testcase;
  assert.equal(cases.length, 7);
  assert.deepEqual(
    [cases[0].classname, cases[0].name, cases[0].time],
    ['smi.traffic-access', '01-step1', '0.010'],
  );
  assert.equal(
    cases[2].failure.message,
    'app-a RespFailed has 0 entries; expected exactly 1 (GET http://app-b/echo?x=1&y=<2>)',
  );
  assert.equal(
    cases[2].failure['#text'],
    'the summary of step 3\napp-a RespFailed has 0 entries; expected exactly 1 (GET http://app-b/echo?x=1&y=<2>)\nsecond "reason"',
  );
  assert.equal(cases[5].skipped.message, 'interrupted');
  assert.equal(cases[0].failure, undefined);
});
