import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InvalidInputError, MeshplaneError } from '../errors/index.js';
import { decodeSmp, encodeSmp, formatSmp, parseSmp, smpFromJson, smpToJson } from './codec.js';
import { fullConfig, fullEnvironment, fullMeshConfig, fullResult } from './testing/samples.js';
import { bytes, dbl, mapEntry, str, vint } from './testing/wire.js';
import type { SmpMessageName, SmpMessages } from './types.js';

const samples: { [K in SmpMessageName]?: SmpMessages[K] } = {
  PerformanceTestConfig: fullConfig,
  PerformanceTestResult: fullResult,
  ServiceMeshConfig: fullMeshConfig,
  EnvironmentConfig: fullEnvironment,
  ServiceMesh: fullMeshConfig.meshType!,
  ApplicationMetadata: fullMeshConfig.applicationMetadata!,
  TrafficMetadata: fullEnvironment.trafficMetadata!,
};

test('every message round-trips binary ↔ object ↔ JSON (both styles) ↔ YAML', () => {
  for (const [name, message] of Object.entries(samples) as [SmpMessageName, SmpMessages[SmpMessageName]][]) {
    const fromBinary = decodeSmp(name, encodeSmp(name, message));
    assert.deepEqual(fromBinary, message, `${name} binary`);
    for (const style of ['snake', 'camel'] as const) {
      const json = formatSmp(name, message, 'json', { style });
      assert.deepEqual(parseSmp(name, json), message, `${name} JSON ${style}`);
      const yaml = formatSmp(name, message, 'yaml', { style });
      assert.deepEqual(parseSmp(name, yaml), message, `${name} YAML ${style}`);
      assert.deepEqual(smpFromJson(name, smpToJson(name, message, { style, emitDefaults: true })), message);
    }
    assert.deepEqual(
      encodeSmp(name, parseSmp(name, formatSmp(name, message, 'yaml'))),
      encodeSmp(name, message),
    );
  }
});

test('a hand-built PerformanceTestConfig binary decodes field by field (spec field numbers)', () => {
  const client = [
    ...vint(1, 1), // internal
    ...str(2, 'fortio'), // load_generator
    ...vint(3, 1), // protocol = PROTOCOL_HTTP
    ...vint(4, 2), // connections
    ...vint(5, 10), // rps
    ...mapEntry(6, 'x-a', 'b'), // headers
    ...mapEntry(7, 'c', 'd'), // cookies
    ...str(8, 'hi'), // body
    ...str(9, 'text/plain'), // content_type
    ...str(10, 'http://127.0.0.1:1/'), // endpoint_urls
    ...str(10, 'http://127.0.0.1:2/'),
    ...str(11, 'PEM'), // ssl_certificate
    ...str(12, '{}'), // additional_options
  ];
  const wire = Uint8Array.from([
    ...str(1, 'v0.0.1'),
    ...str(2, 'id1'),
    ...str(3, 'Load Test'),
    ...mapEntry(4, 'k', 'v'),
    ...bytes(5, client),
    ...str(6, '60s'),
  ]);
  const config = decodeSmp('PerformanceTestConfig', wire);
  assert.deepEqual(config, {
    smpVersion: 'v0.0.1',
    id: 'id1',
    name: 'Load Test',
    labels: { k: 'v' },
    clients: [
      {
        internal: true,
        loadGenerator: 'fortio',
        protocol: 'PROTOCOL_HTTP',
        connections: 2,
        rps: 10,
        headers: { 'x-a': 'b' },
        cookies: { c: 'd' },
        body: 'hi',
        contentType: 'text/plain',
        endpointUrls: ['http://127.0.0.1:1/', 'http://127.0.0.1:2/'],
        sslCertificate: 'PEM',
        additionalOptions: '{}',
      },
    ],
    duration: '60s',
  });
  assert.deepEqual([...encodeSmp('PerformanceTestConfig', config)], [...wire]);
});

test('a hand-built PerformanceTestResult, ServiceMeshConfig and EnvironmentConfig decode', () => {
  const result = decodeSmp(
    'PerformanceTestResult',
    Uint8Array.from([
      ...bytes(4, [...vint(1, 1714564800), ...vint(2, 5)]), // start_time
      ...bytes(6, [...dbl(1, 0.5), ...dbl(5, 9.25)]), // latencies_ms.min, .p99
      ...dbl(7, 123.5), // actual_qps
      ...str(9, 't'), // test_id
      ...str(10, 'm'), // mesh_config_id
      ...str(11, 'e'), // env_id
    ]),
  );
  assert.deepEqual(result.startTime, { seconds: 1714564800, nanos: 5 });
  assert.deepEqual(result.latenciesMs, { min: 0.5, average: 0, p50: 0, p90: 0, p99: 9.25, max: 0 });
  assert.equal(result.endTime, undefined);
  assert.deepEqual(
    [result.actualQps, result.testId, result.meshConfigId, result.envId],
    [123.5, 't', 'm', 'e'],
  );

  const mesh = decodeSmp(
    'ServiceMeshConfig',
    Uint8Array.from([
      ...vint(11, 1), // mtls_enabled
      ...bytes(8, [...vint(9, 40), ...vint(10, 30)]), // mesh_control_plane.lds/cds_latency_ms
      ...bytes(18, [...vint(1, 5), ...str(2, '2.14')]), // mesh_type = LINKERD
      ...bytes(19, [...vint(9, 2)]), // application_metadata.application_protocol = HTTPS
    ]),
  );
  assert.equal(mesh.mtlsEnabled, true);
  assert.equal(mesh.meshControlPlane?.ldsLatencyMs, 40);
  assert.equal(mesh.meshControlPlane?.cdsLatencyMs, 30);
  assert.deepEqual(mesh.meshType, { type: 'LINKERD', version: '2.14', labels: {}, annotations: {} });
  assert.equal(mesh.applicationMetadata?.applicationProtocol, 'PROTOCOL_HTTPS');

  const env = decodeSmp(
    'EnvironmentConfig',
    Uint8Array.from([
      ...bytes(5, [...str(1, 'n2'), ...vint(2, 4), ...vint(3, 2n ** 40n)]), // nodes[0], mem_mb int64
      ...bytes(7, [...str(7, '/ping')]), // traffic_metadata.ping_health_endpoint
    ]),
  );
  assert.deepEqual(env.nodes, [{ type: 'n2', cores: 4, memMb: 2 ** 40 }]);
  assert.equal(env.trafficMetadata?.pingHealthEndpoint, '/ping');
});

test('input accepts both name styles, enum numbers and names, int64 strings, both Timestamp forms', () => {
  const snake = smpFromJson('PerformanceTestResult', {
    start_time: { seconds: '1714564800', nanos: 5 },
    end_time: '2024-05-01T12:01:00.5Z',
    latencies_ms: { p99: '1.5' },
    actual_qps: 10,
  });
  const camel = smpFromJson('PerformanceTestResult', {
    startTime: '2024-05-01T12:00:00.000000005Z',
    endTime: { seconds: 1714564860, nanos: 500_000_000 },
    latenciesMs: { p99: 1.5 },
    actualQps: '10',
  });
  assert.deepEqual(snake, camel);
  for (const protocol of [1, '1', 'PROTOCOL_HTTP', 'HTTP', 'http', 'protocol_http']) {
    const client = smpFromJson('PerformanceTestConfig', { clients: [{ protocol }] }).clients[0]!;
    assert.equal(client.protocol, 'PROTOCOL_HTTP', String(protocol));
  }
  for (const type of [6, 'TRAEFIK_MESH', 'traefik-mesh', 'Traefik Mesh', 'MAESH']) {
    assert.equal(smpFromJson('ServiceMesh', { type }).type, 'TRAEFIK_MESH', String(type));
  }
  assert.equal(
    smpFromJson('PerformanceTestConfig', { clients: [{ rps: '9007199254740991' }] }).clients[0]!.rps,
    2 ** 53 - 1,
  );
  assert.deepEqual(smpFromJson('PerformanceTestConfig', { name: null, labels: null }).labels, {});
});

test('output styles: snake is Meshery/Go (numbers), camel is protojson (names, RFC 3339, int64 strings)', () => {
  const snake = smpToJson('PerformanceTestResult', fullResult);
  assert.deepEqual(snake.start_time, { seconds: 1714564800, nanos: 123456789 });
  assert.ok('latencies_ms' in snake && !('latenciesMs' in snake));
  const camel = smpToJson('PerformanceTestResult', fullResult, { style: 'camel' });
  assert.equal(camel.startTime, '2024-05-01T12:00:00.123456789Z');
  const client = (smpToJson('PerformanceTestConfig', fullConfig).clients as Record<string, unknown>[])[0]!;
  assert.equal(client.protocol, 1);
  assert.equal(client.rps, 500);
  const camelClient = (
    smpToJson('PerformanceTestConfig', fullConfig, { style: 'camel' }).clients as Record<string, unknown>[]
  )[0]!;
  assert.equal(camelClient.protocol, 'PROTOCOL_HTTP');
  assert.equal(camelClient.rps, '500');
  assert.deepEqual(camelClient.endpointUrls, fullConfig.clients[0]!.endpointUrls);
});

test('bad fields are rejected with the field path, the value and what was expected', () => {
  const cases: [SmpMessageName, unknown, RegExp][] = [
    [
      'PerformanceTestConfig',
      { clients: [{ endpoint_url: ['x'] }] },
      /^clients\[0\]\.endpoint_url: unknown field; did you mean endpoint_urls\?/,
    ],
    ['PerformanceTestConfig', { clients: [{ endpointUrl: ['x'] }] }, /did you mean endpointUrls\?/],
    ['PerformanceTestConfig', { nmae: 'x' }, /^nmae: unknown field; did you mean name\?/],
    [
      'PerformanceTestConfig',
      { colour: 'x' },
      /^colour: unknown field \(PerformanceTestConfig has no such field\)/,
    ],
    [
      'PerformanceTestConfig',
      { clients: [{ connections: 'two' }] },
      /^clients\[0\]\.connections is "two"; expected an integer/,
    ],
    ['PerformanceTestConfig', { clients: [{ connections: 1.5 }] }, /connections is 1.5; expected an integer/],
    [
      'PerformanceTestConfig',
      { clients: [{ connections: 2 ** 31 }] },
      /expected an integer in -2147483648\.\.2147483647/,
    ],
    ['PerformanceTestConfig', { clients: { a: 1 } }, /^clients is \{"a":1\}; expected a list/],
    [
      'PerformanceTestConfig',
      { clients: [{ endpoint_urls: 'http://x' }] },
      /endpoint_urls is "http:\/\/x"; expected a list/,
    ],
    ['PerformanceTestConfig', { name: 42 }, /^name is 42; expected a string \(quote it in YAML\)/],
    [
      'PerformanceTestConfig',
      { clients: [{ internal: 'yes' }] },
      /internal is "yes"; expected true or false/,
    ],
    [
      'PerformanceTestConfig',
      { clients: [{ protocol: 9 }] },
      /protocol is 9; expected one of PROTOCOL_INVALID \(0\), PROTOCOL_HTTP \(1\)/,
    ],
    [
      'PerformanceTestConfig',
      { clients: [{ headers: { a: 1 } }] },
      /^clients\[0\]\.headers\.a is 1; expected a string/,
    ],
    ['PerformanceTestConfig', { name: 'a', Name: 'b' }, /^Name: unknown field; did you mean name\?/],
    [
      'PerformanceTestConfig',
      { clients: [{ load_generator: 'x', loadGenerator: 'y' }] },
      /^clients\[0\]\.loadGenerator is "y"; expected only one of load_generator and loadGenerator/,
    ],
    [
      'PerformanceTestConfig',
      [1, 2],
      /^\(document\) is \[1,2\]; expected an object \(PerformanceTestConfig\)/,
    ],
    [
      'PerformanceTestResult',
      { start_time: 'yesterday' },
      /^start_time is "yesterday"; expected an RFC 3339 time/,
    ],
    ['PerformanceTestResult', { start_time: { seconds: 1, nanos: 2e9 } }, /^start_time\.nanos is 2000000000/],
    [
      'PerformanceTestResult',
      { start_time: { second: 1 } },
      /^start_time\.second: unknown field; did you mean seconds\?/,
    ],
    ['PerformanceTestResult', { actual_qps: 'fast' }, /^actual_qps is "fast"; expected a number/],
    [
      'EnvironmentConfig',
      { nodes: [{ mem_mb: '12345678901234567890' }] },
      /^nodes\[0\]\.mem_mb is "12345678901234567890"; expected an integer/,
    ],
  ];
  for (const [name, value, pattern] of cases) {
    assert.throws(
      () => smpFromJson(name, value),
      (e: unknown) => e instanceof InvalidInputError && pattern.test(e.message),
      `${JSON.stringify(value)} → ${pattern}`,
    );
  }
});

test('unreadable text and bytes get their own codes, with line numbers for text', () => {
  assert.throws(
    () => parseSmp('PerformanceTestConfig', 'name: a\nclients: [\n  - x\n', { source: 'cfg.yaml' }),
    (e: unknown) =>
      e instanceof MeshplaneError &&
      e.code === 'SMP_ERR_SYNTAX' &&
      /^cfg\.yaml: line \d+, column \d+: YAML syntax error/.test(e.message),
  );
  assert.throws(
    () => parseSmp('PerformanceTestConfig', '{"name": "a",\n "clients": [}', { source: 'cfg.json' }),
    (e: unknown) =>
      e instanceof MeshplaneError &&
      e.code === 'SMP_ERR_SYNTAX' &&
      /^cfg\.json: line 2, column \d+: JSON syntax error/.test(e.message),
  );
  assert.throws(
    () => parseSmp('PerformanceTestConfig', 'name: a\nname: b\n'),
    (e: unknown) => e instanceof MeshplaneError && e.code === 'SMP_ERR_SYNTAX' && /line 2/.test(e.message),
  );
  assert.throws(
    () => decodeSmp('PerformanceTestConfig', Uint8Array.from([0x0a, 0x10, 0x41]), { source: 'r.pb' }),
    (e: unknown) =>
      e instanceof MeshplaneError &&
      e.code === 'SMP_ERR_BINARY' &&
      e.status === 400 &&
      e.message.startsWith('r.pb: '),
  );
  assert.throws(
    () => decodeSmp('PerformanceTestConfig', Uint8Array.from([0xff, 0xff])),
    (e: unknown) => e instanceof MeshplaneError && e.code === 'SMP_ERR_BINARY',
  );
  assert.throws(
    () => decodeSmp('PerformanceTestConfig', Uint8Array.from(bytes(5, vint(3, 9)))),
    (e: unknown) =>
      e instanceof InvalidInputError && /^clients\[0\]\.protocol is 9; expected one of/.test(e.message),
  );
});
