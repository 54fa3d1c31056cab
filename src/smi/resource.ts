/**
 * Dispatch by `apiVersion`/`kind`: SMI objects go to their kind's reader, anything else is
 * returned as `undefined` so the caller can route it (Service, ServiceAccount, Workload…).
 * @module
 */
import type { ManifestDocument } from '../manifest/index.js';
import { ResourceContext } from './errors.js';
import { isRecord } from './fields.js';
import type { ParseOptions } from './envelope.js';
import { parseHTTPRouteGroup } from './http_route_group.js';
import { SMI_GROUPS, type ParsedSmiResource, type SmiKind } from './model.js';
import { parseTCPRoute } from './tcp_route.js';
import { parseTrafficSplit } from './traffic_split.js';
import { parseTrafficTarget } from './traffic_target.js';
import { parseUDPRoute } from './udp_route.js';

type Reader = (value: unknown, options: ParseOptions) => ParsedSmiResource;

const READERS: Record<string, Partial<Record<SmiKind, Reader>>> = {
  [SMI_GROUPS.split]: { TrafficSplit: parseTrafficSplit },
  [SMI_GROUPS.access]: { TrafficTarget: parseTrafficTarget },
  [SMI_GROUPS.specs]: {
    HTTPRouteGroup: parseHTTPRouteGroup,
    TCPRoute: parseTCPRoute,
    UDPRoute: parseUDPRoute,
  },
};

/** isSmiApiVersion is true when `apiVersion` belongs to one of the SMI groups. */
export function isSmiApiVersion(apiVersion: unknown): boolean {
  if (typeof apiVersion !== 'string') return false;
  const group = apiVersion.slice(0, apiVersion.lastIndexOf('/'));
  return (Object.values(SMI_GROUPS) as string[]).includes(group);
}

/**
 * parseSmiResource reads any SMI object into the canonical model, or returns undefined when the
 * object is not in an SMI group. An SMI group with an unknown kind, the draft IdentityBinding, and
 * the read-only TrafficMetrics kinds are rejected.
 * @throws InvalidInputError naming the resource and field
 */
export function parseSmiResource(value: unknown, options: ParseOptions = {}): ParsedSmiResource | undefined {
  if (!isRecord(value) || !isSmiApiVersion(value.apiVersion)) return undefined;
  const apiVersion = value.apiVersion as string;
  const group = apiVersion.slice(0, apiVersion.lastIndexOf('/'));
  const kind = typeof value.kind === 'string' ? value.kind : '';
  const reader = READERS[group]?.[kind as SmiKind];
  if (reader) return reader(value, options);
  const meta = isRecord(value.metadata) ? value.metadata : {};
  const ctx = new ResourceContext(
    kind || '(no kind)',
    String(meta.name ?? ''),
    String(meta.namespace ?? options.defaultNamespace ?? 'default'),
    options.origin,
  );
  if (group === SMI_GROUPS.metrics) {
    throw ctx.invalid(
      'kind',
      kind,
      'a declarable kind (metrics.smi-spec.io is a read-only API; TrafficMetrics are served, not applied)',
    );
  }
  if (group === SMI_GROUPS.access && kind === 'IdentityBinding') {
    throw ctx.invalid(
      'kind',
      kind,
      'TrafficTarget (IdentityBinding is in the unreleased access v1alpha4 draft and is not supported)',
    );
  }
  const kinds = Object.keys(READERS[group] ?? {});
  throw ctx.invalid('kind', value.kind ?? undefined, `one of ${kinds.join(', ')} in ${group}`);
}

/** parseSmiDocument is parseSmiResource for a document from the manifest reader (its origin goes into errors). */
export function parseSmiDocument(
  doc: ManifestDocument,
  options: Omit<ParseOptions, 'origin'> = {},
): ParsedSmiResource | undefined {
  return parseSmiResource(doc.object, { ...options, origin: doc.origin });
}
