/** Test fixtures for the control plane: temporary state directories, a control plane on free ports, instances. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  nodeId,
  PROXY_ADMIN_PORT,
  PROXY_INBOUND_PORT,
  PROXY_OUTBOUND_PORT,
  type Node,
} from '../../config/index.js';
import { ControlPlane, type ControlPlaneOptions } from '../control_plane.js';
import type { InstanceRecord } from '../registry.js';

export async function tempDir(
  prefix = 'meshplane-test-',
): Promise<{ path: string; remove: () => Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), prefix));
  return { path, remove: () => rm(path, { recursive: true, force: true }) };
}

/** startTestControlPlane starts a control plane on free ports in a fresh state directory. */
export async function startTestControlPlane(
  options: Partial<ControlPlaneOptions> = {},
): Promise<{ cp: ControlPlane; stateDir: string; cleanup: () => Promise<void> }> {
  const dir = options.stateDir ? undefined : await tempDir();
  const stateDir = options.stateDir ?? dir!.path;
  const cp = await ControlPlane.start({
    grpcAddress: '127.0.0.1:0',
    httpAddress: '127.0.0.1:0',
    pushDebounceMs: 20,
    ...options,
    stateDir,
  });
  return {
    cp,
    stateDir,
    cleanup: async () => {
      await cp.stop();
      await dir?.remove();
    },
  };
}

/** instanceRecord builds a ready instance of a workload. */
export function instanceRecord(
  fields: Partial<InstanceRecord> & { workload: string; address: string; port: number },
): InstanceRecord {
  const replica = fields.replica ?? 0;
  const namespace = fields.namespace ?? 'default';
  const name = `${fields.workload}-${replica}`;
  return {
    id: nodeId(name, namespace),
    name,
    namespace,
    replica,
    serviceAccount: 'default',
    labels: { app: fields.workload },
    inboundPort: PROXY_INBOUND_PORT,
    outboundPort: PROXY_OUTBOUND_PORT,
    adminPort: PROXY_ADMIN_PORT,
    phase: 'Running',
    ready: true,
    restarts: 0,
    ...fields,
  };
}

/** registerInstance reports an instance and issues its bootstrap token, as the platform does. */
export async function registerInstance(
  cp: ControlPlane,
  record: InstanceRecord,
): Promise<{ token: string; node: Node }> {
  cp.reportInstance(record);
  const token = await cp.issueBootstrapToken({
    instanceId: record.id,
    namespace: record.namespace,
    workload: record.workload,
    serviceAccount: record.serviceAccount,
  });
  return { token, node: nodeFor(record) };
}

export function nodeFor(record: InstanceRecord): Node {
  return {
    id: record.id,
    namespace: record.namespace,
    workload: record.workload,
    service_account: record.serviceAccount,
    address: record.address,
    labels: record.labels,
    proxy_version: 'test',
  };
}

/**
 * waitFor polls `check` until it returns a value other than undefined/false, or fails after
 * `timeoutMs` (generous by default: a loaded machine is slow, and a condition that holds returns at once).
 */
export async function waitFor<T>(
  check: () => T | undefined | false | Promise<T | undefined | false>,
  timeoutMs = 30_000,
  what = 'condition',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/**
 * started starts a proxy-side config client and waits for its first snapshot, failing with the
 * client's state after `timeoutMs` rather than waiting forever (a client retries without end).
 */
export async function started(
  client: { start(): Promise<void>; readonly state: string },
  timeoutMs = 30_000,
): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`no first snapshot within ${timeoutMs} ms (client ${client.state})`)),
      timeoutMs,
    );
  });
  try {
    await Promise.race([client.start(), late]);
  } finally {
    clearTimeout(timer);
  }
}
