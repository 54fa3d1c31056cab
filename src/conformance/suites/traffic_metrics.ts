/**
 * traffic-metrics: the TrafficMetrics API (metrics.smi-spec.io), which the original suite never
 * tested. After known traffic (successes and failures on known edges), the counts the mesh reports
 * for pods, services, the namespace, edges and TrafficSplit backends must match what was sent.
 * @module
 */
import { allowAll, trafficSplit } from './manifests.js';
import type { Call, Step, Suite } from './types.js';

const METRICS = 'metrics.smi-spec.io';

/** KNOWN_TRAFFIC is what the counting step sends; metrics_checks.ts expects exactly these counts. */
export const KNOWN_TRAFFIC = {
  /** app-a → app-b GET /echo: answered 200. */
  bSuccesses: 20,
  /** app-a → app-b POST /call asking app-b to call a closed loopback port: app-b answers 500. */
  bFailures: 5,
  /** app-a → app-c GET /echo: answered 200. */
  cSuccesses: 10,
  /** app-a → app-svc GET /echo under TrafficSplit server-split (app-b 3, app-c 1). */
  splitRequests: 40,
} as const;

/** SPLIT_BACKENDS are the weights of the split whose per-backend metrics are checked. */
export const SPLIT_BACKENDS = [
  { service: 'app-b', weight: 3 },
  { service: 'app-c', weight: 1 },
];

/** FAILING_CALL is a /call body that makes the called sample app answer 500 (a transport error). */
export const FAILING_CALL = JSON.stringify({
  url: 'http://127.0.0.1:1/',
  method: 'GET',
  body: '',
  headers: {},
});

export const KNOWN_CALLS: Call[] = [
  { from: 'app-a', service: 'app-b', path: '/echo', count: KNOWN_TRAFFIC.bSuccesses },
  {
    from: 'app-a',
    service: 'app-b',
    path: '/call',
    method: 'POST',
    body: FAILING_CALL,
    count: KNOWN_TRAFFIC.bFailures,
  },
  { from: 'app-a', service: 'app-c', path: '/echo', count: KNOWN_TRAFFIC.cSuccesses },
];

function steps(): Step[] {
  return [
    {
      name: 'trafficMetricsServed',
      summary: `the mesh serves the TrafficMetrics API ${METRICS}/v1alpha1`,
      check: { kind: 'served', apiVersion: `${METRICS}/v1alpha1`, resource: 'TrafficMetrics' },
    },
    {
      name: 'deployApp',
      summary:
        'deploy app-a/b/c (b and c behind app-svc) and TrafficTargets letting service-a reach service-b and service-c',
      deploy: 'split',
      apply: (ns) => [
        ...allowAll(ns, 'a-to-b', 'service-b', ['service-a']),
        ...allowAll(ns, 'a-to-c', 'service-c', ['service-a']),
      ],
      check: { kind: 'deployed' },
    },
    {
      name: 'countsPerResource',
      summary:
        `send ${KNOWN_TRAFFIC.bSuccesses} successes and ${KNOWN_TRAFFIC.bFailures} failures (HTTP 500) a → b and ${KNOWN_TRAFFIC.cSuccesses} successes a → c; ` +
        'v1alpha1 success_count/failure_count of pods app-b/app-c, services app-b/app-c and the namespace match, and p50 ≤ p90 ≤ p99 latencies are reported',
      check: { kind: 'metrics', check: 'countsPerResource' },
    },
    {
      name: 'edges',
      summary:
        "pod app-b's /edges has exactly one edge, from pod app-a (20/5); pod app-a's has edges to app-b (20/5) and app-c (10/0)",
      check: { kind: 'metrics', check: 'edges' },
    },
    {
      name: 'v1alpha2Shapes',
      summary: `${METRICS}/v1alpha2 edges carry side (server on app-b's, client on app-a's) with the same counts; v1alpha1 items carry neither side nor backend`,
      check: { kind: 'metrics', check: 'v1alpha2Shapes' },
    },
    {
      name: 'trafficSplitBackends',
      summary:
        `apply TrafficSplit server-split (app-svc → app-b 3, app-c 1) and send ${KNOWN_TRAFFIC.splitRequests} requests to app-svc: ` +
        'v1alpha2 trafficsplits/server-split has one item per backend {apex, name, weight} counting what each app received',
      apply: (ns) => [trafficSplit(ns, 'server-split', 'v1alpha4', 'app-svc', SPLIT_BACKENDS)],
      check: { kind: 'metrics', check: 'trafficSplitBackends' },
    },
    {
      name: 'unknownResource',
      summary: `a pod that does not exist has no metrics: ${METRICS}/v1alpha1 answers 404`,
      check: { kind: 'metrics', check: 'unknownResource' },
    },
  ];
}

export const trafficMetrics: Suite = { name: 'traffic-metrics', specVersion: 'v0.6.0/v1alpha1', steps };
