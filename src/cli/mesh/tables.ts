/** The tables `meshplane get` prints for each kind (kubectl's layout: aligned columns, ages). */
import type {
  EndpointsView,
  InstanceRecord,
  MeshEvent,
  ResourceView,
  ServiceStatus,
  TrafficSplitStatus,
  WorkloadStatus,
} from '../../control/index.js';
import { age, table } from './format.js';

/** render prints `items` of a kind (the API's plural) as a table. */
export function render(kind: string, items: unknown[], wide: boolean, allNamespaces: boolean): string {
  const ns = (namespace: string, row: string[]): string[] => (allNamespaces ? [namespace, ...row] : row);
  const header = (h: string[]): string[] => (allNamespaces ? ['NAMESPACE', ...h] : h);
  switch (kind) {
    case 'workloads': {
      const rows = (items as ResourceView[]).map((w) => {
        const s = w.status as WorkloadStatus;
        const spec = w.spec as { serviceAccount: string; port: number };
        const base = [
          w.metadata.name,
          `${s.readyReplicas}/${s.replicas}`,
          String(s.restarts),
          age(w.metadata.creationTimestamp),
        ];
        return ns(
          w.metadata.namespace,
          wide
            ? [
                ...base,
                spec.serviceAccount,
                String(spec.port),
                s.instances.map((i) => i.address).join(',') || '<none>',
              ]
            : base,
        );
      });
      return table(
        header([
          'NAME',
          'READY',
          'RESTARTS',
          'AGE',
          ...(wide ? ['SERVICE-ACCOUNT', 'PORT', 'ADDRESSES'] : []),
        ]),
        rows,
      );
    }
    case 'services': {
      const rows = (items as ResourceView[]).map((svc) => {
        const spec = svc.spec as {
          selector: Record<string, string>;
          ports: { port: number; targetPort: number; appProtocol: string }[];
        };
        const s = svc.status as ServiceStatus;
        const ports = spec.ports.map((p) => `${p.port}:${p.targetPort}/${p.appProtocol}`).join(',');
        const base = [
          svc.metadata.name,
          ports,
          `${s.readyEndpoints}/${s.endpoints}`,
          age(svc.metadata.creationTimestamp),
        ];
        const selector = Object.entries(spec.selector)
          .map(([k, v]) => `${k}=${v}`)
          .join(',');
        return ns(svc.metadata.namespace, wide ? [...base, selector] : base);
      });
      return table(header(['NAME', 'PORTS', 'ENDPOINTS', 'AGE', ...(wide ? ['SELECTOR'] : [])]), rows);
    }
    case 'endpoints': {
      const rows = (items as EndpointsView[]).map((ep) => {
        const subset = ep.subsets[0];
        const addrs = (subset?.addresses ?? []).flatMap((a) => subset!.ports.map((p) => `${a.ip}:${p.port}`));
        const shown =
          wide || addrs.length <= 3
            ? addrs.join(',')
            : `${addrs.slice(0, 3).join(',')} + ${addrs.length - 3} more...`;
        const base = [ep.metadata.name, shown || '<none>', age(ep.metadata.creationTimestamp)];
        const notReady = (subset?.notReadyAddresses ?? []).map((a) => a.ip).join(',') || '<none>';
        return ns(ep.metadata.namespace, wide ? [...base, notReady] : base);
      });
      return table(header(['NAME', 'ENDPOINTS', 'AGE', ...(wide ? ['NOT READY'] : [])]), rows);
    }
    case 'instances': {
      const rows = (items as InstanceRecord[]).map((i) => {
        const base = [
          i.name,
          i.ready ? '1/1' : '0/1',
          i.phase,
          String(i.restarts),
          i.address,
          age(i.startedAt),
        ];
        return ns(
          i.namespace,
          wide ? [...base, String(i.appPid ?? '-'), String(i.proxyPid ?? '-'), i.message ?? ''] : base,
        );
      });
      return table(
        header([
          'NAME',
          'READY',
          'PHASE',
          'RESTARTS',
          'ADDRESS',
          'AGE',
          ...(wide ? ['APP PID', 'PROXY PID', 'MESSAGE'] : []),
        ]),
        rows,
      );
    }
    case 'trafficsplits':
    case 'traffictargets':
    case 'httproutegroups':
    case 'tcproutes':
    case 'udproutes':
      return renderSmi(kind, items as ResourceView[], wide, ns, header);
    case 'events':
      return renderEvents(items as MeshEvent[], allNamespaces);
    default: {
      const rows = (items as ResourceView[]).map((r) =>
        ns(r.metadata.namespace, [r.metadata.name, age(r.metadata.creationTimestamp)]),
      );
      return table(header(['NAME', 'AGE']), rows);
    }
  }
}

type Row = (namespace: string, row: string[]) => string[];
type Header = (h: string[]) => string[];

function renderSmi(kind: string, items: ResourceView[], wide: boolean, ns: Row, header: Header): string {
  const created = (r: ResourceView): string => age(r.metadata.creationTimestamp);
  const written = (r: ResourceView): string =>
    r.metadata.annotations['meshplane.dev/source-api-version'] ?? r.apiVersion;
  switch (kind) {
    case 'trafficsplits': {
      const rows = items.map((r) => {
        const spec = r.spec as {
          service: string;
          backends: { service: string; weight: number }[];
          matches?: { name: string }[];
        };
        const status = r.status as TrafficSplitStatus;
        const base = [
          r.metadata.name,
          spec.service,
          spec.backends.map((b) => `${b.service}:${b.weight}`).join(','),
          created(r),
        ];
        const shares = status.apexFound
          ? status.ports
              .map(
                (p) =>
                  `${p.port}: ${p.backends
                    .map((b) => `${b.service} ${b.excluded ? `excluded (${b.excluded})` : percent(b.share)}`)
                    .join(', ')}`,
              )
              .join('; ')
          : '<apex service not found>';
        const matches = (spec.matches ?? []).map((m) => m.name).join(',') || '<all requests>';
        return ns(r.metadata.namespace, wide ? [...base, matches, shares, written(r)] : base);
      });
      return table(
        header(['NAME', 'SERVICE', 'BACKENDS', 'AGE', ...(wide ? ['MATCHES', 'SHARES', 'WRITTEN AS'] : [])]),
        rows,
      );
    }
    case 'traffictargets': {
      const rows = items.map((r) => {
        const spec = r.spec as {
          destination: Subject & { port?: number };
          sources: Subject[];
          rules: { kind: string; name: string; matches?: string[] }[];
        };
        const here = r.metadata.namespace;
        const subject = (s: Subject): string => `${s.namespace === here ? '' : `${s.namespace}/`}${s.name}`;
        const d = spec.destination;
        const base = [
          r.metadata.name,
          `${subject(d)}${d.port === undefined ? '' : `:${d.port}`}`,
          spec.sources.map(subject).join(',') || '<none>',
          spec.rules
            .map((x) => `${x.kind}/${x.name}${x.matches?.length ? `[${x.matches.join(',')}]` : ''}`)
            .join(',') || '<none>',
          created(r),
        ];
        return ns(here, wide ? [...base, written(r)] : base);
      });
      return table(
        header(['NAME', 'DESTINATION', 'SOURCES', 'RULES', 'AGE', ...(wide ? ['WRITTEN AS'] : [])]),
        rows,
      );
    }
    case 'httproutegroups': {
      const rows = items.map((r) => {
        const spec = r.spec as {
          matches: {
            name: string;
            methods?: string[];
            pathRegex?: string;
            headers?: Record<string, string>[];
          }[];
        };
        const detail = spec.matches
          .map((m) => {
            const headers = (m.headers ?? [])
              .map((h) => Object.entries(h).map(([k, v]) => `${k}=~${v}`))
              .flat();
            return `${m.name}: ${(m.methods ?? ['*']).join('|')} ${m.pathRegex ?? '<any path>'}${headers.length ? ` ${headers.join(' ')}` : ''}`;
          })
          .join('; ');
        const base = [r.metadata.name, spec.matches.map((m) => m.name).join(','), created(r)];
        return ns(r.metadata.namespace, wide ? [...base, detail, written(r)] : base);
      });
      return table(header(['NAME', 'MATCHES', 'AGE', ...(wide ? ['DETAIL', 'WRITTEN AS'] : [])]), rows);
    }
    default: {
      // tcproutes, udproutes
      const rows = items.map((r) => {
        const { matches } = r.spec as { matches: { name?: string; ports: number[] } };
        const ports = matches.ports.length ? matches.ports.join(',') : '<all>';
        const base = [r.metadata.name, ports, created(r)];
        const mesh = kind === 'udproutes' ? 'not carried (UDP bypasses the mesh)' : 'TCP via sidecars';
        return ns(r.metadata.namespace, wide ? [...base, matches.name ?? '', mesh, written(r)] : base);
      });
      return table(
        header(['NAME', 'PORTS', 'AGE', ...(wide ? ['MATCH NAME', 'MESH', 'WRITTEN AS'] : [])]),
        rows,
      );
    }
  }
}

interface Subject {
  kind: string;
  name: string;
  namespace: string;
}

function percent(share: number): string {
  return `${Math.round(share * 1000) / 10}%`;
}

function renderEvents(events: MeshEvent[], allNamespaces: boolean): string {
  const rows = events.map((e) => {
    const o = e.involvedObject;
    const row = [
      age(e.lastTimestamp),
      e.type,
      e.reason,
      `${o.kind.toLowerCase()}/${o.name}`,
      `${e.message}${e.count > 1 ? ` (x${e.count})` : ''}`,
    ];
    return allNamespaces ? [o.namespace || '-', ...row] : row;
  });
  const head = ['LAST SEEN', 'TYPE', 'REASON', 'OBJECT', 'MESSAGE'];
  return table(allNamespaces ? ['NAMESPACE', ...head] : head, rows);
}
