import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InvalidInputError, MeshplaneError } from '../errors/index.js';
import { parsePerformanceTestFile, readPerformanceTestFile } from './config_file.js';

const MESHERY_TEST_FILE = `test:
  smp_version: v0.0.1
  name: Load Test
  labels: {}
  clients:
    - internal: false
      load_generator: fortio
      protocol: 1
      connections: 2
      rps: 10
      headers: {}
      cookies: {}
      body: ''
      content_type: ''
      endpoint_urls: ['http://127.0.0.1:8080/']
  duration: 60s
mesh:
  type: 3
`;

const TWO_CLIENTS_YAML = `name: two endpoints
labels: {team: perf}
clients:
  - load_generator: meshplane
    protocol: PROTOCOL_HTTP
    connections: 4
    rps: "250"
    headers: {x-trace: "1", authorization: Bearer t}
    cookies: {session: abc}
    body: '{"q": 1}'
    content_type: application/json
    endpoint_urls:
      - http://127.0.0.1:8080/a
      - https://127.0.0.1:8443/b
  - protocol: http
    connections: 1
    endpoint_urls: [http://127.0.0.1:9090/]
duration: 1m30s
`;

test('Meshery test file (YAML) keeps the mesh and every client field', () => {
  const file = parsePerformanceTestFile(MESHERY_TEST_FILE, { source: 'load-test.yaml' });
  assert.equal(file.shape, 'test-file');
  assert.equal(file.format, 'yaml');
  assert.equal(file.durationNanos, 60e9);
  assert.equal(file.mesh?.type, 'ISTIO');
  assert.deepEqual(file.config.clients[0], {
    internal: false,
    loadGenerator: 'fortio',
    protocol: 'PROTOCOL_HTTP',
    connections: 2,
    rps: 10,
    headers: {},
    cookies: {},
    body: '',
    contentType: '',
    endpointUrls: ['http://127.0.0.1:8080/'],
    sslCertificate: '',
    additionalOptions: '',
  });
});

test('bare config keeps every client, every URL, headers, cookies, body and content type', () => {
  const file = parsePerformanceTestFile(TWO_CLIENTS_YAML);
  assert.equal(file.shape, 'bare');
  assert.equal(file.mesh, undefined);
  assert.equal(file.durationNanos, 90e9);
  assert.equal(file.config.clients.length, 2);
  const [a, b] = file.config.clients as [
    NonNullable<(typeof file.config.clients)[0]>,
    NonNullable<(typeof file.config.clients)[0]>,
  ];
  assert.deepEqual(a.endpointUrls, ['http://127.0.0.1:8080/a', 'https://127.0.0.1:8443/b']);
  assert.deepEqual(a.headers, { 'x-trace': '1', authorization: 'Bearer t' });
  assert.deepEqual(a.cookies, { session: 'abc' });
  assert.equal(a.body, '{"q": 1}');
  assert.equal(a.contentType, 'application/json');
  assert.equal(a.rps, 250);
  assert.equal(b.protocol, 'PROTOCOL_HTTP');
  assert.equal(b.rps, 0);
});

test('the same config in every accepted spelling gives the same canonical object', () => {
  const reference = parsePerformanceTestFile(MESHERY_TEST_FILE);
  const variants = [
    // JSON, test-file shape, snake_case, enum numbers
    JSON.stringify({
      test: {
        smp_version: 'v0.0.1',
        name: 'Load Test',
        clients: [
          {
            load_generator: 'fortio',
            protocol: 1,
            connections: 2,
            rps: 10,
            endpoint_urls: ['http://127.0.0.1:8080/'],
          },
        ],
        duration: '60s',
      },
      mesh: { type: 3 },
    }),
    // JSON, camelCase, enum names, int64 as string
    JSON.stringify({
      test: {
        smpVersion: 'v0.0.1',
        name: 'Load Test',
        clients: [
          {
            loadGenerator: 'fortio',
            protocol: 'PROTOCOL_HTTP',
            connections: 2,
            rps: '10',
            endpointUrls: ['http://127.0.0.1:8080/'],
          },
        ],
        duration: '1m',
      },
      mesh: { type: 'ISTIO' },
    }),
    // YAML, camelCase, short lower-case enum names
    `test:
  smpVersion: v0.0.1
  name: Load Test
  clients:
  - {loadGenerator: fortio, protocol: http, connections: 2, rps: 10, endpointUrls: [http://127.0.0.1:8080/]}
  duration: 60000ms
mesh: {type: istio}
`,
  ];
  for (const text of variants) {
    const file = parsePerformanceTestFile(text);
    assert.deepEqual(file.mesh, reference.mesh);
    assert.equal(file.durationNanos, reference.durationNanos);
    assert.deepEqual({ ...file.config, duration: '' }, { ...reference.config, duration: '' });
  }
  assert.equal(parsePerformanceTestFile(variants[0]!).format, 'json');
  const bare = parsePerformanceTestFile(JSON.stringify({ ...JSON.parse(variants[0]!).test }));
  assert.equal(bare.shape, 'bare');
  assert.deepEqual(bare.config, reference.config);
});

test('readPerformanceTestFile takes an already-parsed body (management API)', () => {
  const file = readPerformanceTestFile({
    name: 'api',
    clients: [{ protocol: 1, connections: 1, endpoint_urls: ['http://127.0.0.1/'] }],
    duration: '5s',
  });
  assert.equal(file.durationNanos, 5e9);
  assert.equal(file.format, 'json');
});

function rejects(text: string, pattern: RegExp, source = 'load-test.yaml'): void {
  assert.throws(
    () => parsePerformanceTestFile(text, { source }),
    (e: unknown) => e instanceof MeshplaneError && e.status === 400 && pattern.test(e.message),
    pattern.source,
  );
}

test('malformed test files are rejected with the exact field path', () => {
  const f = MESHERY_TEST_FILE;
  rejects(
    f.replace('name: Load Test', 'name: ""'),
    /^load-test\.yaml: test\.name is missing; expected a test name$/,
  );
  rejects(f.replace('  name: Load Test\n', ''), /test\.name is missing/);
  rejects(
    f.replace(/ {2}clients:[\s\S]*?(?= {2}duration)/, '  clients: []\n'),
    /test\.clients is \[\]; expected at least one client/,
  );
  rejects(
    f.replace("endpoint_urls: ['http://127.0.0.1:8080/']", 'endpoint_urls: []'),
    /test\.clients\[0\]\.endpoint_urls is \[\]; expected at least one endpoint URL/,
  );
  rejects(
    f.replace("['http://127.0.0.1:8080/']", "['http://127.0.0.1:8080/', 'not a url']"),
    /test\.clients\[0\]\.endpoint_urls\[1\] is "not a url"; expected an absolute URL/,
  );
  rejects(
    f.replace("['http://127.0.0.1:8080/']", "['ftp://127.0.0.1/']"),
    /endpoint_urls\[0\] is "ftp:\/\/127\.0\.0\.1\/"; expected an http:\/\/ or https:\/\/ URL/,
  );
  rejects(
    f.replace('connections: 2', 'connections: -1'),
    /test\.clients\[0\]\.connections is -1; expected an integer ≥ 1/,
  );
  rejects(
    f.replace('      connections: 2\n', ''),
    /test\.clients\[0\]\.connections is 0; expected an integer ≥ 1/,
  );
  rejects(
    f.replace('connections: 2', 'connections: many'),
    /test\.clients\[0\]\.connections is "many"; expected an integer/,
  );
  rejects(f.replace('rps: 10', 'rps: -5'), /test\.clients\[0\]\.rps is -5; expected an integer ≥ 0/);
  rejects(
    f.replace('protocol: 1', 'protocol: 0'),
    /test\.clients\[0\]\.protocol is missing; expected one of PROTOCOL_HTTP \(1\)/,
  );
  rejects(
    f.replace('protocol: 1', 'protocol: SCTP'),
    /test\.clients\[0\]\.protocol is "SCTP"; expected one of/,
  );
  rejects(f.replace('duration: 60s', 'duration: 10x'), /test\.duration is "10x"; expected a Go duration/);
  rejects(
    f.replace('duration: 60s', 'duration: -5s'),
    /test\.duration is "-5s"; expected a duration that is not negative/,
  );
  rejects(
    f.replace('duration: 60s', 'duration: 0s'),
    /test\.duration is "0s"; expected a duration greater than 0/,
  );
  rejects(f.replace('  duration: 60s\n', ''), /test\.duration is missing/);
  rejects(
    f.replace('duration: 60s', 'duration: 60'),
    /test\.duration is 60; expected a string \(quote it in YAML\)/,
  );
  rejects(
    f.replace('headers: {}', 'headers: {"bad name": x}'),
    /test\.clients\[0\]\.headers\.bad name is "bad name"; expected an HTTP header name/,
  );
  rejects(
    f.replace('endpoint_urls:', 'endpoint_url:'),
    /test\.clients\[0\]\.endpoint_url: unknown field; did you mean endpoint_urls\?/,
  );
  rejects(f.replace('type: 3', 'type: 99'), /mesh\.type is 99; expected one of INVALID_MESH/);
  rejects(f.replace('test:', 'tset:'), /^load-test\.yaml: tset: unknown field; did you mean test\?/);
  rejects(
    f.replace('mesh:\n  type: 3\n', 'mesh:\n  type: 3\nextra: 1\n'),
    /^load-test\.yaml: extra: unknown field/,
  );
  rejects(
    f.replace('  clients:', '  clients:\n  - [').replace("''", "'"),
    /^load-test\.yaml: line \d+, column \d+: YAML syntax error/,
  );
  rejects(f.replace('type: 3', 'type: 3\n type: 4'), /line 19, column \d+: YAML syntax error/);
  rejects('- a\n- b\n', /\(document\) is \["a","b"\]; expected a PerformanceTestConfig/);
  rejects('', /\(document\) is missing/);
});

test('camelCase input is named in camelCase in errors', () => {
  const text = JSON.stringify({
    name: 'x',
    clients: [{ protocol: 'HTTP', connections: 1, endpointUrls: ['http://127.0.0.1/', '::'] }],
    duration: '1s',
  });
  assert.throws(
    () => parsePerformanceTestFile(text, { source: 'cfg.json' }),
    (e: unknown) =>
      e instanceof InvalidInputError &&
      e.field === 'clients[0].endpointUrls[1]' &&
      e.message.startsWith('cfg.json: '),
  );
});
