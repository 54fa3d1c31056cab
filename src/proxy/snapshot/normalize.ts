/**
 * normalizeProxyConfig turns a ProxyConfig written by hand (JSON or YAML, proto field names or their
 * lowerCamelCase JSON names, enums by name or number, fields left out) into the fully populated shape
 * that @grpc/proto-loader produces, so one validator serves both the config stream and --config-file.
 * @module
 */
import { InvalidInputError } from '../../errors/index.js';
import type { ProxyConfig } from '../../config/index.js';
import { ProxyErrorCode } from '../errors.js';

type FieldKind =
  | 'string'
  | 'uint32'
  | 'double'
  | 'bool'
  | { enum: readonly string[] }
  | { message: string }
  | { map: 'string' };

interface FieldSpec {
  kind: FieldKind;
  repeated?: boolean;
}

const matchSpec: Record<string, FieldSpec> = {
  path_regex: { kind: 'string' },
  methods: { kind: 'string', repeated: true },
  headers: { kind: { message: 'HeaderMatch' }, repeated: true },
};

/** The message shapes of proxy_config.proto that a ProxyConfig contains. */
const messages: Record<string, Record<string, FieldSpec>> = {
  ProxyConfig: {
    version: { kind: 'string' },
    mesh: { kind: { message: 'MeshSettings' } },
    listeners: { kind: { message: 'Listener' }, repeated: true },
    route_tables: { kind: { message: 'RouteTable' }, repeated: true },
    clusters: { kind: { message: 'Cluster' }, repeated: true },
    policies: { kind: { message: 'AuthorizationPolicy' }, repeated: true },
  },
  MeshSettings: {
    trust_domain: { kind: 'string' },
    access_mode: {
      kind: { enum: ['ACCESS_MODE_UNSPECIFIED', 'ACCESS_MODE_PERMISSIVE', 'ACCESS_MODE_ENFORCED'] },
    },
  },
  Listener: {
    name: { kind: 'string' },
    address: { kind: 'string' },
    port: { kind: 'uint32' },
    direction: { kind: { enum: ['DIRECTION_UNSPECIFIED', 'OUTBOUND', 'INBOUND'] } },
    protocol: { kind: { enum: ['PROTOCOL_UNSPECIFIED', 'HTTP', 'TCP'] } },
    route_table: { kind: 'string' },
    tcp_cluster: { kind: 'string' },
    local_cluster: { kind: 'string' },
    tcp_clusters: { kind: { message: 'WeightedCluster' }, repeated: true },
  },
  RouteTable: {
    name: { kind: 'string' },
    virtual_hosts: { kind: { message: 'VirtualHost' }, repeated: true },
  },
  VirtualHost: {
    name: { kind: 'string' },
    domains: { kind: 'string', repeated: true },
    routes: { kind: { message: 'Route' }, repeated: true },
  },
  Route: {
    name: { kind: 'string' },
    match: { kind: { message: 'RouteMatch' } },
    action: { kind: { message: 'RouteAction' } },
  },
  RouteMatch: matchSpec,
  HeaderMatch: { name: { kind: 'string' }, value_regex: { kind: 'string' } },
  RouteAction: {
    clusters: { kind: { message: 'WeightedCluster' }, repeated: true },
    timeout_ms: { kind: 'uint32' },
    retry: { kind: { message: 'RetryPolicy' } },
  },
  WeightedCluster: { cluster: { kind: 'string' }, weight: { kind: 'uint32' } },
  RetryPolicy: {
    max_retries: { kind: 'uint32' },
    per_try_timeout_ms: { kind: 'uint32' },
    budget_ratio: { kind: 'double' },
    min_retries_per_second: { kind: 'uint32' },
  },
  Cluster: {
    name: { kind: 'string' },
    service: { kind: 'string' },
    lb_policy: { kind: { enum: ['LB_POLICY_UNSPECIFIED', 'ROUND_ROBIN', 'LEAST_REQUEST'] } },
    endpoints: { kind: { message: 'Endpoint' }, repeated: true },
    connect_timeout_ms: { kind: 'uint32' },
    mtls: { kind: 'bool' },
    upstream_protocol: { kind: { enum: ['UPSTREAM_PROTOCOL_UNSPECIFIED', 'HTTP1', 'HTTP2'] } },
    outlier_detection: { kind: { message: 'OutlierDetection' } },
  },
  Endpoint: {
    address: { kind: 'string' },
    port: { kind: 'uint32' },
    identity: { kind: 'string' },
    weight: { kind: 'uint32' },
    instance: { kind: 'string' },
    labels: { kind: { map: 'string' } },
  },
  OutlierDetection: {
    consecutive_errors: { kind: 'uint32' },
    base_ejection_time_ms: { kind: 'uint32' },
    max_ejection_percent: { kind: 'uint32' },
  },
  AuthorizationPolicy: {
    name: { kind: 'string' },
    source_identities: { kind: 'string', repeated: true },
    http_matches: { kind: { message: 'RouteMatch' }, repeated: true },
    tcp_matches: { kind: { message: 'TcpMatch' }, repeated: true },
  },
  TcpMatch: { ports: { kind: 'uint32', repeated: true } },
};

function camel(name: string): string {
  return name.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
}

function bad(field: string, value: unknown, expected: string, source: string): InvalidInputError {
  return new InvalidInputError(field, value, expected, source, ProxyErrorCode.InvalidConfig);
}

function scalar(kind: FieldKind, v: unknown, field: string, source: string): unknown {
  if (kind === 'string') {
    if (typeof v !== 'string') throw bad(field, v, 'a string', source);
    return v;
  }
  if (kind === 'uint32') {
    const n = typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : v;
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 0 || n > 0xffffffff)
      throw bad(field, v, 'an unsigned 32-bit integer', source);
    return n;
  }
  if (kind === 'double') {
    if (typeof v !== 'number' || !Number.isFinite(v)) throw bad(field, v, 'a number', source);
    return v;
  }
  if (kind === 'bool') {
    if (typeof v !== 'boolean') throw bad(field, v, 'true or false', source);
    return v;
  }
  if ('enum' in kind) {
    if (typeof v === 'number' && Number.isInteger(v) && kind.enum[v] !== undefined) return kind.enum[v];
    if (typeof v === 'string' && kind.enum.includes(v)) return v;
    throw bad(field, v, `one of ${kind.enum.join(', ')}`, source);
  }
  if ('map' in kind) {
    if (typeof v !== 'object' || v === null || Array.isArray(v))
      throw bad(field, v, 'a map of string to string', source);
    const out: Record<string, string> = {};
    for (const [k, x] of Object.entries(v)) out[k] = scalar('string', x, `${field}.${k}`, source) as string;
    return out;
  }
  return normalizeMessage(kind.message, v, field, source);
}

function defaultOf(spec: FieldSpec): unknown {
  if (spec.repeated) return [];
  const k = spec.kind;
  if (k === 'string') return '';
  if (k === 'uint32' || k === 'double') return 0;
  if (k === 'bool') return false;
  if ('enum' in k) return k.enum[0];
  if ('map' in k) return {};
  return null;
}

function normalizeMessage(type: string, raw: unknown, path: string, source: string): unknown {
  const spec = messages[type]!;
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    throw bad(path || type, raw, `a ${type} object`, source);
  const input = raw as Record<string, unknown>;
  const known = new Set<string>();
  const out: Record<string, unknown> = {};
  for (const [name, field] of Object.entries(spec)) {
    known.add(name).add(camel(name));
    const v = input[name] !== undefined ? input[name] : input[camel(name)];
    const fieldPath = path ? `${path}.${name}` : name;
    if (v === undefined || v === null) {
      out[name] = defaultOf(field);
    } else if (field.repeated) {
      if (!Array.isArray(v)) throw bad(fieldPath, v, 'a list', source);
      out[name] = v.map((x, i) => scalar(field.kind, x, `${fieldPath}[${i}]`, source));
    } else {
      out[name] = scalar(field.kind, v, fieldPath, source);
    }
  }
  for (const key of Object.keys(input)) {
    if (!known.has(key))
      throw bad(path ? `${path}.${key}` : key, input[key], `no such field in ${type}`, source);
  }
  return out;
}

/**
 * normalizeProxyConfig checks the shape of a ProxyConfig and fills every missing field with its
 * proto3 default. It throws InvalidInputError (code PROXY_ERR_INVALID_CONFIG) naming the field.
 */
export function normalizeProxyConfig(raw: unknown, source = 'proxy config'): ProxyConfig {
  return normalizeMessage('ProxyConfig', raw, '', source) as ProxyConfig;
}
