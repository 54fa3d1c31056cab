/**
 * validateProxyConfig checks a whole snapshot before anything is built from it: every reference
 * resolves, every regex compiles, every port and address is usable. The first problem is thrown as
 * InvalidInputError (code PROXY_ERR_INVALID_CONFIG) naming the field, so the snapshot can be NACKed.
 * @module
 */
import { isIP } from 'node:net';
import { InvalidInputError } from '../../errors/index.js';
import type { ProxyConfig, RouteMatch } from '../../config/index.js';
import { ProxyErrorCode } from '../errors.js';
import { compilePathRegex, compileValueRegex } from '../routing/match.js';

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

class Checker {
  constructor(private readonly source: string) {}

  fail(field: string, value: unknown, expected: string): never {
    throw new InvalidInputError(field, value, expected, this.source, ProxyErrorCode.InvalidConfig);
  }

  port(field: string, v: number): void {
    if (!Number.isInteger(v) || v < 1 || v > 65535) this.fail(field, v, 'a port from 1 to 65535');
  }

  ip(field: string, v: string, allowEmpty: boolean): void {
    if (allowEmpty && v === '') return;
    if (isIP(v) === 0) this.fail(field, v, 'an IPv4 or IPv6 address');
  }

  name(field: string, v: string, seen: Set<string>): void {
    if (v === '') this.fail(field, v, 'a non-empty name');
    if (seen.has(v)) this.fail(field, v, 'a name not used by another entry');
    seen.add(v);
  }

  regex(field: string, v: string, compile: (s: string) => RegExp): void {
    try {
      compile(v);
    } catch (e) {
      this.fail(field, v, `a valid regular expression (${(e as Error).message})`);
    }
  }

  match(field: string, m: RouteMatch | null): void {
    if (!m) return;
    if (m.path_regex) this.regex(`${field}.path_regex`, m.path_regex, compilePathRegex);
    m.methods.forEach((x, i) => {
      if (x !== '*' && !TOKEN.test(x)) this.fail(`${field}.methods[${i}]`, x, 'an HTTP method or "*"');
    });
    m.headers.forEach((h, i) => {
      if (!TOKEN.test(h.name)) this.fail(`${field}.headers[${i}].name`, h.name, 'a header name');
      this.regex(`${field}.headers[${i}].value_regex`, h.value_regex, compileValueRegex);
    });
  }
}

/** validateProxyConfig throws on the first problem; a snapshot that passes can be compiled safely. */
export function validateProxyConfig(config: ProxyConfig): void {
  const c: Checker = new Checker(`config version ${JSON.stringify(config.version)}`);
  const clusters = new Set<string>();
  config.clusters.forEach((cl, i) => {
    const f = `clusters[${i}]`;
    c.name(`${f}.name`, cl.name, clusters);
    cl.endpoints.forEach((e, j) => {
      c.ip(`${f}.endpoints[${j}].address`, e.address, false);
      c.port(`${f}.endpoints[${j}].port`, e.port);
      if (cl.mtls && !e.identity.startsWith('spiffe://'))
        c.fail(`${f}.endpoints[${j}].identity`, e.identity, 'a spiffe:// ID (the cluster uses mTLS)');
    });
    const od = cl.outlier_detection;
    if (od && od.max_ejection_percent > 100)
      c.fail(`${f}.outlier_detection.max_ejection_percent`, od.max_ejection_percent, 'at most 100');
  });

  const tables = new Set<string>();
  config.route_tables.forEach((t, i) => {
    const f = `route_tables[${i}]`;
    c.name(`${f}.name`, t.name, tables);
    const domains = new Set<string>();
    t.virtual_hosts.forEach((vh, j) => {
      const fv = `${f}.virtual_hosts[${j}]`;
      vh.domains.forEach((d, k) => {
        if (d === '' || /\s/.test(d)) c.fail(`${fv}.domains[${k}]`, d, 'an authority such as "web:80"');
        if (domains.has(d.toLowerCase()))
          c.fail(`${fv}.domains[${k}]`, d, 'a domain not listed by another virtual host');
        domains.add(d.toLowerCase());
      });
      vh.routes.forEach((r, k) => {
        const fr = `${fv}.routes[${k}]`;
        c.match(`${fr}.match`, r.match);
        const a = r.action;
        if (!a || a.clusters.length === 0) c.fail(`${fr}.action.clusters`, [], 'at least one cluster');
        a.clusters.forEach((wc, m) => {
          if (!clusters.has(wc.cluster))
            c.fail(
              `${fr}.action.clusters[${m}].cluster`,
              wc.cluster,
              'the name of a cluster in this snapshot',
            );
        });
        if (a.clusters.length > 1 && a.clusters.every((wc) => wc.weight === 0))
          c.fail(
            `${fr}.action.clusters`,
            a.clusters.map((wc) => wc.weight),
            'at least one weight above 0',
          );
        const rp = a.retry;
        if (rp && !(rp.budget_ratio >= 0 && rp.budget_ratio <= 1))
          c.fail(`${fr}.action.retry.budget_ratio`, rp.budget_ratio, 'a fraction from 0 to 1');
      });
    });
  });

  const listeners = new Set<string>();
  const bound = new Set<string>();
  config.listeners.forEach((l, i) => {
    const f = `listeners[${i}]`;
    c.name(`${f}.name`, l.name, listeners);
    c.ip(`${f}.address`, l.address, true);
    c.port(`${f}.port`, l.port);
    const at = `${l.address}:${l.port}`;
    if (bound.has(at))
      c.fail(
        `${f}.port`,
        l.port,
        `a port not used by another listener on ${l.address || 'the proxy address'}`,
      );
    bound.add(at);
    if (l.direction === 'DIRECTION_UNSPECIFIED') c.fail(`${f}.direction`, l.direction, 'OUTBOUND or INBOUND');
    if (l.protocol === 'PROTOCOL_UNSPECIFIED') c.fail(`${f}.protocol`, l.protocol, 'HTTP or TCP');
    if (l.direction === 'INBOUND') {
      if (!clusters.has(l.local_cluster))
        c.fail(`${f}.local_cluster`, l.local_cluster, 'the name of a cluster in this snapshot');
    } else if (l.protocol === 'TCP') {
      if (l.tcp_clusters.length === 0 && !clusters.has(l.tcp_cluster))
        c.fail(`${f}.tcp_cluster`, l.tcp_cluster, 'the name of a cluster in this snapshot');
      l.tcp_clusters.forEach((wc, j) => {
        if (!clusters.has(wc.cluster))
          c.fail(`${f}.tcp_clusters[${j}].cluster`, wc.cluster, 'the name of a cluster in this snapshot');
      });
      if (l.tcp_clusters.length > 0 && l.tcp_clusters.every((wc) => wc.weight === 0))
        c.fail(
          `${f}.tcp_clusters`,
          l.tcp_clusters.map((wc) => wc.weight),
          'at least one weight above 0',
        );
    } else if (!tables.has(l.route_table)) {
      c.fail(`${f}.route_table`, l.route_table, 'the name of a route table in this snapshot');
    }
  });

  config.policies.forEach((p, i) => {
    const f = `policies[${i}]`;
    p.source_identities.forEach((s, j) => {
      if (s === '') c.fail(`${f}.source_identities[${j}]`, s, 'a SPIFFE ID or "*"');
    });
    p.http_matches.forEach((m, j) => c.match(`${f}.http_matches[${j}]`, m));
    p.tcp_matches.forEach((m, j) =>
      m.ports.forEach((port, k) => c.port(`${f}.tcp_matches[${j}].ports[${k}]`, port)),
    );
  });
}
