// What an HTTP/2 stream costs the proxy compared with an HTTP/1.1 request: one plaintext hop in front
// of nginx (1 worker, h2c on one port, HTTP/1.1 on another), closed loop with 50 requests in flight
// (HTTP/1.1: wrk -c50; h2c: bench/proxy-lib/h2-load.mjs, 50 streams over 2 sessions). Proxy and nginx on
// CPU 0, generators on CPU 1. Prints req/s and proxy CPU µs per request for each protocol.
// Usage: node bench/proxy-h2.mjs [--seconds 8]
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  cpuSeconds,
  fmt,
  freePort,
  root,
  run,
  startMeshplane,
  tempDir,
  waitForPort,
  wrk,
} from './proxy-lib/peers.mjs';

const { values } = parseArgs({ options: { seconds: { type: 'string', default: '8' } } });
const seconds = Number(values.seconds);
const t = tempDir('meshplane-bench-h2-');
const h1Port = await freePort();
const h2Port = await freePort();
const conf = t.file('nginx.conf');
writeFileSync(
  conf,
  `daemon off;\nmaster_process off;\nworker_processes 1;\npid ${t.file('nginx.pid')};\nerror_log ${t.file('err.log')} error;\n` +
    `events { worker_connections 4096; }\nhttp {\n  access_log off;\n  keepalive_requests 1000000;\n  http2_max_requests 1000000;\n` +
    `  client_body_temp_path ${t.dir};\n  proxy_temp_path ${t.dir};\n  fastcgi_temp_path ${t.dir};\n  uwsgi_temp_path ${t.dir};\n  scgi_temp_path ${t.dir};\n` +
    `  server { listen 127.0.0.1:${h1Port}; location / { return 200 "hello world\\n"; } }\n` +
    `  server { listen 127.0.0.1:${h2Port} http2; location / { return 200 "hello world\\n"; } }\n}\n`,
);
const nginx = run('nginx', 0, 'nginx', ['-c', conf, '-p', t.dir, '-e', t.file('err.log')]);
await waitForPort('127.0.0.1', h1Port);
await waitForPort('127.0.0.1', h2Port);
const mpPort = await freePort();
const admin = await freePort();
const route = (name, cluster) => ({
  name,
  domains: [name],
  routes: [{ name: 'all', action: { clusters: [{ cluster, weight: 1 }] } }],
});
const mp = await startMeshplane(t, 'meshplane', 0, {
  address: '127.0.0.1',
  adminPort: admin,
  config: {
    version: 'bench',
    listeners: [
      { name: 'outbound', port: mpPort, direction: 'OUTBOUND', protocol: 'HTTP', route_table: 'outbound' },
    ],
    route_tables: [
      { name: 'outbound', virtual_hosts: [route(`127.0.0.1:${mpPort}`, 'h1'), route('h2.local', 'h2')] },
    ],
    clusters: [
      { name: 'h1', endpoints: [{ address: '127.0.0.1', port: h1Port }] },
      { name: 'h2', endpoints: [{ address: '127.0.0.1', port: h2Port }] },
    ],
  },
});

const h2load = (secs) =>
  JSON.parse(
    execFileSync(
      'taskset',
      [
        '-c',
        '1',
        process.execPath,
        join(root, 'bench/proxy-lib/h2-load.mjs'),
        '--url',
        `http://127.0.0.1:${mpPort}/`,
        '--authority',
        'h2.local',
        '--seconds',
        String(secs),
      ],
      { encoding: 'utf8' },
    ).trim(),
  );

try {
  console.log(
    `# one plaintext hop, 50 requests in flight, ${seconds} s; nginx + meshplane on CPU 0, generators on CPU 1`,
  );
  wrk(1, `http://127.0.0.1:${mpPort}/`, { seconds: 2 });
  let c0 = cpuSeconds(mp.pid);
  const h1 = wrk(1, `http://127.0.0.1:${mpPort}/`, { seconds });
  const h1Us = ((cpuSeconds(mp.pid) - c0) * 1e6) / h1.total;
  h2load(2);
  c0 = cpuSeconds(mp.pid);
  const h2 = h2load(seconds);
  const h2Us = ((cpuSeconds(mp.pid) - c0) * 1e6) / h2.requests;
  console.log(`HTTP/1.1 (raw-socket path)  ${fmt(h1.rps, 0).padStart(7)} req/s  ${fmt(h1Us)} µs CPU/request`);
  console.log(
    `HTTP/2 h2c (node:http2)     ${fmt(h2.rps, 0).padStart(7)} req/s  ${fmt(h2Us)} µs CPU/request  errors ${h2.errors}`,
  );
  console.log(`HTTP/2 stream costs ${fmt(h2Us / h1Us, 2)}× an HTTP/1.1 request`);
} finally {
  await mp.stop();
  await nginx.stop();
  t.cleanup();
}
