/**
 * traffic-split: TrafficSplit (split.smi-spec.io). Steps 1–11 are the original suite's (its
 * weighted checks only compare b with c); then weighted splits checked statistically, relative
 * weights, `matches`-based A/B routing by header and by path and method, the apex service once the
 * split is gone, and the same split in every older version the mesh claims.
 * @module
 */
import { allowAll, httpRouteGroup, trafficSplit } from './manifests.js';
import { splitPhase } from './dsl.js';
import type { Check, Claims, Expectation, Step, Suite } from './types.js';

const SPLIT = 'split.smi-spec.io';

/** ORIGINAL_REQUESTS is how many requests each original split check sends. */
const ORIGINAL_REQUESTS = 50;

/** SPLIT_CHECK_ALPHA bounds the probability that a correct mesh fails one statistical split check. */
export const SPLIT_CHECK_ALPHA = 1e-6;

/**
 * SPLIT_REQUESTS are the sizes of the statistical checks (see docs/conformance.md for the maths):
 * with α = 1e-6 the 75/25 check accepts 256–340 of 400 on app-b, which a 50/50 mesh hits with
 * probability 1.2e-8; the 1000/500 check accepts 530–668 of 900, which 50/50 hits with 5.4e-8.
 */
export const SPLIT_REQUESTS = { weighted: 400, relative: 900 } as const;

function backends(b: number | string, c: number | string): { service: string; weight: number | string }[] {
  return [
    { service: 'app-b', weight: b },
    { service: 'app-c', weight: c },
  ];
}

const bothReached: Expectation[] = [
  { kind: 'receivedCount', app: 'app-b', op: '>', value: 0 },
  { kind: 'receivedCount', app: 'app-c', op: '>', value: 0 },
];

function only(app: 'app-b' | 'app-c'): Expectation[] {
  return [
    { kind: 'receivedCount', app: 'app-b', op: '==', value: app === 'app-b' ? 'sent' : 0 },
    { kind: 'receivedCount', app: 'app-c', op: '==', value: app === 'app-c' ? 'sent' : 0 },
  ];
}

function traffic(expect: Expectation[], count = ORIGINAL_REQUESTS): Check {
  return { kind: 'traffic', phases: [splitPhase('app-svc', count, expect)] };
}

/** apex: every request reached app-b or app-c, and both got some (the apex Service selects both). */
function apex(): Expectation[] {
  return [...bothReached, { kind: 'receivedTotal', apps: ['app-b', 'app-c'] }];
}

function steps(claims: Claims): Step[] {
  const split = (
    ns: string,
    b: number | string,
    c: number | string,
    version = 'v1alpha4',
    matches: string[] = [],
  ) => trafficSplit(ns, 'server-split', version, 'app-svc', backends(b, c), matches);
  const original: Step[] = [
    {
      name: 'trafficSplitServed',
      summary: `the mesh serves TrafficSplit ${SPLIT}/v1alpha4`,
      original: true,
      check: { kind: 'served', apiVersion: `${SPLIT}/v1alpha4`, resource: 'TrafficSplit' },
    },
    {
      name: 'deployApp',
      summary:
        'deploy app-a, app-b and app-c (b and c labelled app=app), Services app-a/b/c and app-svc (selects b and c), ' +
        'and TrafficTargets letting service-a reach service-b and service-c',
      original: true,
      deploy: 'split',
      apply: (ns) => [...allowAll(ns, 'a-to-b', 'service-b', ['service-a']), ...allowAll(ns, 'a-to-c', 'service-c', ['service-a'])],
      check: { kind: 'deployed' },
    },
    {
      name: 'trafficDefault',
      summary: `${ORIGINAL_REQUESTS} × app-a → app-svc GET /echo: both app-b and app-c receive some`,
      original: true,
      check: traffic(bothReached),
    },
    { name: 'splitOnlyB', summary: 'apply TrafficSplit server-split: app-svc → app-b 1, app-c 0', original: true, apply: (ns) => [split(ns, 1, 0)] },
    { name: 'trafficOnlyB', summary: `app-b receives all ${ORIGINAL_REQUESTS} requests, app-c none`, original: true, check: traffic(only('app-b')) },
    { name: 'splitOnlyC', summary: 'weights app-b 0, app-c 1', original: true, apply: (ns) => [split(ns, 0, 1)] },
    { name: 'trafficOnlyC', summary: `app-c receives all ${ORIGINAL_REQUESTS} requests, app-b none`, original: true, check: traffic(only('app-c')) },
    { name: 'splitBGrtC', summary: 'weights app-b 75, app-c 25', original: true, apply: (ns) => [split(ns, 75, 25)] },
    {
      name: 'trafficBGrtC',
      summary: 'app-b receives more requests than app-c',
      original: true,
      check: traffic([{ kind: 'compare', left: 'app-b', op: '>', right: 'app-c' }]),
    },
    { name: 'splitCGrtB', summary: 'weights app-b 25, app-c 75', original: true, apply: (ns) => [split(ns, 25, 75)] },
    {
      name: 'trafficCGrtB',
      summary: 'app-b receives fewer requests than app-c',
      original: true,
      check: traffic([{ kind: 'compare', left: 'app-b', op: '<', right: 'app-c' }]),
    },
  ]; // prettier-ignore

  const abHeader = { 'x-canary': 'true' };
  const extended: Step[] = [
    {
      name: 'weighted75to25',
      summary: `weights 75/25: of ${SPLIT_REQUESTS.weighted} requests, app-b's count lies in the binomial interval of a 75 % share (α = ${SPLIT_CHECK_ALPHA.toExponential()})`,
      apply: (ns) => [split(ns, 75, 25)],
      check: traffic([{ kind: 'split', backends: [{ app: 'app-b', weight: 75 }, { app: 'app-c', weight: 25 }] }], SPLIT_REQUESTS.weighted),
    },
    {
      name: 'relativeWeights',
      summary: `weights 1000/500 are relative (2:1): of ${SPLIT_REQUESTS.relative} requests, app-b's count lies in the interval of a ⅔ share`,
      apply: (ns) => [split(ns, 1000, 500)],
      check: traffic([{ kind: 'split', backends: [{ app: 'app-b', weight: 1000 }, { app: 'app-c', weight: 500 }] }], SPLIT_REQUESTS.relative),
    },
    {
      name: 'abMatchesHeader',
      summary:
        'split with matches [HTTPRouteGroup canary: header x-canary ^true$] → app-c only: matching requests all reach app-c; ' +
        'the others go to the apex Service app-svc (both b and c)',
      apply: (ns) => [
        httpRouteGroup(ns, 'canary', 'v1alpha4', [{ name: 'canary', headers: { 'x-canary': '^true$' } }]),
        split(ns, 0, 1, 'v1alpha4', ['canary']),
      ],
      check: {
        kind: 'traffic',
        phases: [splitPhase('app-svc', ORIGINAL_REQUESTS, only('app-c'), abHeader), splitPhase('app-svc', ORIGINAL_REQUESTS, apex())],
      },
    },
    {
      name: 'abMatchesPath',
      summary: 'split with matches [GET /echo] → app-b only: GET /echo all reach app-b; POST /echo goes to the apex (both b and c)',
      apply: (ns) => [
        httpRouteGroup(ns, 'canary', 'v1alpha4', [{ name: 'get-echo', pathRegex: '/echo', methods: ['GET'] }]),
        split(ns, 1, 0, 'v1alpha4', ['canary']),
      ],
      check: {
        kind: 'traffic',
        phases: [
          splitPhase('app-svc', ORIGINAL_REQUESTS, only('app-b')),
          { calls: [{ from: 'app-a', service: 'app-svc', path: '/echo', method: 'POST', count: ORIGINAL_REQUESTS }], expect: apex() },
        ],
      },
    },
    {
      name: 'splitDeleted',
      summary: 'delete the split and its HTTPRouteGroup: requests to app-svc reach both app-b and app-c again',
      delete: (ns) => [split(ns, 1, 0, 'v1alpha4', ['canary']), httpRouteGroup(ns, 'canary', 'v1alpha4', [{ name: 'get-echo' }])],
      check: traffic(apex()),
    },
  ]; // prettier-ignore

  // Older versions, alternating the backend that takes everything so that each step shows a change.
  const weights: Record<string, [number | string, number | string]> = {
    v1alpha1: ['500m', '0'],
    v1alpha2: [0, 1],
    v1alpha3: [1, 0],
  };
  for (const version of ['v1alpha1', 'v1alpha2', 'v1alpha3'] as const) {
    if (!claims.serves(`${SPLIT}/${version}`, 'TrafficSplit')) continue;
    const [b, c] = weights[version]!;
    const target = Number(b === '500m' ? 1 : b) > 0 ? 'app-b' : 'app-c';
    extended.push({
      name: `trafficSplit${version[0]!.toUpperCase()}${version.slice(1)}`,
      summary: `TrafficSplit server-split written in ${SPLIT}/${version} (app-b ${JSON.stringify(b)}, app-c ${JSON.stringify(c)}): ${target} receives all ${ORIGINAL_REQUESTS}`,
      apply: (ns) => [split(ns, b, c, version)],
      check: traffic(only(target)),
    });
  }
  return [...original, ...extended];
}

export const trafficSplitSuite: Suite = { name: 'traffic-split', specVersion: 'v0.6.0/v1alpha4', steps };
