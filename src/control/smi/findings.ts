/**
 * What the mesh cannot do with the SMI resources as they stand, found after every change and
 * recorded as events (../events.ts): backends excluded from a split, references that dangle,
 * UDP rules the mesh does not carry. Pure: resources in, findings out.
 * @module
 */
import type { SmiKind } from '../../smi/index.js';
import type { ServiceResource } from '../resources/types.js';
import { resolveSplit } from './split.js';
import { findNamed, type SmiState } from './state.js';

/** Finding is one observation about one resource. */
export interface Finding {
  /** Warning: the resource does not (fully) take effect. Normal: worth knowing. */
  type: 'Warning' | 'Normal';
  /** CamelCase reason, as Kubernetes events have. */
  reason: string;
  object: { kind: SmiKind; namespace: string; name: string };
  message: string;
}

/** analyseSmi lists every finding, in resource order. */
export function analyseSmi(services: readonly ServiceResource[], smi: SmiState): Finding[] {
  const out: Finding[] = [];
  for (const split of smi.splits) {
    const object = { kind: 'TrafficSplit' as const, ...ids(split) };
    const warn = (reason: string, message: string): number =>
      out.push({ type: 'Warning', reason, object, message });
    const resolved = resolveSplit(split, services, smi);
    if (!resolved.apex) {
      warn(
        'ApexServiceNotFound',
        `apex service "${split.spec.service}" does not exist; the split takes effect once it is created`,
      );
      continue;
    }
    for (const b of split.spec.backends) {
      if (!findNamed(services, split.metadata.namespace, b.service)) {
        warn(
          'BackendNotFound',
          `backend service "${b.service}" does not exist; it receives no traffic until it is created`,
        );
      }
    }
    for (const p of resolved.ports) {
      for (const b of p.backends) {
        if (b.excluded === 'PortNotFound') {
          warn(
            'BackendExcluded',
            `backend service "${b.service}" has no port ${p.port.port}, the port of apex service "${split.spec.service}"; it is excluded from the split on that port`,
          );
        }
      }
      if (p.active.length === 0) {
        warn(
          'NoActiveBackend',
          `no backend can receive traffic on port ${p.port.port} (weight 0, missing or excluded); requests to "${split.spec.service}" on that port go to the apex service itself`,
        );
      }
    }
    for (const name of resolved.routes.missing) {
      warn(
        'RouteGroupNotFound',
        `HTTPRouteGroup "${name}" in spec.matches does not exist; its matches select nothing, so those requests go to the apex service`,
      );
    }
  }
  for (const target of smi.targets) {
    const object = { kind: 'TrafficTarget' as const, ...ids(target) };
    const ns = target.metadata.namespace;
    target.spec.rules.forEach((rule, i) => {
      const at = `spec.rules[${i}]`;
      if (rule.kind === 'UDPRoute') {
        out.push({
          type: 'Normal',
          reason: 'UDPNotInMesh',
          object,
          message: `${at}: UDPRoute "${rule.name}": UDP does not pass through the mesh; the sidecars neither carry nor filter it`,
        });
        return;
      }
      const found =
        rule.kind === 'HTTPRouteGroup'
          ? findNamed(smi.groups, ns, rule.name)
          : findNamed(smi.tcpRoutes, ns, rule.name);
      if (!found) {
        out.push({
          type: 'Warning',
          reason: 'RouteNotFound',
          object,
          message: `${at}: ${rule.kind} "${rule.name}" does not exist; the rule allows nothing until it is created`,
        });
        return;
      }
      if (found.kind !== 'HTTPRouteGroup') return;
      const names = found.spec.matches.map((m) => m.name);
      for (const name of rule.matches.filter((n) => !names.includes(n))) {
        out.push({
          type: 'Warning',
          reason: 'MatchNotFound',
          object,
          message: `${at}: HTTPRouteGroup "${rule.name}" has no match "${name}"; it allows nothing`,
        });
      }
    });
  }
  for (const route of smi.udpRoutes) {
    out.push({
      type: 'Normal',
      reason: 'UDPNotInMesh',
      object: { kind: 'UDPRoute', ...ids(route) },
      message:
        'stored and shown; UDP does not pass through the mesh, so the sidecars neither carry nor filter it',
    });
  }
  return out;
}

function ids(r: { metadata: { namespace: string; name: string } }): { namespace: string; name: string } {
  return { namespace: r.metadata.namespace, name: r.metadata.name };
}
