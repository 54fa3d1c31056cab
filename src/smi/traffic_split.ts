/**
 * TrafficSplit (`split.smi-spec.io` v1alpha1–v1alpha4) → canonical v1alpha4. v1alpha1 weights are
 * Kubernetes quantities, converted to milli-units (`1` → 1000, `500m` → 500) so ratios hold.
 * @module
 */
import { openResource, type ParseOptions } from './envelope.js';
import { at, checkKeys, readList, readName, readObject, readString } from './fields.js';
import {
  HUB_VERSIONS,
  SMI_GROUPS,
  type ParsedSmiResource,
  type TrafficSplit,
  type TrafficSplitBackend,
  type TrafficSplitMatch,
} from './model.js';
import { quantityToMilli } from './quantity.js';
import type { ResourceContext } from './errors.js';

/** parseTrafficSplit reads and validates a TrafficSplit of any version. */
export function parseTrafficSplit(
  value: unknown,
  options: ParseOptions = {},
): ParsedSmiResource<TrafficSplit> {
  const { ctx, obj, version, metadata } = openResource(
    value,
    'TrafficSplit',
    SMI_GROUPS.split,
    () => ['spec'],
    options,
  );
  const spec = readObject(ctx, obj.spec, 'spec', 'an object with service and backends');
  const hasMatches = version === 'v1alpha3' || version === 'v1alpha4';
  checkKeys(
    ctx,
    spec,
    'spec',
    hasMatches ? ['service', 'backends', 'matches'] : ['service', 'backends'],
    `TrafficSplit ${version} spec`,
  );
  const service = readName(ctx, spec.service, 'spec.service', 'the apex service name');
  const rawBackends = readList(ctx, spec.backends, 'spec.backends', true, 'a list of {service, weight}');
  if (rawBackends.length === 0) throw ctx.invalid('spec.backends', rawBackends, 'at least one backend');
  const seen = new Set<string>();
  const backends = rawBackends.map((raw, i): TrafficSplitBackend => {
    const path = `spec.backends[${i}]`;
    const b = readObject(ctx, raw, path, 'an object {service, weight}');
    checkKeys(ctx, b, path, ['service', 'weight'], 'a TrafficSplit backend');
    const name = readName(ctx, b.service, at(path, 'service'), 'a backend service name');
    if (name === service) {
      throw ctx.invalid(
        at(path, 'service'),
        name,
        `a service other than the apex service ${service} (a split must not reference itself)`,
      );
    }
    if (seen.has(name)) throw ctx.invalid(at(path, 'service'), name, 'each backend service listed once');
    seen.add(name);
    const weight =
      version === 'v1alpha1'
        ? readQuantityWeight(ctx, b.weight, at(path, 'weight'))
        : readIntWeight(ctx, b.weight, at(path, 'weight'));
    return { service: name, weight };
  });
  if (backends.every((b) => b.weight === 0))
    ctx.warn('spec.backends', 'every weight is 0, so the split sends no traffic');
  const matches = hasMatches ? readMatches(ctx, spec.matches) : [];
  return {
    resource: {
      kind: 'TrafficSplit',
      apiVersion: HUB_VERSIONS.TrafficSplit,
      metadata,
      sourceApiVersion: `${SMI_GROUPS.split}/${version}`,
      spec: { service, backends, matches },
    },
    warnings: ctx.warnings,
  };
}

function readIntWeight(ctx: ResourceContext, value: unknown, path: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw ctx.invalid(path, value ?? undefined, 'an integer ≥ 0');
  }
  return value;
}

function readQuantityWeight(ctx: ResourceContext, value: unknown, path: string): number {
  const text = typeof value === 'number' ? String(value) : value;
  const milli = typeof text === 'string' ? quantityToMilli(text) : undefined;
  if (milli === undefined || milli < 0) {
    throw ctx.invalid(
      path,
      value ?? undefined,
      'a quantity ≥ 0 in whole milli-units, such as 500m, 1 or 1500m',
    );
  }
  return milli;
}

function readMatches(ctx: ResourceContext, value: unknown): TrafficSplitMatch[] {
  const seen = new Set<string>();
  return readList(ctx, value, 'spec.matches', false, 'a list of {kind: HTTPRouteGroup, name}').map(
    (raw, i) => {
      const path = `spec.matches[${i}]`;
      const m = readObject(ctx, raw, path, 'an object {kind: HTTPRouteGroup, name}');
      checkKeys(ctx, m, path, ['kind', 'name', 'apiGroup'], 'a TrafficSplit match');
      if (m.kind !== 'HTTPRouteGroup')
        throw ctx.invalid(at(path, 'kind'), m.kind ?? undefined, 'HTTPRouteGroup');
      const name = readName(ctx, m.name, at(path, 'name'), 'an HTTPRouteGroup name');
      if (seen.has(name)) throw ctx.invalid(at(path, 'name'), name, 'each HTTPRouteGroup referenced once');
      seen.add(name);
      const apiGroup = readString(ctx, m.apiGroup, at(path, 'apiGroup'), `${SMI_GROUPS.specs}`);
      if (apiGroup !== undefined && apiGroup.split('/')[0] !== SMI_GROUPS.specs) {
        throw ctx.invalid(at(path, 'apiGroup'), apiGroup, SMI_GROUPS.specs);
      }
      return { kind: 'HTTPRouteGroup' as const, name, ...(apiGroup !== undefined ? { apiGroup } : {}) };
    },
  );
}
