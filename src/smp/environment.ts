/**
 * Building an SMP `EnvironmentConfig` from plain host facts (what `node:os` reports), so a run can
 * record where it happened.
 * @module
 */
import { InvalidInputError } from '../errors/index.js';
import { SMP_VERSION } from './result.js';
import type { EnvironmentConfig, IndividualWorkload } from './types.js';

/** HostFacts describes one machine. */
export interface HostFacts {
  /** CPU model string, e.g. "AMD EPYC 7B13"; becomes `Node.type`. */
  cpuModel: string;
  /** Logical CPU cores. */
  cores: number;
  /** Total memory in MiB. */
  memoryMb: number;
  /** Operating system, e.g. "Linux 6.1.0 x86_64"; recorded in labels. */
  os?: string;
  hostname?: string;
}

/** EnvironmentInput is what environment builders take. */
export interface EnvironmentInput {
  hosts: HostFacts[];
  id?: string;
  labels?: Record<string, string>;
  kubernetesVersion?: string;
  workloads?: IndividualWorkload[];
}

/**
 * buildEnvironmentConfig makes one `Node` per host. With a single host, its OS and hostname go into
 * the labels `os` and `hostname` (the SMP Node message has no field for them).
 */
export function buildEnvironmentConfig(input: EnvironmentInput): EnvironmentConfig {
  if (input.hosts.length === 0) throw new InvalidInputError('hosts', input.hosts, 'at least one host');
  const labels: Record<string, string> = {};
  input.hosts.forEach((host, i) => {
    if (!Number.isInteger(host.cores) || host.cores < 1) {
      throw new InvalidInputError(`hosts[${i}].cores`, host.cores, 'an integer ≥ 1');
    }
    if (!Number.isSafeInteger(host.memoryMb) || host.memoryMb < 0) {
      throw new InvalidInputError(`hosts[${i}].memoryMb`, host.memoryMb, 'an integer number of MiB ≥ 0');
    }
  });
  const only = input.hosts.length === 1 ? input.hosts[0] : undefined;
  if (only?.os) labels.os = only.os;
  if (only?.hostname) labels.hostname = only.hostname;
  return {
    smpVersion: SMP_VERSION,
    id: input.id ?? '',
    labels: { ...labels, ...input.labels },
    kubernetesVersion: input.kubernetesVersion ?? '',
    nodes: input.hosts.map((h) => ({ type: h.cpuModel, cores: h.cores, memMb: h.memoryMb })),
    individualWorkloads: (input.workloads ?? []).map((w) => ({ ...w })),
  };
}
