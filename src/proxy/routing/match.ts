/**
 * RequestMatcher: a compiled RouteMatch (path regex anchored at the start, methods, headers ANDed),
 * shared by route selection and authorization policies.
 * @module
 */
import type { RouteMatch } from '../../config/index.js';

/** RequestView is the part of a request that routing and policy look at. */
export interface RequestView {
  readonly method: string;
  /** path without the query string. */
  readonly path: string;
  /** header returns the value of a lower-case header name (repeated headers joined by ", "). */
  header(name: string): string | undefined;
}

/** compilePathRegex anchors a path regex at the start of the path (SMI pathRegex semantics). */
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
    if (this.path && !this.path.test(req.path)) return false;
    for (const h of this.headers) {
      const v = req.header(h.name);
      if (v === undefined || !h.re.test(v)) return false;
    }
    return true;
  }
}
