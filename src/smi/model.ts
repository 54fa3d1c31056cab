/**
 * The canonical SMI model: one TypeScript shape per kind, at the hub version (split v1alpha4,
 * access v1alpha3, specs v1alpha4), whatever version a resource was written in. Absent optional
 * lists are empty lists; names are validated; namespaces are filled in.
 * @module
 */

/** SmiVersion is an SMI API version. */
export type SmiVersion = 'v1alpha1' | 'v1alpha2' | 'v1alpha3' | 'v1alpha4';

/** ObjectMeta is the part of Kubernetes metadata the mesh uses. */
export interface ObjectMeta {
  name: string;
  /** Defaults to `default` (or the reader's `defaultNamespace`). */
  namespace: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

/** SmiResourceBase is what every canonical resource carries. */
interface SmiResourceBase<K extends string> {
  kind: K;
  /** The hub apiVersion of the canonical form, e.g. `split.smi-spec.io/v1alpha4`. */
  apiVersion: string;
  metadata: ObjectMeta;
  /** The apiVersion the resource was written in. */
  sourceApiVersion: string;
}

/** TrafficSplitBackend is one weighted backend Service. */
export interface TrafficSplitBackend {
  service: string;
  /** Relative weight, an integer ≥ 0 (v1alpha1 quantities are converted to milli-units). */
  weight: number;
}

/** TrafficSplitMatch references an HTTPRouteGroup (v1alpha3+). */
export interface TrafficSplitMatch {
  kind: 'HTTPRouteGroup';
  name: string;
  apiGroup?: string;
}

/** TrafficSplit spreads traffic for the apex `service` over weighted backends. */
export interface TrafficSplit extends SmiResourceBase<'TrafficSplit'> {
  spec: {
    /** The apex (root) service clients call. */
    service: string;
    backends: TrafficSplitBackend[];
    /** Empty = every request is split; otherwise only requests matching one of the groups. */
    matches: TrafficSplitMatch[];
  };
}

/** SubjectKind is the kind of a TrafficTarget subject. */
export type SubjectKind = 'ServiceAccount' | 'Group';

/** IdentityBindingSubject is a workload identity in a TrafficTarget. */
export interface IdentityBindingSubject {
  kind: SubjectKind;
  name: string;
  /** Defaults to the TrafficTarget's namespace. */
  namespace: string;
  /**
   * Destination port restriction from access v1alpha1/v1alpha2 (removed in v1alpha3, where ports
   * come from TCPRoute/UDPRoute). Kept so that converting an old resource never widens access.
   */
  port?: number;
}

/** RouteKind is the kind of a traffic spec a rule can reference. */
export type RouteKind = 'HTTPRouteGroup' | 'TCPRoute' | 'UDPRoute';

/** TrafficTargetRule references a traffic spec and, optionally, some of its match names. */
export interface TrafficTargetRule {
  kind: RouteKind;
  name: string;
  /** Match names; empty = every match of the referenced spec. */
  matches: string[];
}

/** TrafficTarget allows sources to reach the destination identity on the rules' routes. */
export interface TrafficTarget extends SmiResourceBase<'TrafficTarget'> {
  spec: {
    destination: IdentityBindingSubject;
    sources: IdentityBindingSubject[];
    rules: TrafficTargetRule[];
  };
}

/** HttpMethod is an SMI HTTP method, `*` meaning all. */
export type HttpMethod =
  '*' | 'GET' | 'HEAD' | 'PUT' | 'POST' | 'DELETE' | 'CONNECT' | 'OPTIONS' | 'TRACE' | 'PATCH';

/** HTTP_METHODS lists the methods SMI allows, in the spec's order. */
export const HTTP_METHODS: readonly HttpMethod[] = [
  '*',
  'GET',
  'HEAD',
  'PUT',
  'POST',
  'DELETE',
  'CONNECT',
  'OPTIONS',
  'TRACE',
  'PATCH',
];

/** HTTPHeaderMatch is one header filter: the header `name` must have a value matching `regex`. */
export interface HTTPHeaderMatch {
  name: string;
  regex: string;
}

/** HTTPMatch is one named route of an HTTPRouteGroup. */
export interface HTTPMatch {
  name: string;
  /** Empty = every method (as is `['*']`). */
  methods: HttpMethod[];
  /** RE2 regex anchored at the start of the path; undefined = every path. */
  pathRegex?: string;
  /** ANDed header filters, in the order written. */
  headers: HTTPHeaderMatch[];
}

/** HTTPRouteGroup names HTTP routes that TrafficTargets and TrafficSplits refer to. */
export interface HTTPRouteGroup extends SmiResourceBase<'HTTPRouteGroup'> {
  spec: { matches: HTTPMatch[] };
}

/** PortMatch is the `matches` of a TCPRoute/UDPRoute. */
export interface PortMatch {
  name?: string;
  /** Empty = every port of the service. */
  ports: number[];
}

/** TCPRoute describes L4 TCP traffic (on some ports from v1alpha4; all ports before). */
export interface TCPRoute extends SmiResourceBase<'TCPRoute'> {
  spec: { matches: PortMatch };
}

/** UDPRoute describes L4 UDP traffic on some ports (v1alpha4 only). */
export interface UDPRoute extends SmiResourceBase<'UDPRoute'> {
  spec: { matches: PortMatch };
}

/** SmiResource is any canonical SMI resource. */
export type SmiResource = TrafficSplit | TrafficTarget | HTTPRouteGroup | TCPRoute | UDPRoute;

/** SmiKind is the kind of an SmiResource. */
export type SmiKind = SmiResource['kind'];

/** ParsedSmiResource is a resource plus the quirks that were accepted while reading it. */
export interface ParsedSmiResource<R extends SmiResource = SmiResource> {
  resource: R;
  /** Human-readable notes on accepted deviations from the version's schema; empty when clean. */
  warnings: string[];
}

/** SMI_GROUPS are the SMI API groups; `metrics` is a read-only aggregated API, not a declarable kind. */
export const SMI_GROUPS = {
  split: 'split.smi-spec.io',
  access: 'access.smi-spec.io',
  specs: 'specs.smi-spec.io',
  metrics: 'metrics.smi-spec.io',
} as const;

/** HUB_VERSIONS is the canonical version of each declarable kind. */
export const HUB_VERSIONS: Record<SmiKind, string> = {
  TrafficSplit: `${SMI_GROUPS.split}/v1alpha4`,
  TrafficTarget: `${SMI_GROUPS.access}/v1alpha3`,
  HTTPRouteGroup: `${SMI_GROUPS.specs}/v1alpha4`,
  TCPRoute: `${SMI_GROUPS.specs}/v1alpha4`,
  UDPRoute: `${SMI_GROUPS.specs}/v1alpha4`,
};

/** SUPPORTED_VERSIONS lists the versions read for each kind. */
export const SUPPORTED_VERSIONS: Record<SmiKind, readonly SmiVersion[]> = {
  TrafficSplit: ['v1alpha1', 'v1alpha2', 'v1alpha3', 'v1alpha4'],
  TrafficTarget: ['v1alpha1', 'v1alpha2', 'v1alpha3'],
  HTTPRouteGroup: ['v1alpha1', 'v1alpha2', 'v1alpha3', 'v1alpha4'],
  TCPRoute: ['v1alpha1', 'v1alpha2', 'v1alpha3', 'v1alpha4'],
  UDPRoute: ['v1alpha4'],
};
