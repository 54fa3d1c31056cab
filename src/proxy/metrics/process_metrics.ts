/**
 * The standard process metrics of Prometheus clients (client_golang's process collector and
 * prom-client's Node.js heap gauges), read at scrape time so a proxy's own cost is visible beside
 * its traffic: CPU seconds, resident and virtual memory, open file descriptors, start time, heap.
 * @module
 */
import { readdirSync, readFileSync } from 'node:fs';

const startTimeSeconds = Math.round((Date.now() - performance.now()) / 1000);

/** processMetrics renders the process_* and nodejs_* series in Prometheus text format 0.0.4. */
export function processMetrics(): string {
  const cpu = process.cpuUsage();
  const mem = process.memoryUsage();
  const series: Array<[name: string, type: 'counter' | 'gauge', help: string, value: number]> = [
    [
      'process_cpu_seconds_total',
      'counter',
      'Total user and system CPU time spent in seconds.',
      (cpu.user + cpu.system) / 1e6,
    ],
    ['process_resident_memory_bytes', 'gauge', 'Resident memory size in bytes.', mem.rss],
    ['process_virtual_memory_bytes', 'gauge', 'Virtual memory size in bytes.', virtualMemoryBytes()],
    ['process_open_fds', 'gauge', 'Number of open file descriptors.', openFds()],
    [
      'process_start_time_seconds',
      'gauge',
      'Start time of the process since unix epoch in seconds.',
      startTimeSeconds,
    ],
    ['nodejs_heap_size_total_bytes', 'gauge', 'Process heap size from Node.js in bytes.', mem.heapTotal],
    ['nodejs_heap_size_used_bytes', 'gauge', 'Process heap size used from Node.js in bytes.', mem.heapUsed],
    ['nodejs_external_memory_bytes', 'gauge', 'Node.js external memory size in bytes.', mem.external],
  ];
  return series
    .filter(([, , , value]) => Number.isFinite(value))
    .map(([name, type, help, value]) => `# HELP ${name} ${help}\n# TYPE ${name} ${type}\n${name} ${value}\n`)
    .join('');
}

/** virtualMemoryBytes reads VmSize from /proc (Linux); NaN elsewhere, and the series is left out. */
function virtualMemoryBytes(): number {
  try {
    const kb = /^VmSize:\s+(\d+) kB/m.exec(readFileSync('/proc/self/status', 'utf8'))?.[1];
    return kb === undefined ? Number.NaN : Number(kb) * 1024;
  } catch {
    return Number.NaN;
  }
}

function openFds(): number {
  try {
    return readdirSync('/proc/self/fd').length;
  } catch {
    return Number.NaN;
  }
}
