/** `meshplane apply|delete -f`, `meshplane get` and `meshplane logs`: thin clients of the mesh's HTTP API. */
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import type { Command } from 'commander';
import { stringify } from 'yaml';
import type {
  ChangeResult,
  EndpointsView,
  InstanceRecord,
  ResourceView,
  ServiceStatus,
  WorkloadStatus,
} from '../../control/index.js';
import { NotFoundError } from '../../control/index.js';
import { InvalidInputError } from '../../errors/index.js';
import type { IO } from '../io.js';
import { apiError, call, resolveApi, send } from './api_client.js';
import { age, table } from './format.js';

interface TargetFlags {
  stateDir?: string;
  api?: string;
}

const kindAliases: Record<string, string> = {
  workload: 'workloads', workloads: 'workloads', wl: 'workloads',
  service: 'services', services: 'services', svc: 'services',
  endpoints: 'endpoints', ep: 'endpoints',
  instance: 'instances', instances: 'instances', inst: 'instances',
  serviceaccount: 'serviceaccounts', serviceaccounts: 'serviceaccounts', sa: 'serviceaccounts',
}; // prettier-ignore

function targetOptions(cmd: Command): Command {
  return cmd
    .option('--state-dir <dir>', 'state directory of the mesh (default $MESHPLANE_STATE_DIR or ./.meshplane)')
    .option('--api <url>', 'HTTP API of the mesh (default: from the state directory, or $MESHPLANE_API)');
}

export function registerResourceCommands(
  program: Command,
  io: IO,
  setExitCode: (code: number) => void,
): void {
  targetOptions(
    program
      .command('apply')
      .description('create or update the resources of a manifest file, all of them or none')
      .requiredOption('-f, --filename <file>', 'YAML or JSON manifest (several documents allowed)'),
  ).action(async (flags: TargetFlags & { filename: string }) => {
    const manifest = await readManifest(flags.filename);
    const api = await resolveApi(flags, io);
    const { results } = await call<{ results: ChangeResult[] }>(api, 'POST', '/v1/apply', {
      manifest,
      source: basename(flags.filename),
    });
    for (const r of results) io.stdout.write(`${resourceName(r)} ${r.action}\n`);
  });

  targetOptions(
    program
      .command('delete')
      .description('delete the resources of a manifest file, all of them or none')
      .requiredOption('-f, --filename <file>', 'YAML or JSON manifest')
      .option('--ignore-not-found', 'skip resources that do not exist instead of failing'),
  ).action(async (flags: TargetFlags & { filename: string; ignoreNotFound?: boolean }) => {
    const manifest = await readManifest(flags.filename);
    const api = await resolveApi(flags, io);
    const body = {
      manifest,
      source: basename(flags.filename),
      ignoreNotFound: flags.ignoreNotFound === true,
    };
    const { results } = await call<{ results: ChangeResult[] }>(api, 'POST', '/v1/delete', body);
    for (const r of results) io.stdout.write(`${resourceName(r)} deleted\n`);
  });

  targetOptions(
    program
      .command('get')
      .description('list workloads, services, endpoints, instances or serviceaccounts')
      .argument('<kind>', 'workloads|services|endpoints|instances|serviceaccounts (or wl, svc, ep, inst, sa)')
      .argument('[name]', 'only this one')
      .option('-n, --namespace <ns>', 'namespace', 'default')
      .option('-A, --all-namespaces', 'every namespace')
      .option('-o, --output <format>', 'wide, json or yaml'),
  ).action(
    async (
      kindArg: string,
      name: string | undefined,
      flags: TargetFlags & { namespace: string; allNamespaces?: boolean; output?: string },
    ) => {
      const kind = kindAliases[kindArg.toLowerCase()];
      if (!kind)
        throw new InvalidInputError(
          'kind',
          kindArg,
          'one of workloads, services, endpoints, instances, serviceaccounts',
        );
      if (flags.output !== undefined && !['wide', 'json', 'yaml'].includes(flags.output)) {
        throw new InvalidInputError('--output', flags.output, 'wide, json or yaml');
      }
      const api = await resolveApi(flags, io);
      const query = flags.allNamespaces ? '' : `?namespace=${encodeURIComponent(flags.namespace)}`;
      const listed = (await call<{ items: unknown[] }>(api, 'GET', `/v1/${kind}${query}`)).items;
      const items = name === undefined ? listed : listed.filter((i) => nameOf(i) === name);
      if (name !== undefined && items.length === 0) {
        throw new NotFoundError(
          `${kind} "${name}" not found in namespace ${flags.allNamespaces ? '(any)' : flags.namespace}`,
        );
      }
      if (flags.output === 'json' || flags.output === 'yaml') {
        const list = { apiVersion: 'v1', kind: 'List', items };
        io.stdout.write(flags.output === 'json' ? `${JSON.stringify(list, null, 2)}\n` : stringify(list));
        return;
      }
      if (items.length === 0) {
        io.stderr.write(
          flags.allNamespaces
            ? 'No resources found\n'
            : `No resources found in ${flags.namespace} namespace.\n`,
        );
        return;
      }
      io.stdout.write(render(kind, items, flags.output === 'wide', flags.allNamespaces === true));
    },
  );

  targetOptions(
    program
      .command('logs')
      .description("print a workload replica's log (the app's, or its sidecar's with --proxy)")
      .argument('<workload>', 'Workload name')
      .option('-n, --namespace <ns>', 'namespace', 'default')
      .option('--replica <n>', 'replica index', '0')
      .option('-f, --follow', 'keep printing as the log grows (Ctrl-C to stop)')
      .option('--tail <lines>', 'only the last N lines')
      .option('--proxy', "the sidecar's log instead of the app's"),
  ).action(
    async (
      workload: string,
      flags: TargetFlags & {
        namespace: string;
        replica: string;
        follow?: boolean;
        tail?: string;
        proxy?: boolean;
      },
    ) => {
      if (!/^\d+$/.test(flags.replica))
        throw new InvalidInputError('--replica', flags.replica, 'an integer ≥ 0');
      if (flags.tail !== undefined && !/^\d+$/.test(flags.tail))
        throw new InvalidInputError('--tail', flags.tail, 'an integer ≥ 0');
      const api = await resolveApi(flags, io);
      const params = new URLSearchParams({
        namespace: flags.namespace,
        workload,
        replica: flags.replica,
        container: flags.proxy ? 'proxy' : 'app',
        follow: String(flags.follow === true),
        ...(flags.tail === undefined ? {} : { tail: flags.tail }),
      });
      const res = await send(api, 'GET', `/v1/logs?${params}`, undefined, io.signal);
      if (!res.ok) throw apiError(await res.json().catch(() => ({})), res.status);
      const decoder = new TextDecoder();
      try {
        for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>)
          io.stdout.write(decoder.decode(chunk, { stream: true }));
      } catch (error) {
        if (!io.signal?.aborted) throw error;
      }
      setExitCode(0);
    },
  );
}

/** nameOf reads metadata.name, or an instance's name. */
function nameOf(item: unknown): string | undefined {
  const i = item as { metadata?: { name?: string }; name?: string };
  return i.metadata?.name ?? i.name;
}

async function readManifest(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    throw new InvalidInputError(
      '--filename',
      file,
      `a readable manifest file (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
    );
  }
}

/** resourceName is kubectl's "kind.group/name" form. */
function resourceName(r: ChangeResult): string {
  return `${r.kind.toLowerCase()}${r.kind === 'Workload' ? '.meshplane.dev' : ''}/${r.name}`;
}

function render(kind: string, items: unknown[], wide: boolean, allNamespaces: boolean): string {
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
    default: {
      const rows = (items as ResourceView[]).map((r) =>
        ns(r.metadata.namespace, [r.metadata.name, age(r.metadata.creationTimestamp)]),
      );
      return table(header(['NAME', 'AGE']), rows);
    }
  }
}
