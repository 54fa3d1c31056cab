import assert from 'node:assert/strict';
import { test } from 'node:test';
import { camelName } from './names.js';
import { smpType } from './schema.js';

// Field numbers and types from the SMP spec (v0.6.1), message by message.
const SPEC: Record<string, [string, number, string][]> = {
  PerformanceTestConfig: [
    ['smp_version', 1, 'string'],
    ['id', 2, 'string'],
    ['name', 3, 'string'],
    ['labels', 4, 'map'],
    ['clients', 5, 'Client'],
    ['duration', 6, 'string'],
  ],
  'PerformanceTestConfig.Client': [
    ['internal', 1, 'bool'],
    ['load_generator', 2, 'string'],
    ['protocol', 3, 'Protocol'],
    ['connections', 4, 'int32'],
    ['rps', 5, 'int64'],
    ['headers', 6, 'map'],
    ['cookies', 7, 'map'],
    ['body', 8, 'string'],
    ['content_type', 9, 'string'],
    ['endpoint_urls', 10, 'string'],
    ['ssl_certificate', 11, 'string'],
    ['additional_options', 12, 'string'],
  ],
  PerformanceTestResult: [
    ['smp_version', 1, 'string'],
    ['id', 2, 'string'],
    ['labels', 3, 'map'],
    ['start_time', 4, 'google.protobuf.Timestamp'],
    ['end_time', 5, 'google.protobuf.Timestamp'],
    ['latencies_ms', 6, 'Latency'],
    ['actual_qps', 7, 'double'],
    ['details_uri', 8, 'string'],
    ['test_id', 9, 'string'],
    ['mesh_config_id', 10, 'string'],
    ['env_id', 11, 'string'],
  ],
  'PerformanceTestResult.Latency': ['min', 'average', 'p50', 'p90', 'p99', 'max'].map((n, i) => [
    n,
    i + 1,
    'double',
  ]),
  'PerformanceTestResult.CPU': [
    ['cpu_mcores', 1, 'int32'],
    ...['user', 'nice', 'system', 'idle', 'iowait', 'hardware_interrupt', 'software_interrupt', 'steal'].map(
      (n, i): [string, number, string] => [n, i + 2, 'double'],
    ),
  ],
  'PerformanceTestResult.Memory': ['mem_total_mb', 'mem_free_mb', 'mem_used_mb'].map((n, i) => [
    n,
    i + 1,
    'double',
  ]),
  'PerformanceTestResult.Swap': ['swap_total_mb', 'swap_free_mb', 'swap_used_mb'].map((n, i) => [
    n,
    i + 1,
    'double',
  ]),
  ServiceMeshConfig: [
    ['smp_version', 1, 'string'],
    ['id', 2, 'string'],
    ['labels', 3, 'map'],
    ['ingress_gateway', 4, 'IngressGateway'],
    ['sidecar', 5, 'Sidecar'],
    ['mesh_telemetry', 6, 'MeshTelemetry'],
    ['mesh_policy', 7, 'MeshPolicy'],
    ['mesh_control_plane', 8, 'MeshControlPlane'],
    ['mesh_policy_enabled', 9, 'bool'],
    ['mesh_telemetry_enabled', 10, 'bool'],
    ['mtls_enabled', 11, 'bool'],
    ['proxy_concurrency', 12, 'int32'],
    ['mesh_build', 13, 'string'],
    ['proxy_build', 14, 'string'],
    ['exp_group_uuid', 15, 'string'],
    ['exp_uuid', 16, 'string'],
    ['profile', 17, 'string'],
    ['mesh_type', 18, 'ServiceMesh'],
    ['application_metadata', 19, 'ApplicationMetadata'],
  ],
  'ServiceMeshConfig.IngressGateway': ['count', 'cpu_mcores', 'mem_mb', 'rps', 'bps'].map((n, i) => [
    n,
    i + 1,
    'int32',
  ]),
  'ServiceMeshConfig.EgressGateway': ['count', 'cpu_mcores', 'mem_mb', 'rps', 'bps'].map((n, i) => [
    n,
    i + 1,
    'int32',
  ]),
  'ServiceMeshConfig.Sidecar': ['count', 'cpu_mcores', 'mem_mb', 'rps', 'bps'].map((n, i) => [
    n,
    i + 1,
    'int32',
  ]),
  'ServiceMeshConfig.MeshTelemetry': ['count', 'cpu_mcores', 'mem_mb', 'rps'].map((n, i) => [
    n,
    i + 1,
    'int32',
  ]),
  'ServiceMeshConfig.MeshPolicy': ['count', 'cpu_mcores', 'mem_mb', 'rps', 'cache_hit_rate'].map((n, i) => [
    n,
    i + 1,
    'int32',
  ]),
  'ServiceMeshConfig.MeshControlPlane': [
    'count',
    'cpu_mcores',
    'mem_mb',
    'endpoints',
    'services',
    'sidecars',
    'virtual_services',
    'destination_rules',
    'lds_latency_ms',
    'cds_latency_ms',
  ].map((n, i) => [n, i + 1, 'int32']),
  EnvironmentConfig: [
    ['smp_version', 1, 'string'],
    ['id', 2, 'string'],
    ['labels', 3, 'map'],
    ['kubernetes_version', 4, 'string'],
    ['nodes', 5, 'Node'],
    ['individual_workloads', 6, 'IndividualWorkload'],
    ['traffic_metadata', 7, 'TrafficMetadata'],
  ],
  'EnvironmentConfig.Node': [
    ['type', 1, 'string'],
    ['cores', 2, 'int32'],
    ['mem_mb', 3, 'int64'],
  ],
  'EnvironmentConfig.IndividualWorkload': [
    ['name', 1, 'string'],
    ['count', 2, 'int32'],
    ['cpu_mcores', 3, 'int32'],
    ['mem_mb', 4, 'int32'],
  ],
  ServiceMesh: [
    ['type', 1, 'Type'],
    ['version', 2, 'string'],
    ['labels', 3, 'map'],
    ['annotations', 4, 'map'],
  ],
  ApplicationMetadata: [
    ...[
      'application_name',
      'application_version',
      'helmchart_name',
      'helmchart_version',
      'cnabspec_version',
      'compose_version',
      'cluster_name',
      'k8s_version_supported',
    ].map((n, i): [string, number, string] => [n, i + 1, 'string']),
    ['application_protocol', 9, 'ApplicationProtocol'],
  ],
  TrafficMetadata: [
    'load_balance_name',
    'load_balance_ip',
    'host_endpoint',
    'prometheus_url',
    'http_headers',
    'user_agent',
    'ping_health_endpoint',
  ].map((n, i) => [n, i + 1, 'string']),
};

test('every SMP message has exactly the fields, numbers and types of the spec', () => {
  for (const [message, fields] of Object.entries(SPEC)) {
    const type = smpType(message);
    const actual = type.fieldsArray.map((f) => [f.name, f.id, f.map ? 'map' : f.type]);
    assert.deepEqual(actual, fields, message);
  }
});

test('SMP enums have the spec values', () => {
  const protocol = smpType('PerformanceTestConfig.Client').lookupEnum('Protocol');
  assert.deepEqual(
    { ...protocol.values },
    {
      PROTOCOL_INVALID: 0,
      PROTOCOL_HTTP: 1,
      PROTOCOL_TCP: 2,
      PROTOCOL_UDP: 3,
      PROTOCOL_GRPC: 4,
    },
  );
  const meshType = smpType('ServiceMesh').lookupEnum('Type');
  assert.deepEqual(Object.entries(meshType.values), [
    ['INVALID_MESH', 0],
    ['APP_MESH', 1],
    ['CONSUL', 2],
    ['ISTIO', 3],
    ['KUMA', 4],
    ['LINKERD', 5],
    ['TRAEFIK_MESH', 6],
    ['OCTARINE', 7],
    ['NETWORK_SERVICE_MESH', 8],
    ['TANZU', 9],
    ['OPEN_SERVICE_MESH', 10],
    ['NGINX_SERVICE_MESH', 11],
    ['CILIUM_SERVICE_MESH', 12],
  ]);
  const appProtocol = smpType('ApplicationMetadata').lookupEnum('ApplicationProtocol');
  assert.deepEqual({ ...appProtocol.values }, { PROTOCOL_INVALID: 0, PROTOCOL_HTTP: 1, PROTOCOL_HTTPS: 2 });
});

test('JSON names follow the protoc rule', () => {
  assert.equal(camelName('endpoint_urls'), 'endpointUrls');
  assert.equal(camelName('k8s_version_supported'), 'k8sVersionSupported');
  assert.equal(camelName('latencies_ms'), 'latenciesMs');
  assert.equal(smpType('PerformanceTestConfig').fullName, '.smp.PerformanceTestConfig');
});
