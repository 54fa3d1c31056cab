/**
 * Canonical resources → Kubernetes manifests at the hub version, as the published CRDs store them
 * (HTTPRouteGroup headers in the CRD's list-of-single-key-objects form).
 * @module
 */
import { HUB_VERSIONS, SMI_GROUPS, type HTTPMatch, type ObjectMeta, type SmiResource } from './model.js';

/** SmiManifest is a plain object ready for YAML/JSON output. */
export type SmiManifest = Record<string, unknown>;

function meta(m: ObjectMeta): Record<string, unknown> {
  return {
    name: m.name,
    namespace: m.namespace,
    ...(Object.keys(m.labels).length ? { labels: { ...m.labels } } : {}),
    ...(Object.keys(m.annotations).length ? { annotations: { ...m.annotations } } : {}),
  };
}

function httpMatch(m: HTTPMatch): Record<string, unknown> {
  return {
    name: m.name,
    ...(m.pathRegex !== undefined ? { pathRegex: m.pathRegex } : {}),
    ...(m.methods.length ? { methods: [...m.methods] } : {}),
    ...(m.headers.length ? { headers: m.headers.map((h) => ({ [h.name]: h.regex })) } : {}),
  };
}

/**
 * toSmiManifest writes a resource at its hub version. A TrafficTarget whose destination keeps a
 * port (read from access v1alpha1/v1alpha2) is written as access v1alpha2, the newest version that
 * can hold the port, so nothing is lost.
 */
export function toSmiManifest(resource: SmiResource): SmiManifest {
  const head = {
    apiVersion: HUB_VERSIONS[resource.kind],
    kind: resource.kind,
    metadata: meta(resource.metadata),
  };
  switch (resource.kind) {
    case 'TrafficSplit': {
      const { service, backends, matches } = resource.spec;
      return {
        ...head,
        spec: {
          service,
          backends: backends.map((b) => ({ service: b.service, weight: b.weight })),
          ...(matches.length ? { matches: matches.map((m) => ({ ...m })) } : {}),
        },
      };
    }
    case 'TrafficTarget': {
      const { destination, sources, rules } = resource.spec;
      const subject = ({ kind, name, namespace }: typeof destination) => ({ kind, name, namespace });
      const withPort = destination.port !== undefined;
      return {
        ...head,
        ...(withPort ? { apiVersion: `${SMI_GROUPS.access}/v1alpha2` } : {}),
        spec: {
          destination: withPort ? { ...subject(destination), port: destination.port } : subject(destination),
          sources: sources.map(subject),
          rules: rules.map((r) => ({
            kind: r.kind,
            name: r.name,
            ...(r.matches.length ? { matches: [...r.matches] } : {}),
          })),
        },
      };
    }
    case 'HTTPRouteGroup':
      return { ...head, spec: { matches: resource.spec.matches.map(httpMatch) } };
    case 'TCPRoute':
    case 'UDPRoute': {
      const { name, ports } = resource.spec.matches;
      return { ...head, spec: { matches: { ...(name !== undefined ? { name } : {}), ports: [...ports] } } };
    }
  }
}
