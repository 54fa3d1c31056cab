/**
 * Which outgoing requests go through the HTTP proxy: `HTTP_PROXY` / `NO_PROXY` read the way Go's
 * net/http reads them (the original sample app is a Go program), so the app behaves the same next
 * to a sidecar that is an explicit HTTP proxy.
 * @module
 */
import { BlockList, isIP } from 'node:net';

/** ProxySettings is the parsed proxy environment. */
export interface ProxySettings {
  /** The proxy for http:// targets; undefined sends every request directly. */
  httpProxy?: URL;
  noProxy: NoProxyRule[];
}

type NoProxyRule =
  | { kind: 'all' }
  | { kind: 'cidr'; list: BlockList }
  | { kind: 'ip'; ip: string; port: string }
  | { kind: 'domain'; suffix: string; matchHost: boolean; port: string };

/**
 * readProxySettings reads `HTTP_PROXY` (then `http_proxy`) and `NO_PROXY` (then `no_proxy`).
 * A proxy value without a scheme means http://, as in Go.
 * @throws TypeError when HTTP_PROXY is not a usable http:// URL
 */
export function readProxySettings(env: Record<string, string | undefined>): ProxySettings {
  const raw = env.HTTP_PROXY || env.http_proxy || '';
  const noProxy = parseNoProxy(env.NO_PROXY || env.no_proxy || '');
  if (!raw) return { noProxy };
  const url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(raw) ? raw : `http://${raw}`);
  if (url.protocol !== 'http:') throw new TypeError(`HTTP_PROXY ${raw}: only http:// proxies are supported`);
  return { httpProxy: url, noProxy };
}

function parseNoProxy(value: string): NoProxyRule[] {
  const rules: NoProxyRule[] = [];
  for (let entry of value.split(',')) {
    entry = entry.trim().toLowerCase();
    if (!entry) continue;
    if (entry === '*') {
      rules.push({ kind: 'all' });
      continue;
    }
    if (entry.includes('/')) {
      const [net, bits] = entry.split('/');
      const family = isIP(net!);
      if (family && /^\d+$/.test(bits!)) {
        const list = new BlockList();
        list.addSubnet(net!, Number(bits), family === 6 ? 'ipv6' : 'ipv4');
        rules.push({ kind: 'cidr', list });
      }
      continue;
    }
    const { host, port } = splitHostPort(entry);
    if (isIP(host)) {
      rules.push({ kind: 'ip', ip: host, port });
      continue;
    }
    let suffix = host.startsWith('*.') ? host.slice(1) : host;
    const matchHost = !suffix.startsWith('.');
    if (matchHost) suffix = `.${suffix}`;
    rules.push({ kind: 'domain', suffix, matchHost, port });
  }
  return rules;
}

function splitHostPort(entry: string): { host: string; port: string } {
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(entry);
  if (bracketed) return { host: bracketed[1]!, port: bracketed[2] ?? '' };
  const m = /^([^:]+):(\d+)$/.exec(entry);
  return m ? { host: m[1]!, port: m[2]! } : { host: entry, port: '' };
}

/** proxyFor returns the proxy to use for `target`, or undefined to connect directly. */
export function proxyFor(target: URL, settings: ProxySettings): URL | undefined {
  if (!settings.httpProxy || target.protocol !== 'http:') return undefined;
  const host = target.hostname.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  // Go never proxies localhost or loopback addresses, whatever NO_PROXY says.
  if (host === 'localhost' || isLoopback(host)) return undefined;
  const port = target.port || '80';
  for (const rule of settings.noProxy) {
    switch (rule.kind) {
      case 'all':
        return undefined;
      case 'cidr': {
        const family = isIP(host);
        if (family && rule.list.check(host, family === 6 ? 'ipv6' : 'ipv4')) return undefined;
        break;
      }
      case 'ip':
        if (host === rule.ip && (!rule.port || rule.port === port)) return undefined;
        break;
      case 'domain':
        if (rule.port && rule.port !== port) break;
        if (host.endsWith(rule.suffix) || (rule.matchHost && host === rule.suffix.slice(1))) return undefined;
        break;
    }
  }
  return settings.httpProxy;
}

function isLoopback(host: string): boolean {
  const family = isIP(host);
  if (family === 4) return host.startsWith('127.');
  if (family === 6) return host === '::1' || /^(0*:)*:?0*1$/.test(host) || host.startsWith('::ffff:127.');
  return false;
}
