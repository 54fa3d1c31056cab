/** `meshplane apply|delete -f`, `meshplane get` and `meshplane logs`: thin clients of the mesh's HTTP API. */
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import type { Command } from 'commander';
import { stringify } from 'yaml';
import type { ApplyResult, ChangeResult } from '../../control/index.js';
import { kindGroup, NotFoundError } from '../../control/index.js';
import { InvalidInputError } from '../../errors/index.js';
import type { IO } from '../io.js';
import { apiError, call, resolveApi, send } from './api_client.js';
import { render } from './tables.js';

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
  trafficsplit: 'trafficsplits', trafficsplits: 'trafficsplits', ts: 'trafficsplits',
  traffictarget: 'traffictargets', traffictargets: 'traffictargets', tt: 'traffictargets',
  httproutegroup: 'httproutegroups', httproutegroups: 'httproutegroups', htr: 'httproutegroups',
  tcproute: 'tcproutes', tcproutes: 'tcproutes', tr: 'tcproutes',
  udproute: 'udproutes', udproutes: 'udproutes', ur: 'udproutes',
  event: 'events', events: 'events', ev: 'events',
}; // prettier-ignore

const KINDS_HELP =
  'workloads, services, endpoints, instances, serviceaccounts, trafficsplits, traffictargets, httproutegroups, tcproutes, udproutes, events';

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
    const { results, warnings } = await call<ApplyResult>(api, 'POST', '/v1/apply', {
      manifest,
      source: basename(flags.filename),
    });
    for (const w of warnings ?? []) io.stderr.write(`Warning: ${w}\n`);
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
    const { results } = await call<ApplyResult>(api, 'POST', '/v1/delete', body);
    for (const r of results) io.stdout.write(`${resourceName(r)} deleted\n`);
  });

  targetOptions(
    program
      .command('get')
      .description("list resources of one kind, or the control plane's events")
      .argument(
        '<kind>',
        `${KINDS_HELP.replaceAll(', ', '|')} (or wl, svc, ep, inst, sa, ts, tt, htr, tr, ur, ev)`,
      )
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
      if (!kind) throw new InvalidInputError('kind', kindArg, `one of ${KINDS_HELP}`);
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
      if (kind === 'udproutes') {
        io.stderr.write(
          'Note: UDP does not pass through the mesh; UDPRoutes are validated and stored only.\n',
        );
      }
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

/** nameOf reads metadata.name, an instance's name, or an event's object name. */
function nameOf(item: unknown): string | undefined {
  const i = item as { metadata?: { name?: string }; name?: string; involvedObject?: { name: string } };
  return i.metadata?.name ?? i.name ?? i.involvedObject?.name;
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

/** resourceName is kubectl's "kind.group/name" form, e.g. trafficsplit.split.smi-spec.io/web. */
function resourceName(r: ChangeResult): string {
  const group = kindGroup(r.kind);
  return `${r.kind.toLowerCase()}${group ? `.${group}` : ''}/${r.name}`;
}
