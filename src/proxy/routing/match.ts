/**
 * RequestMatcher: a compiled RouteMatch (path regex anchored at the start of the request target,
 * query included; methods; headers ANDed, a repeated header matching when one of its values does),
 * shared by route selection and authorization policies. These are SMI's HTTPRouteGroup semantics:
 * `pathRegex` matches the request URI, not only its path.
 * @module
 */
import type { RouteMatch } from '../../config/index.js';

/** RequestView is the part of a request that routing and policy look at. */
export interface RequestView {
  readonly method: string;
  /** path without the query string (for messages and logs). */
  readonly path: string;
  /** the request target in origin form, query included: what path_regex matches. */
  readonly target: string;
  /** headerValues returns every value of a lower-case header name, one per field (line). */
  headerValues(name: string): readonly string[];
}

/** compilePathRegex anchors a path regex at the start of the request target (SMI pathRegex semantics). */
export function compilePathRegex(source: string): RegExp {
  return new RegExp(`^(?:${source})`);
}

/** compileValueRegex makes a header value regex match the whole value. */
export function compileValueRegex(source: string): RegExp {
  return new RegExp(`^(?:${source})$`);
}

export class RequestMatcher {
  private readonly path: RegExp | undefined;
  /** undefined = any method. */
  private readonly methods: ReadonlySet<string> | undefined;
  private readonly headers: ReadonlyArray<{ name: string; re: RegExp }>;

  constructor(match: RouteMatch | null) {
    this.path = match?.path_regex ? compilePathRegex(match.path_regex) : undefined;
    const methods = (match?.methods ?? []).map((m) => m.toUpperCase());
    this.methods = methods.length === 0 || methods.includes('*') ? undefined : new Set(methods);
    this.headers = (match?.headers ?? []).map((h) => ({
      name: h.name.toLowerCase(),
      re: compileValueRegex(h.value_regex),
    }));
  }

  /** matchesAll is true when this matcher accepts every request (no test needed). */
  get matchesAll(): boolean {
    return !this.path && !this.methods && this.headers.length === 0;
  }

  matches(req: RequestView): boolean {
    if (this.methods && !this.methods.has(req.method)) return false;
    if (this.path && !this.path.test(req.target)) return false;
    for (const h of this.headers) {
      if (!req.headerValues(h.name).some((v) => h.re.test(v))) return false;
    }
    return true;
  }
}
