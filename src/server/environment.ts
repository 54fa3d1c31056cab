/** The host facts recorded with every run, so results from different machines are told apart. */
import { arch, cpus, hostname, release, totalmem, type } from 'node:os';
import { readFileSync } from 'node:fs';
import type { Environment } from './model.js';

function packageVersion(): string {
  try {
    const url = new URL('../../package.json', import.meta.url);
    return (JSON.parse(readFileSync(url, 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

/** osName reads the distribution's pretty name (e.g. "Debian GNU/Linux 12 (bookworm)") when there is one. */
function osName(): string {
  try {
    const m = /^PRETTY_NAME="?([^"\n]*)"?$/m.exec(readFileSync('/etc/os-release', 'utf8'));
    if (m?.[1]) return m[1];
  } catch {
    // not Linux, or no os-release: fall back to the kernel name
  }
  return type();
}

const version = packageVersion();

/** currentEnvironment describes this host now. */
export function currentEnvironment(): Environment {
  const list = cpus();
  return {
    hostname: hostname(),
    os: osName(),
    kernel: `${type()} ${release()}`,
    arch: arch(),
    cpuModel: list[0]?.model.trim() ?? 'unknown',
    cores: list.length,
    memoryBytes: totalmem(),
    nodeVersion: process.version,
    meshplaneVersion: version,
  };
}
