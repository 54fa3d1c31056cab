/**
 * A TrafficSplit with `matches` splits only requests that match one of the referenced
 * HTTPRouteGroups; SMI merges all the groups. This resolves the references and merges them.
 * @module
 */
import { compileHttpMatch, type CompiledHttpMatch, type HttpRequestInfo } from './http_match.js';
import type { HTTPMatch, HTTPRouteGroup, TrafficSplit } from './model.js';

/** MergedHttpMatch is a match tagged with the group it came from. */
export interface MergedHttpMatch extends HTTPMatch {
  group: string;
}

/** MergedRoutes is the union of the groups a split references. */
export interface MergedRoutes {
  /** Every match of every referenced group, in reference order. */
  matches: MergedHttpMatch[];
  /** Referenced group names with no HTTPRouteGroup in the split's namespace. */
  missing: string[];
}

/** mergeSplitRoutes resolves `split.spec.matches` against `groups` (only those in the split's namespace count). */
export function mergeSplitRoutes(split: TrafficSplit, groups: readonly HTTPRouteGroup[]): MergedRoutes {
  const matches: MergedHttpMatch[] = [];
  const missing: string[] = [];
  for (const ref of split.spec.matches) {
    const group = groups.find(
      (g) => g.metadata.name === ref.name && g.metadata.namespace === split.metadata.namespace,
    );
    if (!group) missing.push(ref.name);
    else matches.push(...group.spec.matches.map((m) => ({ ...m, group: group.metadata.name })));
  }
  return { matches, missing };
}

/** SplitSelector decides whether a request goes through a split's weighted backends. */
export interface SplitSelector {
  /** True when the split applies: it has no matches, or the request matches a merged route. */
  applies(request: HttpRequestInfo): boolean;
  /** Referenced groups that were not found (their matches cannot select anything). */
  missing: string[];
}

/**
 * splitSelector compiles a split's merged routes. A split without `matches` applies to every
 * request; one whose references all resolve to nothing applies to none (requests go to the apex
 * service itself).
 */
export function splitSelector(split: TrafficSplit, groups: readonly HTTPRouteGroup[]): SplitSelector {
  if (split.spec.matches.length === 0) return { applies: () => true, missing: [] };
  const merged = mergeSplitRoutes(split, groups);
  const compiled: CompiledHttpMatch[] = merged.matches.map(compileHttpMatch);
  return { applies: (request) => compiled.some((m) => m.test(request)), missing: merged.missing };
}
