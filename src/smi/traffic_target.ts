/**
 * TrafficTarget (`access.smi-spec.io` v1alpha1–v1alpha3) → canonical v1alpha3. v1alpha1 has no
 * `spec` wrapper and calls the rules `specs`; v1alpha1/v1alpha2 destinations may carry a `port`,
 * which the canonical form keeps (dropping it would widen access).
 * @module
 */
import { openResource, type ParseOptions } from './envelope.js';
import type { ResourceContext } from './errors.js';
import {
  at,
  checkKeys,
  readList,
  readName,
  readNamespace,
  readObject,
  readPort,
  type Raw,
} from './fields.js';
import {
  HUB_VERSIONS,
  SMI_GROUPS,
  type IdentityBindingSubject,
  type ParsedSmiResource,
  type RouteKind,
  type SmiVersion,
  type TrafficTarget,
  type TrafficTargetRule,
} from './model.js';

const RULE_KINDS: Record<string, readonly RouteKind[]> = {
  v1alpha1: ['HTTPRouteGroup', 'TCPRoute'],
  v1alpha2: ['HTTPRouteGroup', 'TCPRoute'],
  v1alpha3: ['HTTPRouteGroup', 'TCPRoute', 'UDPRoute'],
};

/** parseTrafficTarget reads and validates a TrafficTarget of any version. */
export function parseTrafficTarget(
  value: unknown,
  options: ParseOptions = {},
): ParsedSmiResource<TrafficTarget> {
  const { ctx, obj, version, metadata } = openResource(
    value,
    'TrafficTarget',
    SMI_GROUPS.access,
    (v) => (v === 'v1alpha1' ? ['destination', 'sources', 'specs'] : ['spec']),
    options,
  );
  let body: Raw;
  let base: string;
  let rulesKey: string;
  if (version === 'v1alpha1') {
    [body, base, rulesKey] = [obj, '', 'specs'];
  } else {
    body = readObject(ctx, obj.spec, 'spec', 'an object with destination, sources and rules');
    checkKeys(ctx, body, 'spec', ['destination', 'sources', 'rules'], `TrafficTarget ${version} spec`);
    [base, rulesKey] = ['spec', 'rules'];
  }
  const strict = version === 'v1alpha3';
  const namespace = metadata.namespace;
  const destination = readSubject(ctx, body.destination, at(base, 'destination'), version, namespace, true);
  const sourcesPath = at(base, 'sources');
  const rawSources = readList(
    ctx,
    body.sources,
    sourcesPath,
    strict,
    'a list of subjects {kind, name, namespace}',
  );
  if (strict && rawSources.length === 0)
    throw ctx.invalid(sourcesPath, rawSources, 'at least one source (required from v1alpha3)');
  const sources = rawSources.map((s, i) =>
    readSubject(ctx, s, `${sourcesPath}[${i}]`, version, namespace, false),
  );
  const rulesPath = at(base, rulesKey);
  const rawRules = readList(ctx, body[rulesKey], rulesPath, strict, 'a list of rules {kind, name, matches}');
  if (strict && rawRules.length === 0)
    throw ctx.invalid(rulesPath, rawRules, 'at least one rule (required from v1alpha3)');
  const rules = rawRules.map((r, i) => readRule(ctx, r, `${rulesPath}[${i}]`, version));
  if (sources.length === 0 || rules.length === 0)
    ctx.warn(
      sources.length === 0 ? sourcesPath : rulesPath,
      'empty, so this TrafficTarget allows no traffic',
    );
  return {
    resource: {
      kind: 'TrafficTarget',
      apiVersion: HUB_VERSIONS.TrafficTarget,
      metadata,
      sourceApiVersion: `${SMI_GROUPS.access}/${version}`,
      spec: { destination, sources, rules },
    },
    warnings: ctx.warnings,
  };
}

function readSubject(
  ctx: ResourceContext,
  value: unknown,
  path: string,
  version: SmiVersion,
  defaultNamespace: string,
  isDestination: boolean,
): IdentityBindingSubject {
  const s = readObject(ctx, value, path, 'a subject {kind: ServiceAccount, name, namespace}');
  checkKeys(ctx, s, path, ['kind', 'name', 'namespace', 'port'], 'a TrafficTarget subject');
  if (s.kind !== 'ServiceAccount' && s.kind !== 'Group')
    throw ctx.invalid(at(path, 'kind'), s.kind ?? undefined, 'ServiceAccount or Group');
  const name = readName(ctx, s.name, at(path, 'name'), 'a service account name');
  const namespace =
    s.namespace === undefined || s.namespace === null || s.namespace === ''
      ? defaultNamespace
      : readNamespace(ctx, s.namespace, at(path, 'namespace'));
  const subject: IdentityBindingSubject = { kind: s.kind, name, namespace };
  if (s.port === undefined || s.port === null) return subject;
  const portPath = at(path, 'port');
  if (version === 'v1alpha3') {
    // Published conformance manifests put `port: "9091"` here; the v1alpha3 CRD prunes it.
    ctx.warn(
      portPath,
      'port is not part of access v1alpha3 (ports come from TCPRoute/UDPRoute matches); ignored',
    );
    return subject;
  }
  if (!isDestination) {
    ctx.warn(portPath, 'port on a source has no meaning (the CRD does not define it); ignored');
    return subject;
  }
  if (typeof s.port === 'string')
    ctx.warn(portPath, `port is the string ${JSON.stringify(s.port)}; read as a number`);
  return { ...subject, port: readPort(ctx, s.port, portPath, true) };
}

function readRule(
  ctx: ResourceContext,
  value: unknown,
  path: string,
  version: SmiVersion,
): TrafficTargetRule {
  const r = readObject(ctx, value, path, 'a rule {kind, name, matches}');
  checkKeys(ctx, r, path, ['kind', 'name', 'matches'], 'a TrafficTarget rule');
  const kinds = RULE_KINDS[version]!;
  if (!kinds.includes(r.kind as RouteKind)) {
    throw ctx.invalid(
      at(path, 'kind'),
      r.kind ?? undefined,
      `one of ${kinds.join(', ')} (access ${version})`,
    );
  }
  const name = readName(ctx, r.name, at(path, 'name'), `a ${String(r.kind)} name`);
  const matches = readList(ctx, r.matches, at(path, 'matches'), false, 'a list of match names').map(
    (m, i) => {
      if (typeof m !== 'string' || m === '')
        throw ctx.invalid(`${at(path, 'matches')}[${i}]`, m, 'a match name');
      return m;
    },
  );
  return { kind: r.kind as RouteKind, name, matches };
}
