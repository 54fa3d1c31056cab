/**
 * Cross-resource checks of SMI resources at apply time (src/smi checks each resource on its own).
 * Refused, so that the mistake is seen when it is made:
 *   - a TrafficSplit whose apex another split already splits, whose backend is the apex of a split,
 *     or whose apex is a backend of another split (SMI splits are not hierarchical);
 *   - a `Group` subject (the mesh's identities are service accounts);
 *   - a TrafficTarget rule naming a match its HTTPRouteGroup does not have;
 *   - an HTTPRouteGroup regex the sidecar cannot evaluate (Unicode classes).
 * Allowed to dangle, because SMI's rollout order creates them in any order (the event analysis
 * reports what is missing): the apex and backend Services of a split, the route groups its
 * `matches` name, the routes of a TrafficTarget's rules, its service accounts.
 * @module
 */
import { InvalidInputError } from '../../errors/index.js';
import type { HTTPRouteGroup, TrafficSplit, TrafficTarget } from '../../smi/index.js';
import { CONTROL_ERR_SMI_CONFLICT, CONTROL_ERR_UNRESOLVED_REFERENCE } from '../errors.js';
import { resourceKey, type Resource } from '../resources/types.js';
import { proxyHeaderRegex, proxyPathRegex } from './proxy_regex.js';
import { findNamed, smiState } from './state.js';

/** checkSmiReferences validates the touched SMI resources against the planned state. */
export function checkSmiReferences(
  all: readonly Resource[],
  touched: ReadonlySet<string>,
  source: string,
): void {
  const smi = smiState(all);
  const where = (r: Resource): string => `${source}: ${r.kind} "${r.metadata.namespace}/${r.metadata.name}"`;
  const fail = (r: Resource, field: string, value: unknown, expected: string, code: string): never => {
    throw new InvalidInputError(field, value, expected, where(r), code);
  };
  for (const split of smi.splits) {
    if (touched.has(resourceKey(split))) checkSplit(split, smi.splits, fail);
  }
  for (const target of smi.targets) {
    if (touched.has(resourceKey(target))) checkTarget(target, smi.groups, fail);
  }
  for (const group of smi.groups) {
    if (!touched.has(resourceKey(group))) continue;
    group.spec.matches.forEach((m, i) => {
      const path = m.pathRegex ? proxyPathRegex(m.pathRegex) : { ok: true as const };
      if (!path.ok)
        fail(
          group,
          `spec.matches[${i}].pathRegex`,
          m.pathRegex,
          `a regex the sidecar can evaluate (${path.reason})`,
          'ERR_INVALID_INPUT',
        );
      m.headers.forEach((h, j) => {
        const header = proxyHeaderRegex(h.regex);
        if (!header.ok)
          fail(
            group,
            `spec.matches[${i}].headers[${j}].${h.name}`,
            h.regex,
            `a regex the sidecar can evaluate (${header.reason})`,
            'ERR_INVALID_INPUT',
          );
      });
    });
  }
}

type Fail = (r: Resource, field: string, value: unknown, expected: string, code: string) => never;

function checkSplit(split: TrafficSplit, splits: readonly TrafficSplit[], fail: Fail): void {
  const ns = split.metadata.namespace;
  const others = splits.filter((s) => s.metadata.namespace === ns && s.metadata.name !== split.metadata.name);
  const same = others.find((s) => s.spec.service === split.spec.service);
  if (same) {
    fail(
      split,
      'spec.service',
      split.spec.service,
      `a service no other TrafficSplit splits (TrafficSplit "${same.metadata.name}" already splits it)`,
      CONTROL_ERR_SMI_CONFLICT,
    );
  }
  const parent = others.find((s) => s.spec.backends.some((b) => b.service === split.spec.service));
  if (parent) {
    fail(
      split,
      'spec.service',
      split.spec.service,
      `a service that is not a backend of another TrafficSplit (it is one of TrafficSplit "${parent.metadata.name}"; splits are not hierarchical)`,
      CONTROL_ERR_SMI_CONFLICT,
    );
  }
  split.spec.backends.forEach((b, i) => {
    const child = others.find((s) => s.spec.service === b.service);
    if (child) {
      fail(
        split,
        `spec.backends[${i}].service`,
        b.service,
        `a service that is not the apex of another TrafficSplit (TrafficSplit "${child.metadata.name}" splits it; splits are not hierarchical)`,
        CONTROL_ERR_SMI_CONFLICT,
      );
    }
  });
}

function checkTarget(target: TrafficTarget, groups: readonly HTTPRouteGroup[], fail: Fail): void {
  const { destination, sources, rules } = target.spec;
  const identity =
    'ServiceAccount (the mesh identifies workloads by service account; Group subjects are not supported)';
  if (destination.kind !== 'ServiceAccount')
    fail(target, 'spec.destination.kind', destination.kind, identity, 'ERR_INVALID_INPUT');
  sources.forEach((s, i) => {
    if (s.kind !== 'ServiceAccount')
      fail(target, `spec.sources[${i}].kind`, s.kind, identity, 'ERR_INVALID_INPUT');
  });
  rules.forEach((rule, i) => {
    if (rule.kind !== 'HTTPRouteGroup' || rule.matches.length === 0) return;
    const group = findNamed(groups, target.metadata.namespace, rule.name);
    if (!group) return;
    const names = group.spec.matches.map((m) => m.name);
    rule.matches.forEach((name, j) => {
      if (!names.includes(name)) {
        fail(
          target,
          `spec.rules[${i}].matches[${j}]`,
          name,
          `a match of HTTPRouteGroup "${group.metadata.name}" (${names.join(', ')})`,
          CONTROL_ERR_UNRESOLVED_REFERENCE,
        );
      }
    });
  });
}
