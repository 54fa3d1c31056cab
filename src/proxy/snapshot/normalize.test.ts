// normalizeProxyConfig and validateProxyConfig: shapes from files (JSON names, enum numbers,
// defaults), shape errors and semantic errors naming the field.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ProxyErrorCode } from '../errors.js';
import { normalizeProxyConfig } from './normalize.js';
import { validateProxyConfig } from './validate.js';

test('lowerCamelCase names, enum numbers and missing fields become the proto-loader shape', () => {
  const c = normalizeProxyConfig({
    version: '3',
    routeTables: [
      {
        name: 't',
        virtualHosts: [
          { name: 'v', domains: ['v:80'], routes: [{ name: 'r', action: { clusters: [{ cluster: 'c' }] } }] },
        ],
      },
    ],
    clusters: [{ name: 'c', lbPolicy: 2, endpoints: [{ address: '127.0.0.1', port: '8080' }] }],
    listeners: [{ name: 'l', port: 15001, direction: 'OUTBOUND', protocol: 1, routeTable: 't' }],
  });
  assert.equal(c.clusters[0]!.lb_policy, 'LEAST_REQUEST');
  assert.equal(c.clusters[0]!.endpoints[0]!.port, 8080);
  assert.deepEqual(c.clusters[0]!.endpoints[0]!.labels, {});
  assert.equal(c.clusters[0]!.outlier_detection, null);
  assert.equal(c.listeners[0]!.protocol, 'HTTP');
  assert.equal(c.route_tables[0]!.virtual_hosts[0]!.routes[0]!.match, null);
  assert.equal(c.route_tables[0]!.virtual_hosts[0]!.routes[0]!.action!.clusters[0]!.weight, 0);
  assert.equal(c.mesh, null);
  assert.deepEqual(c.policies, []);
  validateProxyConfig(c);
});

test('shape errors name the field and what was expected', () => {
  const cases: Array<[unknown, RegExp]> = [
    [[], /ProxyConfig is \[\]; expected a ProxyConfig object/],
    [{ clusters: {} }, /clusters is \{\}; expected a list/],
    [
      { clusters: [{ name: 'c', endpoints: [{ port: -1 }] }] },
      /clusters\[0\]\.endpoints\[0\]\.port is -1; expected an unsigned 32-bit integer/,
    ],
    [
      { listeners: [{ direction: 'SIDEWAYS' }] },
      /listeners\[0\]\.direction is "SIDEWAYS"; expected one of DIRECTION_UNSPECIFIED, OUTBOUND, INBOUND/,
    ],
    [{ clusters: [{ name: 'c', mtls: 'yes' }] }, /clusters\[0\]\.mtls is "yes"; expected true or false/],
    [{ colusters: [] }, /colusters is \[\]; expected no such field in ProxyConfig/],
  ];
  for (const [raw, message] of cases) {
    assert.throws(
      () => normalizeProxyConfig(raw),
      (e: Error & { code?: string }) => {
        assert.equal(e.code, ProxyErrorCode.InvalidConfig);
        assert.match(e.message, message);
        return true;
      },
    );
  }
});

test('semantic errors: duplicates, references, addresses, identities, ports', () => {
  const base = () =>
    normalizeProxyConfig({
      version: '9',
      listeners: [
        { name: 'in', port: 15006, direction: 'INBOUND', protocol: 'HTTP', local_cluster: 'local' },
      ],
      clusters: [
        { name: 'local', endpoints: [{ address: '127.0.0.1', port: 8080 }] },
        {
          name: 'peer',
          mtls: true,
          endpoints: [{ address: '127.0.0.2', port: 15006, identity: 'spiffe://cluster.local/ns/a/sa/b' }],
        },
      ],
    });
  validateProxyConfig(base());
  const cases: Array<[(c: ReturnType<typeof base>) => void, RegExp]> = [
    [
      (c) => (c.clusters[1]!.name = 'local'),
      /clusters\[1\]\.name is "local"; expected a name not used by another entry/,
    ],
    [
      (c) => (c.clusters[1]!.endpoints[0]!.identity = ''),
      /clusters\[1\]\.endpoints\[0\]\.identity is ""; expected a spiffe:\/\/ ID/,
    ],
    [
      (c) => (c.clusters[0]!.endpoints[0]!.address = 'localhost'),
      /clusters\[0\]\.endpoints\[0\]\.address is "localhost"; expected an IPv4 or IPv6 address/,
    ],
    [(c) => (c.listeners[0]!.local_cluster = 'nope'), /listeners\[0\]\.local_cluster is "nope"/],
    [(c) => (c.listeners[0]!.port = 70000), /listeners\[0\]\.port is 70000; expected a port from 1 to 65535/],
    [
      (c) => c.listeners.push({ ...c.listeners[0]!, name: 'twin' }),
      /listeners\[1\]\.port is 15006; expected a port not used by another listener/,
    ],
    [(c) => (c.listeners[0]!.direction = 'DIRECTION_UNSPECIFIED'), /listeners\[0\]\.direction/],
    [
      (c) => c.policies.push({ name: 'p', source_identities: [''], http_matches: [], tcp_matches: [] }),
      /policies\[0\]\.source_identities\[0\]/,
    ],
    [
      (c) =>
        c.policies.push({
          name: 'p',
          source_identities: ['*'],
          http_matches: [{ path_regex: '(', methods: [], headers: [] }],
          tcp_matches: [],
        }),
      /policies\[0\]\.http_matches\[0\]\.path_regex/,
    ],
  ];
  for (const [breakIt, message] of cases) {
    const c = base();
    breakIt(c);
    assert.throws(() => validateProxyConfig(c), message);
  }
});
