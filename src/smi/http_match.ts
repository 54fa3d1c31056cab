/**
 * HTTPRouteGroup semantics: does a request (method, path, headers) match a match or a group?
 * `pathRegex` is anchored at the start of the path; header regexes match anywhere in the value
 * (Go `MatchString`); header names compare case-insensitively; filters in one match are ANDed,
 * matches are ORed; no methods or `*` means every method.
 * @module
 */
import type { HTTPMatch, HTTPRouteGroup } from './model.js';
import { compileRe2 } from './regex.js';

/** HttpRequestInfo is the part of a request route matching looks at. */
export interface HttpRequestInfo {
  method: string;
  /** The request target as received: path plus query, e.g. `/api/items?page=2`. */
  path: string;
  /** Header values by name (any case); a list means the header appeared more than once. */
  headers: Record<string, string | readonly string[] | undefined>;
}

/** CompiledHttpMatch is an HTTPMatch with its regexes compiled once. */
export interface CompiledHttpMatch {
  name: string;
  test(request: HttpRequestInfo): boolean;
}

function mustCompile(pattern: string, anchored: boolean): RegExp {
  const result = compileRe2(pattern, anchored);
  // Parsing already validated every regex; a failure here means the object was built by hand.
  if (!result.ok) throw new Error(`invalid SMI regex ${JSON.stringify(pattern)}: ${result.reason}`);
  return result.regexp;
}

/** compileHttpMatch prepares a match for repeated use. */
export function compileHttpMatch(match: HTTPMatch): CompiledHttpMatch {
  const anyMethod = match.methods.length === 0 || match.methods.includes('*');
  const methods = new Set<string>(match.methods);
  const path =
    match.pathRegex === undefined || match.pathRegex === '' ? undefined : mustCompile(match.pathRegex, true);
  const headers = match.headers.map((h) => ({
    name: h.name.toLowerCase(),
    regexp: mustCompile(h.regex, false),
  }));
  return {
    name: match.name,
    test(request) {
      if (!anyMethod && !methods.has(request.method.toUpperCase())) return false;
      if (path && !path.test(request.path)) return false;
      if (headers.length === 0) return true;
      const lower = new Map<string, readonly string[]>();
      for (const [name, value] of Object.entries(request.headers)) {
        if (value === undefined) continue;
        lower.set(name.toLowerCase(), [
          ...(lower.get(name.toLowerCase()) ?? []),
          ...(typeof value === 'string' ? [value] : value),
        ]);
      }
      return headers.every((h) => (lower.get(h.name) ?? []).some((v) => h.regexp.test(v)));
    },
  };
}

const compiledGroups = new WeakMap<HTTPRouteGroup, CompiledHttpMatch[]>();

/**
 * matchHttpRouteGroup returns the name of the first match of `group` the request satisfies, or
 * undefined. `names` limits the matches considered (a TrafficTarget rule's `matches`); empty or
 * absent means all of them.
 */
export function matchHttpRouteGroup(
  group: HTTPRouteGroup,
  request: HttpRequestInfo,
  names: readonly string[] = [],
): string | undefined {
  let compiled = compiledGroups.get(group);
  if (!compiled) {
    compiled = group.spec.matches.map(compileHttpMatch);
    compiledGroups.set(group, compiled);
  }
  const wanted = names.length ? new Set(names) : undefined;
  return compiled.find((m) => (!wanted || wanted.has(m.name)) && m.test(request))?.name;
}

/** matchesHttpRequest is true when the request satisfies one HTTPMatch. */
export function matchesHttpRequest(match: HTTPMatch, request: HttpRequestInfo): boolean {
  return compileHttpMatch(match).test(request);
}
