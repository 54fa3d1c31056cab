/**
 * traffic-access: TrafficTarget (access.smi-spec.io). Steps 1–7 are the original suite's; then
 * listed sources and destinations only, TCPRoute port rules, a UDPRoute rule that must not open TCP,
 * and the same intent in every older TrafficTarget version the mesh claims.
 * @module
 */
import { allowAll, tcpRoute, trafficTarget, udpRoute, APP_PORT } from './manifests.js';
import { GET_ECHO, probe, probePhase } from './dsl.js';
import type { Claims, Step, Suite } from './types.js';

const ACCESS = 'access.smi-spec.io';

function steps(claims: Claims): Step[] {
  const original: Step[] = [
    {
      name: 'trafficTargetServed',
      summary: `the mesh serves TrafficTarget ${ACCESS}/v1alpha3`,
      original: true,
      check: { kind: 'served', apiVersion: `${ACCESS}/v1alpha3`, resource: 'TrafficTarget' },
    },
    {
      name: 'deployApp',
      summary:
        'deploy service accounts service-a/b/c, workloads app-a/b/c (1 ready replica each), Services app-a/b/c:9091',
      original: true,
      deploy: 'access',
      check: { kind: 'deployed' },
    },
    {
      name: 'trafficDefault',
      summary: 'with no TrafficTarget, app-a → app-b GET /echo fails (exactly one RespFailed, for that URL)',
      original: true,
      check: { kind: 'traffic', phases: [{ calls: [{ from: 'app-a', service: 'app-b', path: '/echo' }], expect: [
        { kind: 'outcomes', app: 'app-a', succeeded: [], failed: [{ service: 'app-b', path: '/echo' }] },
      ] }] }, // prettier-ignore
    },
    {
      name: 'allowTcpRoute',
      summary:
        'apply TCPRoute service-tcp-route (ports: []) and TrafficTarget service-targets: service-a → service-b',
      original: true,
      apply: (ns) => [
        tcpRoute(ns, 'service-tcp-route', 'v1alpha4', []),
        trafficTarget(
          ns,
          'service-targets',
          'v1alpha3',
          'service-b',
          ['service-a'],
          [{ kind: 'TCPRoute', name: 'service-tcp-route' }],
        ),
      ],
    },
    {
      name: 'trafficAllowed',
      summary:
        "app-a → app-b GET /echo succeeds (one RespSucceeded for that URL) and app-b's ReqReceived is [app-a]",
      original: true,
      check: { kind: 'traffic', phases: [{ calls: [{ from: 'app-a', service: 'app-b', path: '/echo' }], expect: [
        { kind: 'outcomes', app: 'app-a', succeeded: [{ service: 'app-b', path: '/echo' }], failed: [] },
        { kind: 'received', app: 'app-b', from: ['app-a'] },
      ] }] }, // prettier-ignore
    },
    {
      name: 'deleteTarget',
      summary: 'delete TCPRoute service-tcp-route and TrafficTarget service-targets',
      original: true,
      delete: (ns) => [
        tcpRoute(ns, 'service-tcp-route', 'v1alpha4', []),
        trafficTarget(
          ns,
          'service-targets',
          'v1alpha3',
          'service-b',
          ['service-a'],
          [{ kind: 'TCPRoute', name: 'service-tcp-route' }],
        ),
      ],
    },
    {
      name: 'trafficBlocked',
      summary: 'with the TrafficTarget deleted, app-a → app-b GET /echo fails again',
      original: true,
      check: { kind: 'traffic', phases: [{ calls: [{ from: 'app-a', service: 'app-b', path: '/echo' }], expect: [
        { kind: 'outcomes', app: 'app-a', succeeded: [], failed: [{ service: 'app-b', path: '/echo' }] },
      ] }] }, // prettier-ignore
    },
  ];

  // From here on TrafficTarget "a-to-b" and TCPRoute "a-to-b-ports" are updated in place.
  const extended: Step[] = [
    {
      name: 'onlyListedSources',
      summary:
        'allow service-a → service-b on every port: a → b is delivered; c → b (source not listed) and a → c (other destination) are denied',
      apply: (ns) => allowAll(ns, 'a-to-b', 'service-b', ['service-a']),
      check: {
        kind: 'traffic',
        phases: [
          probePhase('app-a', 'app-b', [GET_ECHO], []),
          probePhase('app-c', 'app-b', [], [GET_ECHO]),
          probePhase('app-a', 'app-c', [], [GET_ECHO]),
        ],
      },
    },
    {
      name: 'tcpPortExcluded',
      summary: `TCPRoute a-to-b-ports lists only port ${APP_PORT + 1}: a → b on ${APP_PORT} is denied`,
      apply: (ns) => [tcpRoute(ns, 'a-to-b-ports', 'v1alpha4', [APP_PORT + 1])],
      check: probe('app-a', 'app-b', [], [GET_ECHO]),
    },
    {
      name: 'tcpPortIncluded',
      summary: `TCPRoute a-to-b-ports lists ports 8080 and ${APP_PORT}: a → b is delivered`,
      apply: (ns) => [tcpRoute(ns, 'a-to-b-ports', 'v1alpha4', [8080, APP_PORT])],
      check: probe('app-a', 'app-b', [GET_ECHO], []),
    },
  ];
  if (claims.serves('specs.smi-spec.io/v1alpha4', 'UDPRoute')) {
    extended.push({
      name: 'udpRouteIsNotTcp',
      summary: `the TrafficTarget's only rule is a UDPRoute for port ${APP_PORT}: TCP (HTTP) from a → b is denied`,
      apply: (ns) => [
        udpRoute(ns, 'a-to-b-udp', [APP_PORT]),
        trafficTarget(
          ns,
          'a-to-b',
          'v1alpha3',
          'service-b',
          ['service-a'],
          [{ kind: 'UDPRoute', name: 'a-to-b-udp' }],
        ),
      ],
      check: probe('app-a', 'app-b', [], [GET_ECHO]),
    });
  }
  // The same TrafficTarget in each older version, alternating its source so every step shows a change.
  const versions = (['v1alpha1', 'v1alpha2'] as const).filter((v) =>
    claims.serves(`${ACCESS}/${v}`, 'TrafficTarget'),
  );
  let last: { version: string; source: string } = { version: 'v1alpha3', source: 'service-a' };
  versions.forEach((version, i) => {
    const source = i % 2 === 0 ? 'service-a' : 'service-c';
    const [allowed, denied] =
      source === 'service-a' ? (['app-a', 'app-c'] as const) : (['app-c', 'app-a'] as const);
    extended.push({
      name: `trafficTarget${version[0]!.toUpperCase()}${version.slice(1)}`,
      summary: `TrafficTarget a-to-b rewritten in ${ACCESS}/${version} allowing ${source} only: ${allowed} → b delivered, ${denied} → b denied`,
      apply: (ns) => [
        trafficTarget(
          ns,
          'a-to-b',
          version,
          'service-b',
          [source],
          [{ kind: 'TCPRoute', name: 'a-to-b-ports' }],
          APP_PORT,
        ),
      ],
      check: {
        kind: 'traffic',
        phases: [probePhase(allowed, 'app-b', [GET_ECHO], []), probePhase(denied, 'app-b', [], [GET_ECHO])],
      },
    });
    last = { version, source };
  });
  const final = last;
  extended.push({
    name: 'deleteBlocks',
    summary: `delete TrafficTarget a-to-b (as ${ACCESS}/${final.version}) and its routes: a → b and c → b are denied`,
    delete: (ns) => [
      trafficTarget(
        ns,
        'a-to-b',
        final.version,
        'service-b',
        [final.source],
        [{ kind: 'TCPRoute', name: 'a-to-b-ports' }],
        APP_PORT,
      ),
      tcpRoute(ns, 'a-to-b-ports', 'v1alpha4'),
      ...(claims.serves('specs.smi-spec.io/v1alpha4', 'UDPRoute')
        ? [udpRoute(ns, 'a-to-b-udp', [APP_PORT])]
        : []),
    ],
    check: {
      kind: 'traffic',
      phases: [probePhase('app-a', 'app-b', [], [GET_ECHO]), probePhase('app-c', 'app-b', [], [GET_ECHO])],
    },
  });
  return [...original, ...extended];
}

export const trafficAccess: Suite = { name: 'traffic-access', specVersion: 'v0.6.0/v1alpha3', steps };
