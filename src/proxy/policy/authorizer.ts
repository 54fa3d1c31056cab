/**
 * Authorizer applies the snapshot's AuthorizationPolicies to inbound traffic. ENFORCED (and
 * UNSPECIFIED, failing closed): a request is allowed when any policy lists the source identity and
 * one of its matches accepts the request. PERMISSIVE: every authenticated peer is allowed.
 * @module
 */
import type { AuthorizationPolicy, MeshSettings } from '../../config/index.js';
import { type RequestView, RequestMatcher } from '../routing/match.js';

interface CompiledPolicy {
  name: string;
  sources: ReadonlySet<string>;
  http: RequestMatcher[];
  tcpPorts: ReadonlyArray<ReadonlySet<number> | undefined>;
}

export class Authorizer {
  readonly permissive: boolean;
  private readonly policies: CompiledPolicy[];

  constructor(mesh: MeshSettings | null, policies: readonly AuthorizationPolicy[]) {
    this.permissive = mesh?.access_mode === 'ACCESS_MODE_PERMISSIVE';
    this.policies = policies.map((p) => ({
      name: p.name,
      sources: new Set(p.source_identities),
      http: p.http_matches.map((m) => new RequestMatcher(m)),
      tcpPorts: p.tcp_matches.map((m) => (m.ports.length === 0 ? undefined : new Set(m.ports))),
    }));
  }

  /** allowHttp returns the name of the allowing policy ('*' in permissive mode), or undefined. */
  allowHttp(source: string, req: RequestView): string | undefined {
    if (this.permissive) return '*';
    for (const p of this.policies) {
      if (!p.sources.has(source) && !p.sources.has('*')) continue;
      for (const m of p.http) if (m.matches(req)) return p.name;
    }
    return undefined;
  }

  /** allowTcp checks a TCP connection to `port` of the local workload. */
  allowTcp(source: string, port: number): string | undefined {
    if (this.permissive) return '*';
    for (const p of this.policies) {
      if (!p.sources.has(source) && !p.sources.has('*')) continue;
      for (const ports of p.tcpPorts) if (!ports || ports.has(port)) return p.name;
    }
    return undefined;
  }
}
