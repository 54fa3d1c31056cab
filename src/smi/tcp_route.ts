/**
 * TCPRoute (`specs.smi-spec.io` v1alpha1–v1alpha4) → canonical v1alpha4. Before v1alpha4 a
 * TCPRoute has no ports, so it converts to `matches.ports: []` (every port).
 * @module
 */
import { openResource, type ParseOptions } from './envelope.js';
import { checkKeys, readObject } from './fields.js';
import { HUB_VERSIONS, SMI_GROUPS, type ParsedSmiResource, type TCPRoute } from './model.js';
import { readPortMatch } from './ports.js';

/** parseTCPRoute reads and validates a TCPRoute of any version. */
export function parseTCPRoute(value: unknown, options: ParseOptions = {}): ParsedSmiResource<TCPRoute> {
  const { ctx, obj, version, metadata } = openResource(
    value,
    'TCPRoute',
    SMI_GROUPS.specs,
    (v) => (v === 'v1alpha1' || v === 'v1alpha2' ? [] : ['spec']),
    options,
  );
  let matches = { ports: [] as number[] };
  if (version === 'v1alpha3' && obj.spec !== undefined && obj.spec !== null) {
    checkKeys(
      ctx,
      readObject(ctx, obj.spec, 'spec'),
      'spec',
      [],
      'TCPRoute v1alpha3 spec (matches arrived in v1alpha4)',
    );
  }
  if (version === 'v1alpha4') {
    const spec = readObject(ctx, obj.spec, 'spec', 'an object with matches.ports');
    checkKeys(ctx, spec, 'spec', ['matches'], 'TCPRoute v1alpha4 spec');
    matches = readPortMatch(ctx, spec.matches, 'spec.matches');
  }
  return {
    resource: {
      kind: 'TCPRoute',
      apiVersion: HUB_VERSIONS.TCPRoute,
      metadata,
      sourceApiVersion: `${SMI_GROUPS.specs}/${version}`,
      spec: { matches },
    },
    warnings: ctx.warnings,
  };
}
