// The suites as data: the original 24 steps in their order, the extended steps, which steps exist
// for which claimed versions, and that every SMI object a step applies is valid in its apiVersion.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseSmiResource } from '../../smi/index.js';
import type { ServedApi } from '../driver.js';
import { claimsOf } from '../runner.js';
import { SUITES } from './index.js';
import type { Claims } from './types.js';

/** Everything the SMI model reads: what the local mesh and the no-mesh driver claim. */
const ALL: ServedApi[] = [
  { group: 'split.smi-spec.io', version: 'v1alpha1', kinds: ['TrafficSplit'] },
  { group: 'split.smi-spec.io', version: 'v1alpha2', kinds: ['TrafficSplit'] },
  { group: 'split.smi-spec.io', version: 'v1alpha3', kinds: ['TrafficSplit'] },
  { group: 'split.smi-spec.io', version: 'v1alpha4', kinds: ['TrafficSplit'] },
  { group: 'access.smi-spec.io', version: 'v1alpha1', kinds: ['TrafficTarget'] },
  { group: 'access.smi-spec.io', version: 'v1alpha2', kinds: ['TrafficTarget'] },
  { group: 'access.smi-spec.io', version: 'v1alpha3', kinds: ['TrafficTarget'] },
  { group: 'specs.smi-spec.io', version: 'v1alpha1', kinds: ['HTTPRouteGroup', 'TCPRoute'] },
  { group: 'specs.smi-spec.io', version: 'v1alpha2', kinds: ['HTTPRouteGroup', 'TCPRoute'] },
  { group: 'specs.smi-spec.io', version: 'v1alpha3', kinds: ['HTTPRouteGroup', 'TCPRoute'] },
  { group: 'specs.smi-spec.io', version: 'v1alpha4', kinds: ['HTTPRouteGroup', 'TCPRoute', 'UDPRoute'] },
  { group: 'metrics.smi-spec.io', version: 'v1alpha1', kinds: ['TrafficMetrics'] },
  { group: 'metrics.smi-spec.io', version: 'v1alpha2', kinds: ['TrafficMetrics'] },
];
/** Only the newest version of each group, as SMI v0.6.0 publishes them (what the original suite used). */
const HUB = ALL.filter((api) =>
  [
    'split.smi-spec.io/v1alpha4',
    'access.smi-spec.io/v1alpha3',
    'specs.smi-spec.io/v1alpha4',
    'metrics.smi-spec.io/v1alpha1',
  ].includes(`${api.group}/${api.version}`),
);

const names = (claims: Claims) =>
  Object.fromEntries(SUITES.map((s) => [s.name, s.steps(claims).map((st) => st.name)]));

test('the original 24 steps come first in each suite, in their order, marked original', () => {
  const claims = claimsOf(ALL);
  const originals = Object.fromEntries(SUITES.map((s) => [s.name, s.steps(claims).filter((st) => st.original).map((st) => st.name)]));
  assert.deepEqual(originals, {
    'traffic-access': ['trafficTargetServed', 'deployApp', 'trafficDefault', 'allowTcpRoute', 'trafficAllowed', 'deleteTarget', 'trafficBlocked'],
    'traffic-split': ['trafficSplitServed', 'deployApp', 'trafficDefault', 'splitOnlyB', 'trafficOnlyB', 'splitOnlyC', 'trafficOnlyC', 'splitBGrtC', 'trafficBGrtC', 'splitCGrtB', 'trafficCGrtB'],
    'traffic-spec': ['httpRouteGroupServed', 'deployApp', 'allowMetricsPath', 'trafficPath', 'allowGetAnyPath', 'trafficMethod'],
    'traffic-metrics': [],
  });
  for (const suite of SUITES) {
    const steps = suite.steps(claims);
    const firstExtended = steps.findIndex((s) => !s.original);
    assert.ok(steps.slice(firstExtended).every((s) => !s.original), `${suite.name}: originals first`);
  }
  assert.deepEqual(SUITES.map((s) => [s.name, s.specVersion]), [
    ['traffic-access', 'v0.6.0/v1alpha3'],
    ['traffic-split', 'v0.6.0/v1alpha4'],
    ['traffic-spec', 'v0.6.0/v1alpha4'],
    ['traffic-metrics', 'v0.6.0/v1alpha1'],
  ]);
}); // prettier-ignore

test('a mesh claiming every version gets 59 steps; one claiming only v0.6.0 versions gets 47', () => {
  const all = names(claimsOf(ALL));
  assert.deepEqual(Object.values(all).map((s) => s.length), [14, 19, 19, 7]);
  assert.deepEqual(all['traffic-access']!.slice(7), ['onlyListedSources', 'tcpPortExcluded', 'tcpPortIncluded', 'udpRouteIsNotTcp', 'trafficTargetV1alpha1', 'trafficTargetV1alpha2', 'deleteBlocks']);
  assert.deepEqual(all['traffic-split']!.slice(11), ['weighted75to25', 'relativeWeights', 'abMatchesHeader', 'abMatchesPath', 'splitDeleted', 'trafficSplitV1alpha1', 'trafficSplitV1alpha2', 'trafficSplitV1alpha3']);
  assert.deepEqual(all['traffic-spec']!.slice(6), ['pathPrefix', 'pathAnchored', 'headerMatchMap', 'headerMatchListAnd', 'matchesOred', 'ruleMatchesSubset', 'methodList', 'httpRouteGroupV1alpha1', 'httpRouteGroupV1alpha2', 'httpRouteGroupV1alpha3', 'tcpRouteV1alpha1', 'tcpRouteV1alpha2', 'tcpRouteV1alpha3']);
  assert.deepEqual(all['traffic-metrics'], ['trafficMetricsServed', 'deployApp', 'countsPerResource', 'edges', 'v1alpha2Shapes', 'trafficSplitBackends', 'unknownResource']);
  const hub = names(claimsOf(HUB));
  assert.deepEqual(Object.values(hub).map((s) => s.length), [12, 16, 13, 7]);
  assert.ok(!hub['traffic-access']!.includes('trafficTargetV1alpha1'));
  assert.ok(hub['traffic-access']!.includes('udpRouteIsNotTcp'));
  // A mesh that claims nothing still gets every step that does not depend on a claim.
  assert.deepEqual(Object.values(names(claimsOf([]))).map((s) => s.length), [11, 16, 13, 7]);
}); // prettier-ignore

test('every SMI object a step applies or deletes is valid in its apiVersion and lives in the suite namespace', () => {
  const ns = 'smi-check-000000';
  for (const suite of SUITES) {
    for (const step of suite.steps(claimsOf(ALL))) {
      for (const object of [...(step.apply?.(ns) ?? []), ...(step.delete?.(ns) ?? [])]) {
        assert.equal((object.metadata as { namespace?: string }).namespace, ns, `${suite.name}/${step.name}`);
        const parsed = parseSmiResource(object);
        if (object.apiVersion.includes('smi-spec.io')) {
          assert.ok(parsed, `${suite.name}/${step.name}: ${object.kind} read`);
          assert.deepEqual(
            parsed!.warnings,
            [],
            `${suite.name}/${step.name}: ${object.kind} ${object.apiVersion} without warnings`,
          );
          assert.equal(parsed!.resource.sourceApiVersion, object.apiVersion);
        }
      }
    }
  }
});

test('version steps write the same kind in the version they name', () => {
  const ns = 'n';
  for (const suite of SUITES) {
    for (const step of suite.steps(claimsOf(ALL))) {
      const m = /^(trafficTarget|trafficSplit|httpRouteGroup|tcpRoute)(V1alpha\d)$/.exec(step.name);
      if (!m) continue;
      const kind = { trafficTarget: 'TrafficTarget', trafficSplit: 'TrafficSplit', httpRouteGroup: 'HTTPRouteGroup', tcpRoute: 'TCPRoute' }[m[1]!]!;
      const version = `v${m[2]!.slice(1)}`;
      const objects = step.apply!(ns).filter((o) => o.kind === kind && o.apiVersion.endsWith(`/${version}`));
      assert.equal(objects.length, 1, `${step.name} applies one ${kind} ${version}`);
    }
  }
}); // prettier-ignore
