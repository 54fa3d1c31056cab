// Keeps types.ts in step with proxy_config.proto: every message field declared in the .proto is
// named in the hand-written interface, and a snapshot survives a binary round trip unchanged.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import protobuf from 'protobufjs';
import { decodeMessage, encodeMessage } from './codec.js';
import { protoPath } from './proto.js';
import type { ProxyConfig } from './types.js';

const typesSource = readFileSync(new URL('../../src/config/types.ts', import.meta.url), 'utf8');

test('every proto message and field appears in types.ts', () => {
  const root = new protobuf.Root().loadSync(protoPath, { keepCase: true });
  const missing: string[] = [];
  const visit = (ns: protobuf.NamespaceBase): void => {
    for (const nested of ns.nestedArray) {
      if (nested instanceof protobuf.Type) {
        const body = new RegExp(`export interface ${nested.name} \\{([^}]*)\\}`).exec(typesSource)?.[1];
        if (body === undefined) missing.push(nested.name);
        else
          for (const field of nested.fieldsArray)
            if (!body.includes(`${field.name}:`)) missing.push(`${nested.name}.${field.name}`);
      }
      if (nested instanceof protobuf.Namespace) visit(nested);
    }
  };
  visit(root);
  assert.deepEqual(missing, []);
});

test('a full snapshot survives a binary round trip', () => {
  const snapshot: ProxyConfig = {
    version: '7',
    mesh: { trust_domain: 'cluster.local', access_mode: 'ACCESS_MODE_ENFORCED' },
    listeners: [
      {
        name: 'outbound',
        address: '127.1.0.2',
        port: 15001,
        direction: 'OUTBOUND',
        protocol: 'HTTP',
        route_table: 'outbound',
        tcp_cluster: '',
        local_cluster: '',
        tcp_clusters: [],
      },
      {
        name: 'upstream|15432',
        address: '127.1.0.2',
        port: 15432,
        direction: 'OUTBOUND',
        protocol: 'TCP',
        route_table: '',
        tcp_cluster: 'outbound|80||web.default.svc.cluster.local',
        local_cluster: '',
        tcp_clusters: [
          { cluster: 'outbound|80||web.default.svc.cluster.local', weight: 1000 },
          { cluster: 'outbound|80||web.default.svc.cluster.local', weight: 500 },
        ],
      },
    ],
    route_tables: [
      {
        name: 'outbound',
        virtual_hosts: [
          {
            name: 'web.default.svc.cluster.local',
            domains: ['web.default.svc.cluster.local:80', 'web:80'],
            routes: [
              {
                name: 'default',
                match: {
                  path_regex: '/api',
                  methods: ['GET'],
                  headers: [{ name: 'x-user', value_regex: 'a.*' }],
                },
                action: {
                  clusters: [{ cluster: 'outbound|80||web.default.svc.cluster.local', weight: 1 }],
                  timeout_ms: 15000,
                  retry: {
                    max_retries: 2,
                    per_try_timeout_ms: 0,
                    budget_ratio: 0.2,
                    min_retries_per_second: 10,
                  },
                },
              },
            ],
          },
        ],
      },
    ],
    clusters: [
      {
        name: 'outbound|80||web.default.svc.cluster.local',
        service: 'web.default.svc.cluster.local',
        lb_policy: 'LEAST_REQUEST',
        endpoints: [
          {
            address: '127.1.0.3',
            port: 15006,
            identity: 'spiffe://cluster.local/ns/default/sa/web',
            weight: 1,
            instance: 'web-0',
            labels: { app: 'web' },
          },
        ],
        connect_timeout_ms: 1000,
        mtls: true,
        upstream_protocol: 'HTTP1',
        outlier_detection: { consecutive_errors: 5, base_ejection_time_ms: 30000, max_ejection_percent: 50 },
      },
    ],
    policies: [
      {
        name: 'default/web',
        source_identities: ['spiffe://cluster.local/ns/default/sa/client'],
        http_matches: [{ path_regex: '.*', methods: ['*'], headers: [] }],
        tcp_matches: [{ ports: [] }],
      },
    ],
  };
  const response = { version_info: '7', nonce: 'n-1', config: snapshot };
  assert.deepEqual(decodeMessage('ConfigResponse', encodeMessage('ConfigResponse', response)), response);
});
