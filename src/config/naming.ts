/**
 * Names both sides of the config stream agree on: default ports, SPIFFE IDs, service FQDNs, cluster
 * names and the authorities an outbound virtual host answers to. The control plane builds config with
 * these; the proxy parses peer identities with them.
 * @module
 */

/** DEFAULT_TRUST_DOMAIN is the SPIFFE trust domain when none is configured. */
export const DEFAULT_TRUST_DOMAIN = 'cluster.local';
/** SERVICE_DOMAIN_SUFFIX ends every service FQDN, whatever the trust domain. */
export const SERVICE_DOMAIN_SUFFIX = 'svc.cluster.local';

/** Sidecar ports on each workload address. */
export const PROXY_ADMIN_PORT = 15000;
export const PROXY_OUTBOUND_PORT = 15001;
export const PROXY_INBOUND_PORT = 15006;
/** Control plane ports on 127.0.0.1. */
export const CONTROL_PLANE_GRPC_PORT = 15010;
export const CONTROL_PLANE_HTTP_PORT = 15014;

/** TLS server name of the control plane's certificate; clients verify the control plane against it. */
export const CONTROL_PLANE_SERVER_NAME = 'control-plane.meshplane.internal';

/** ALPN protocols between sidecars: HTTP/2, HTTP/1.1, or opaque TCP. */
export const ALPN_H2 = 'h2';
export const ALPN_HTTP1 = 'http/1.1';
export const ALPN_TCP = 'meshplane-tcp';

/** DEFAULT_HTTP_PORT is the port an authority without one means (the http scheme's default). */
export const DEFAULT_HTTP_PORT = 80;

/** SpiffeId is a parsed workload identity. */
export interface SpiffeId {
  trustDomain: string;
  namespace: string;
  serviceAccount: string;
}

/** spiffeId formats spiffe://<trust-domain>/ns/<namespace>/sa/<service-account>. */
export function spiffeId(trustDomain: string, namespace: string, serviceAccount: string): string {
  return `spiffe://${trustDomain}/ns/${namespace}/sa/${serviceAccount}`;
}

const spiffePattern = /^spiffe:\/\/([a-z0-9._-]+)\/ns\/([^/]+)\/sa\/([^/]+)$/;

/** parseSpiffeId reads a workload SPIFFE ID, or returns undefined when the URI is not one. */
export function parseSpiffeId(uri: string): SpiffeId | undefined {
  const m = spiffePattern.exec(uri);
  return m ? { trustDomain: m[1]!, namespace: m[2]!, serviceAccount: m[3]! } : undefined;
}

/** serviceFqdn is <service>.<namespace>.svc.cluster.local. */
export function serviceFqdn(service: string, namespace: string): string {
  return `${service}.${namespace}.${SERVICE_DOMAIN_SUFFIX}`;
}

/** outboundClusterName is outbound|<port>||<fqdn>, the cluster of one service port. */
export function outboundClusterName(port: number, fqdn: string): string {
  return `outbound|${port}||${fqdn}`;
}

/** inboundClusterName is inbound|<port>, the local app behind the inbound listener. */
export function inboundClusterName(port: number): string {
  return `inbound|${port}`;
}

/** nodeId is the proxy's Node.id for replica <workload>-<replica> in a namespace: "web-0.default". */
export function nodeId(instanceName: string, namespace: string): string {
  return `${instanceName}.${namespace}`;
}

/**
 * virtualHostDomains lists the authorities (Host header or :authority, lower case) that select the
 * virtual host of one service port, seen from a proxy in `fromNamespace`:
 * `<svc>.<ns>.svc.cluster.local:<port>`, `<svc>.<ns>.svc:<port>`, `<svc>.<ns>:<port>` and, in the
 * proxy's own namespace, `<svc>:<port>`. An authority without a port means port 80, so the port-less
 * forms are listed only for port 80. Matching is exact; no wildcards.
 */
export function virtualHostDomains(
  service: string,
  namespace: string,
  port: number,
  fromNamespace: string,
): string[] {
  const hosts = [serviceFqdn(service, namespace), `${service}.${namespace}.svc`, `${service}.${namespace}`];
  if (namespace === fromNamespace) hosts.push(service);
  const domains = hosts.map((h) => `${h}:${port}`);
  if (port === DEFAULT_HTTP_PORT) domains.push(...hosts);
  return domains;
}
