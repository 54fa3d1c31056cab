/**
 * UDPRoute (`specs.smi-spec.io` v1alpha4, the only version that has it).
 * @module
 */
import { openResource, type ParseOptions } from './envelope.js';
import { checkKeys, readObject } from './fields.js';
import { HUB_VERSIONS, SMI_GROUPS, type ParsedSmiResource, type UDPRoute } from './model.js';
import { readPortMatch } from './ports.js';

/** parseUDPRoute reads and validates a UDPRoute. */
export function parseUDPRoute(value: unknown, options: ParseOptions = {}): ParsedSmiResource<UDPRoute> {
  const { ctx, obj, version, metadata } = openResource(
    value,
    'UDPRoute',
    SMI_GROUPS.specs,
    () => ['spec'],
    options,
  );
  const spec = readObject(ctx, obj.spec, 'spec', 'an object with matches.ports');
  checkKeys(ctx, spec, 'spec', ['matches'], 'UDPRoute v1alpha4 spec');
  const matches = readPortMatch(ctx, spec.matches, 'spec.matches');
  return {
    resource: {
      kind: 'UDPRoute',
      apiVersion: HUB_VERSIONS.UDPRoute,
      metadata,
      sourceApiVersion: `${SMI_GROUPS.specs}/${version}`,
      spec: { matches },
    },
    warnings: ctx.warnings,
  };
}
