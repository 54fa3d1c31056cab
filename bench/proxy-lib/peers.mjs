// Shared bench plumbing: free ports, temp dirs, nginx/HAProxy/meshplane processes pinned to a CPU,
// CPU time and RSS from /proc, wrk output parsing.
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { get } from 'node:http';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const root = new URL('../../', import.meta.url).pathname;
export const CLK_TCK = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim());

export function tempDir(prefix) {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return {
    dir,
    file: (name) => join(dir, name),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

export async function freePort(host = '127.0.0.1') {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen({ host, port: 0 }, () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

export async function waitForPort(host, port, ms = 10000) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    const ok = await new Promise((resolve) => {
      const s = connect({ host, port }, () => {
        s.destroy();
        resolve(true);
      });
      s.on('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`nothing listening on ${host}:${port}`);
}

const children = new Set();
process.on('exit', () => {
  for (const c of children) c.kill('SIGKILL');
});

/** httpGet fetches a URL on a fresh connection and resolves with {status, body}. */
export function httpGet(url) {
  return new Promise((resolve, reject) => {
    get(url, { agent: false }, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode, body }));
    }).on('error', reject);
  });
}

/** run starts a process pinned to `cpu` with taskset; its output goes to a log file. */
export function run(name, cpu, cmd, args, logFile) {
  const child = spawn('taskset', ['-c', String(cpu), cmd, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  let log = '';
  child.stdout.on('data', (d) => (log += d));
  child.stderr.on('data', (d) => (log += d));
  child.on('exit', () => {
    children.delete(child);
    if (logFile) writeFileSync(logFile, log);
  });
  return {
    name,
    child,
    pid: child.pid,
    log: () => log,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', resolve);
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 3000).unref();
      }),
  };
}

/** cpuSeconds reads utime+stime of a process (and its threads) from /proc. */
export function cpuSeconds(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLK_TCK;
}

/**
 * stealTicks reads each CPU's steal time (clock ticks the hypervisor ran something else while this
 * VM wanted the CPU) from /proc/stat: it inflates CPU-per-request and tail latency alike.
 */
export function stealTicks() {
  return readFileSync('/proc/stat', 'utf8')
    .split('\n')
    .filter((l) => /^cpu\d+ /.test(l))
    .map((l) => Number(l.split(/\s+/)[8]));
}

/** memory returns VmRSS and VmHWM (peak) in MB. */
export function memory(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (k) => Number(new RegExp(`${k}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
  return { rssMB: kb('VmRSS') / 1024, peakMB: kb('VmHWM') / 1024 };
}

export async function startNginx(t, port, cpu) {
  const conf = t.file('nginx.conf');
  writeFileSync(
    conf,
    `daemon off;
master_process off;
worker_processes 1;
pid ${t.file('nginx.pid')};
error_log ${t.file('nginx-error.log')} error;
events { worker_connections 4096; multi_accept on; }
http {
  access_log off;
  keepalive_requests 1000000;
  keepalive_timeout 120s;
  client_body_temp_path ${t.dir};
  proxy_temp_path ${t.dir};
  fastcgi_temp_path ${t.dir};
  uwsgi_temp_path ${t.dir};
  scgi_temp_path ${t.dir};
  server {
    listen 127.0.0.1:${port} reuseport backlog=4096;
    location / { return 200 "hello world\\n"; }
  }
}
`,
  );
  const p = run('nginx', cpu, 'nginx', ['-c', conf, '-p', t.dir, '-e', t.file('nginx-error.log')]);
  await waitForPort('127.0.0.1', port);
  return p;
}

export async function startHaproxy(t, port, upstreamPort, cpu) {
  const conf = t.file('haproxy.cfg');
  writeFileSync(
    conf,
    `global
  nbthread 1
  maxconn 4000
defaults
  mode http
  timeout connect 5s
  timeout client 60s
  timeout server 60s
  option http-keep-alive
  http-reuse always
frontend fe
  bind 127.0.0.1:${port}
  default_backend be
backend be
  server s1 127.0.0.1:${upstreamPort} maxconn 5000
`,
  );
  const p = run('haproxy', cpu, 'haproxy', ['-f', conf, '-db']);
  await waitForPort('127.0.0.1', port);
  return p;
}

const { SIDECAR_NODE_OPTIONS } = await import(join(root, 'dist/cli/mesh/local_mesh.js'));

/** startMeshplane runs `meshplane proxy` in static mode from the built dist, with the Node options the platform gives sidecars. */
export async function startMeshplane(
  t,
  name,
  cpu,
  { address, adminPort, config, cert, extraArgs = [], nodeArgs = [] },
) {
  const file = t.file(`${name}.json`);
  writeFileSync(file, JSON.stringify(config, null, 2));
  const args = [
    ...SIDECAR_NODE_OPTIONS,
    ...nodeArgs,
    join(root, 'dist/cli/bin.js'),
    'proxy',
    '--address',
    address,
    '--admin-port',
    String(adminPort),
    '--config-file',
    file,
    '--log-level',
    'warn',
    ...(cert ? ['--cert', cert.certFile, '--key', cert.keyFile, '--ca', cert.caFile] : []),
    ...extraArgs,
  ];
  const p = run(name, cpu, process.execPath, args, t.file(`${name}.log`));
  const end = Date.now() + 10000;
  while (Date.now() < end) {
    const ready = await fetch(`http://${address}:${adminPort}/ready`)
      .then((r) => r.status === 200)
      .catch(() => false);
    if (ready) return p;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${name} not ready:\n${p.log()}`);
}

/** wrk runs wrk pinned to `cpu` and returns requests/s and the request count. */
export function wrk(cpu, url, { connections = 50, seconds = 10, threads = 1 } = {}) {
  const out = execFileSync(
    'taskset',
    ['-c', String(cpu), 'wrk', `-t${threads}`, `-c${connections}`, `-d${seconds}s`, url],
    {
      encoding: 'utf8',
    },
  );
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1]);
  const total = Number(/(\d+) requests in/.exec(out)?.[1]);
  const errors = /Non-2xx or 3xx responses: (\d+)/.exec(out)?.[1];
  const socketErrors = /Socket errors: (.*)/.exec(out)?.[1];
  return { rps, total, errors: Number(errors ?? 0), socketErrors, raw: out };
}

export function fmt(n, digits = 1) {
  return Number.isFinite(n) ? n.toFixed(digits) : String(n);
}
