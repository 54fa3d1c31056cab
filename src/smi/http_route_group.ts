/**
 * HTTPRouteGroup (`specs.smi-spec.io` v1alpha1–v1alpha4) → canonical v1alpha4. v1alpha1/v1alpha2
 * keep `matches` at the top level, v1alpha3/v1alpha4 under `spec`; the other placement is accepted
 * with a warning (the conformance suite writes v1alpha4 with top-level `matches`). Headers are read
 * in both the documented map form and the CRD's list-of-single-key-objects form.
 * @module
 */
import { openResource, type ParseOptions } from './envelope.js';
import type { ResourceContext } from './errors.js';
import { at, checkKeys, isRecord, readList, readObject, readString } from './fields.js';
import {
  HTTP_METHODS,
  HUB_VERSIONS,
  SMI_GROUPS,
  type HTTPHeaderMatch,
  type HTTPMatch,
  type HTTPRouteGroup,
  type HttpMethod,
  type ParsedSmiResource,
  type SmiVersion,
} from './model.js';
import { compileRe2 } from './regex.js';

/** HTTP field-name token (RFC 9110 §5.6.2). */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** parseHTTPRouteGroup reads and validates an HTTPRouteGroup of any version. */
export function parseHTTPRouteGroup(
  value: unknown,
  options: ParseOptions = {},
): ParsedSmiResource<HTTPRouteGroup> {
  const { ctx, obj, version, metadata } = openResource(
    value,
    'HTTPRouteGroup',
    SMI_GROUPS.specs,
    (v) => (v === 'v1alpha1' || v === 'v1alpha2' ? ['matches'] : ['spec']),
    options,
    ['matches', 'spec'],
  );
  const topLevel = version === 'v1alpha1' || version === 'v1alpha2';
  let raw: unknown;
  let path: string;
  const spec =
    obj.spec === undefined || obj.spec === null
      ? undefined
      : readObject(ctx, obj.spec, 'spec', 'an object with matches');
  if (spec) checkKeys(ctx, spec, 'spec', ['matches'], `HTTPRouteGroup ${version} spec`);
  const inSpec = spec?.matches !== undefined;
  const atTop = obj.matches !== undefined;
  if (inSpec && atTop)
    throw ctx.invalid(
      'matches',
      obj.matches,
      'matches in one place only (spec.matches or top-level matches)',
    );
  if (topLevel) {
    [raw, path] = inSpec ? [spec!.matches, 'spec.matches'] : [obj.matches, 'matches'];
    if (inSpec)
      ctx.warn(
        'spec.matches',
        `specs ${version} keeps matches at the top level; read spec.matches as matches`,
      );
  } else {
    [raw, path] = atTop ? [obj.matches, 'matches'] : [spec?.matches, 'spec.matches'];
    if (atTop)
      ctx.warn(
        'matches',
        `specs ${version} keeps matches under spec; read top-level matches as spec.matches`,
      );
  }
  const rawMatches = readList(ctx, raw, path, true, 'a list of matches {name, pathRegex, methods, headers}');
  const names = new Set<string>();
  const matches = rawMatches.map((m, i) => {
    const match = readMatch(ctx, m, `${path}[${i}]`, version);
    if (names.has(match.name))
      throw ctx.invalid(
        `${path}[${i}].name`,
        match.name,
        'a name not used by another match (names are the key)',
      );
    names.add(match.name);
    return match;
  });
  return {
    resource: {
      kind: 'HTTPRouteGroup',
      apiVersion: HUB_VERSIONS.HTTPRouteGroup,
      metadata,
      sourceApiVersion: `${SMI_GROUPS.specs}/${version}`,
      spec: { matches },
    },
    warnings: ctx.warnings,
  };
}

function readMatch(ctx: ResourceContext, value: unknown, path: string, version: SmiVersion): HTTPMatch {
  const m = readObject(ctx, value, path, 'a match {name, pathRegex, methods, headers}');
  checkKeys(ctx, m, path, ['name', 'pathRegex', 'methods', 'headers'], 'an HTTPRouteGroup match');
  const name = readString(ctx, m.name, at(path, 'name'), 'a match name', true);
  const methods = readList(ctx, m.methods, at(path, 'methods'), false, 'a list of HTTP methods').map(
    (raw, i) => {
      if (!HTTP_METHODS.includes(raw as HttpMethod))
        throw ctx.invalid(`${at(path, 'methods')}[${i}]`, raw, `one of ${HTTP_METHODS.join(', ')}`);
      return raw as HttpMethod;
    },
  );
  const pathRegex = readString(ctx, m.pathRegex, at(path, 'pathRegex'), 'a regular expression');
  if (pathRegex !== undefined) checkRegex(ctx, pathRegex, at(path, 'pathRegex'), true);
  const headers = readHeaders(ctx, m.headers, at(path, 'headers'));
  if (headers.length > 0 && version === 'v1alpha1')
    ctx.warn(at(path, 'headers'), 'headers arrived in specs v1alpha2; applied as written');
  return { name, methods, ...(pathRegex !== undefined ? { pathRegex } : {}), headers };
}

function readHeaders(ctx: ResourceContext, value: unknown, path: string): HTTPHeaderMatch[] {
  if (value === undefined || value === null) return [];
  const entries: [string, unknown, string][] = [];
  if (Array.isArray(value)) {
    value.forEach((item, i) => {
      const itemPath = `${path}[${i}]`;
      if (!isRecord(item) || Object.keys(item).length !== 1) {
        throw ctx.invalid(
          itemPath,
          item,
          'an object with exactly one header: regex pair (e.g. user-agent: ".*Android.*")',
        );
      }
      const [name, regex] = Object.entries(item)[0]!;
      entries.push([name, regex, `${itemPath}.${name}`]);
    });
  } else if (isRecord(value)) {
    for (const [name, regex] of Object.entries(value)) entries.push([name, regex, `${path}.${name}`]);
  } else {
    throw ctx.invalid(path, value, 'a map of header: regex, or a list of single-entry maps');
  }
  return entries.map(([name, regex, fieldPath]) => {
    if (!TOKEN.test(name)) throw ctx.invalid(fieldPath, name, 'an HTTP header name (letters, digits, -)');
    if (typeof regex !== 'string')
      throw ctx.invalid(fieldPath, regex, 'a regular expression string (quote it in YAML)');
    checkRegex(ctx, regex, fieldPath, false);
    return { name, regex };
  });
}

function checkRegex(ctx: ResourceContext, pattern: string, path: string, anchored: boolean): void {
  const result = compileRe2(pattern, anchored);
  if (!result.ok) throw ctx.invalid(path, pattern, `a valid RE2 regular expression (${result.reason})`);
}
