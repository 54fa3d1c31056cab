#!/usr/bin/env node
// Load-generator benchmark, all in one run (ratios are only meaningful within one run):
//   1. closed loop, 50 connections, against a tuned nginx (or a Node server) pinned to CPU 0, with
//      meshplane, wrk and autocannon each pinned to CPU 1, interleaved over several repetitions;
//   2. Little's law on meshplane's closed-loop runs (mean latency × throughput ≈ connections);
//   3. an open loop at half of meshplane's measured maximum (achieved vs target, corrected p99);
//   4. a server that stalls 500 ms every second (corrected vs uncorrected p99);
//   5. the record cost of the histogram (bench/record-cost.mjs).
// Usage (after `npm run build`): node bench/loadgen.mjs [--duration 10] [--reps 3] [--server nginx|node]
// Needs nginx, wrk and taskset (scripts/install-system-deps.sh) and autocannon (devDependency).
// Every process it starts listens on 127.0.0.1 only and is stopped before it exits.
import { spawn, execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { cpus, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { CLK_TCK, stealTicks } from './proxy-lib/peers.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bin = join(root, 'dist/cli/bin.js');
const autocannon = join(root, 'node_modules/.bin/autocannon');
const { values: args } = parseArgs({
  options: {
    duration: { type: 'string', default: '10' },
    reps: { type: 'string', default: '3' },
    server: { type: 'string', default: 'nginx' },
    connections: { type: 'string', default: '50' },
  },
});
const D = Number(args.duration);
const REPS = Number(args.reps);
const C = Number(args.connections);
const pinned = cpus().length >= 2;
const SERVER_CPU = '0';
const GEN_CPU = '1';
const children = new Set();

function log(line) {
  process.stderr.write(`${line}\n`);
}

function pin(cpu, argv) {
  return pinned ? ['taskset', '-c', cpu, ...argv] : argv;
}

/** measure runs a command through sh and returns its output plus the child's CPU seconds (from /proc). */
function measure(argv) {
  return new Promise((resolve, reject) => {
    const script = '"$@"; s=$?; echo "MESHPLANE-STAT $(cat /proc/$$/stat)" >&2; exit $s';
    const child = spawn('sh', ['-c', script, 'sh', ...argv], { stdio: ['ignore', 'pipe', 'pipe'] });
    children.add(child);
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('error', reject);
    child.on('close', (code) => {
      children.delete(child);
      const stat = err.split('\n').find((l) => l.startsWith('MESHPLANE-STAT '));
      let cpuSeconds = NaN;
      if (stat) {
        const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        // After the command name: field 3 is state, so cutime/cstime (fields 16/17) sit at 13/14 here.
        cpuSeconds = (Number(fields[13]) + Number(fields[14])) / CLK_TCK;
      }
      if (code !== 0) reject(new Error(`${argv.join(' ')} exited ${code}: ${err.slice(-500)}`));
      else resolve({ out, err, cpuSeconds });
    });
  });
}

async function freePort() {
  const s = createServer();
  await new Promise((r) => s.listen(0, '127.0.0.1', r));
  const port = s.address().port;
  await new Promise((r) => s.close(r));
  return port;
}

async function waitForPort(port) {
  for (let i = 0; i < 100; i++) {
    const ok = await new Promise((resolve) => {
      const sock = connect(port, '127.0.0.1', () => {
        sock.destroy();
        resolve(true);
      });
      sock.on('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`nothing listens on 127.0.0.1:${port}`);
}

function start(argv) {
  const child = spawn(argv[0], argv.slice(1), { stdio: ['pipe', 'ignore', 'inherit'] });
  children.add(child);
  child.on('exit', () => children.delete(child));
  return child;
}

async function stop(child) {
  if (child.exitCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
  await exited;
  clearTimeout(timer);
}

/** startNginx writes a tuned one-worker config (access_log off, return 200) to a temp dir and runs it. */
async function startNginx(dir) {
  const port = await freePort();
  const conf = join(dir, 'nginx.conf');
  writeFileSync(
    conf,
    `worker_processes 1;
daemon off;
master_process off;
error_log ${dir}/error.log warn;
pid ${dir}/nginx.pid;
events { worker_connections 4096; use epoll; multi_accept on; }
http {
  access_log off;
  keepalive_requests 100000000;
  keepalive_timeout 300s;
  client_body_temp_path ${dir}/body; proxy_temp_path ${dir}/proxy; fastcgi_temp_path ${dir}/fcgi;
  uwsgi_temp_path ${dir}/uwsgi; scgi_temp_path ${dir}/scgi;
  server {
    listen 127.0.0.1:${port} backlog=4096;
    location / { default_type text/plain; return 200 "hello world\\n"; }
  }
}
`,
  );
  const child = start(pin(SERVER_CPU, ['nginx', '-c', conf, '-p', dir, '-e', `${dir}/error.log`]));
  await waitForPort(port);
  return { child, url: `http://127.0.0.1:${port}/`, name: 'nginx 1 worker, return 200 (12-byte body)' };
}

/** startNodeServer runs a Node http server (fixed 12-byte body) in its own process; stallMs > 0 freezes it every second. */
async function startNodeServer(stallMs = 0) {
  const port = await freePort();
  const code = `
    const http = require('node:http');
    http.createServer({ keepAliveTimeout: 300000 }, (req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/plain', 'Content-Length': '12' }); res.end('hello world\\n');
    }).listen(${port}, '127.0.0.1');
    if (${stallMs} > 0) setInterval(() => { const end = Date.now() + ${stallMs}; while (Date.now() < end); }, 1000);
    process.stdin.on('end', () => process.exit(0)); process.stdin.resume();`;
  const child = start(pin(SERVER_CPU, [process.execPath, '-e', code]));
  await waitForPort(port);
  return {
    child,
    url: `http://127.0.0.1:${port}/`,
    name: stallMs ? `Node server stalling ${stallMs} ms every 1 s` : 'Node http server (12-byte body)',
  };
}

async function runWrk(url) {
  const r = await measure(pin(GEN_CPU, ['wrk', '-t1', `-c${C}`, `-d${D}s`, '--latency', url]));
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(r.out)[1]);
  const total = Number(/(\d+) requests in/.exec(r.out)[1]);
  const p50 = /50%\s+(\S+)/.exec(r.out)[1];
  const p99 = /99%\s+(\S+)/.exec(r.out)[1];
  return { rps, usPerRequest: (r.cpuSeconds * 1e6) / total, p50, p99 };
}

async function runAutocannon(url) {
  const r = await measure(pin(GEN_CPU, [autocannon, '-c', String(C), '-d', String(D), '-j', url]));
  const j = JSON.parse(r.out);
  const total = j.requests.total;
  return {
    rps: total / j.duration,
    usPerRequest: (r.cpuSeconds * 1e6) / total,
    p50: `${j.latency.p50}ms`,
    p99: `${j.latency.p99}ms`,
  };
}

async function runMeshplane(url, extra = [], duration = D) {
  const r = await measure(
    pin(GEN_CPU, [
      process.execPath,
      bin,
      'perf',
      'run',
      url,
      '-c',
      String(C),
      '-t',
      `${duration}s`,
      '--warmup',
      '2s',
      '-o',
      'json',
      ...extra,
    ]),
  );
  const j = JSON.parse(r.out);
  const d = j.meshplane.diagnostics;
  const total = j.meshplane.requests.total;
  return {
    rps: j.ActualQPS,
    // Whole process (start-up and warm-up included) over every request it made, as for wrk and autocannon.
    usPerRequest: (r.cpuSeconds * 1e6) / (total + j.meshplane.warmup.requests),
    // CPU inside the measured window only, from meshplane's own diagnostics.
    usPerRequestWindow: d.cpu ? ((d.cpu.totalPercent / 100) * (j.ActualDuration / 1e3)) / total : NaN,
    cpuPercent: d.cpu?.totalPercent,
    meanUs: j.DurationHistogram.Avg * 1e6,
    p50: j.meshplane.percentilesUs.latency?.p50,
    p99: j.meshplane.percentilesUs.latency?.p99,
    uncorrectedP99: j.meshplane.percentilesUs.uncorrected?.p99,
    sendLagP99: d.sendLagP99Us,
    achievedRatio: d.achievedRatio,
    backlogMax: d.backlog?.max,
    errors: j.meshplane.requests.errors,
    generatorBound: d.generatorBound,
  };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const f = (n, d = 0) => (Number.isFinite(n) ? n.toFixed(d) : '-');
const us = (n) =>
  n === undefined || n === null ? '-' : n >= 1000 ? `${(n / 1000).toFixed(2)} ms` : `${n} µs`;

async function main() {
  for (const tool of ['wrk', pinned ? 'taskset' : 'sh']) {
    try {
      execFileSync('sh', ['-c', `command -v ${tool}`]);
    } catch {
      throw new Error(`${tool} is not installed (scripts/install-system-deps.sh)`);
    }
  }
  const dir = mkdtempSync(join(tmpdir(), 'meshplane-bench-'));
  const results = {
    date: new Date().toISOString(),
    node: process.version,
    cpus: cpus().length,
    pinned,
    durationS: D,
    reps: REPS,
    connections: C,
  };
  const loadBefore = execFileSync('cat', ['/proc/loadavg']).toString().trim();
  try {
    const server = args.server === 'node' ? await startNodeServer() : await startNginx(dir);
    results.server = server.name;
    log(
      `server: ${server.name} at ${server.url} (CPU ${pinned ? SERVER_CPU : 'any'}); generators on CPU ${pinned ? GEN_CPU : 'any'}`,
    );
    log(`load average before: ${loadBefore}`);

    // 1. Closed loop, interleaved so drift in the host's speed hits every tool alike.
    const reps = [];
    for (let i = 0; i < REPS; i++) {
      const steal0 = stealTicks();
      const wrk = await runWrk(server.url);
      const ours = await runMeshplane(server.url);
      const ac = await runAutocannon(server.url);
      reps.push({
        wrk,
        meshplane: ours,
        autocannon: ac,
        vsWrk: ours.rps / wrk.rps,
        vsAutocannon: ours.rps / ac.rps,
        stealMs: stealTicks().map((t, cpu) => ((t - steal0[cpu]) * 1000) / CLK_TCK),
      });
      log(
        `rep ${i + 1}: wrk ${f(wrk.rps)} req/s (${f(wrk.usPerRequest, 1)} µs CPU/req) | meshplane ${f(ours.rps)} (${f(ours.usPerRequest, 1)}) | ` +
          `autocannon ${f(ac.rps)} (${f(ac.usPerRequest, 1)}) | ×wrk ${f(ours.rps / wrk.rps, 2)} ×autocannon ${f(ours.rps / ac.rps, 2)} | ` +
          `steal ${reps
            .at(-1)
            .stealMs.map((ms) => f(ms))
            .join('/')} ms`,
      );
    }
    results.closedLoop = {
      reps,
      median: {
        wrkRps: median(reps.map((r) => r.wrk.rps)),
        meshplaneRps: median(reps.map((r) => r.meshplane.rps)),
        autocannonRps: median(reps.map((r) => r.autocannon.rps)),
        vsWrk: median(reps.map((r) => r.vsWrk)),
        vsAutocannon: median(reps.map((r) => r.vsAutocannon)),
        cpuPerRequestUs: {
          wrk: median(reps.map((r) => r.wrk.usPerRequest)),
          meshplane: median(reps.map((r) => r.meshplane.usPerRequest)),
          autocannon: median(reps.map((r) => r.autocannon.usPerRequest)),
        },
      },
    };

    // 2. Little's law: in a closed loop, requests in flight = throughput × mean latency = connections.
    results.littlesLaw = reps.map((r) => ({
      rps: r.meshplane.rps,
      meanUs: r.meshplane.meanUs,
      inFlight: (r.meshplane.rps * r.meshplane.meanUs) / 1e6,
      deviation: (r.meshplane.rps * r.meshplane.meanUs) / 1e6 / C - 1,
    }));

    // 3. Open loop at half of the measured maximum.
    const target = Math.round(results.closedLoop.median.meshplaneRps / 2);
    const open = await runMeshplane(server.url, ['--qps', String(target)]);
    results.openLoop = { target, ...open };
    log(
      `open loop at ${target} req/s: achieved ${f(open.achievedRatio * 100, 2)}% of target, corrected p99 ${us(open.p99)}`,
    );
    await stop(server.child);

    // 4. The stall case: corrected latency sees the stall, uncorrected does not.
    const stalling = await startNodeServer(500);
    const stallRun = await runMeshplane(stalling.url, ['--qps', '1000', '-c', '4'], 6);
    results.stall = { server: stalling.name, qps: 1000, connections: 4, ...stallRun };
    log(`stall: corrected p99 ${us(stallRun.p99)}, uncorrected p99 ${us(stallRun.uncorrectedP99)}`);
    await stop(stalling.child);

    // 5. Histogram record cost.
    const rc = await measure(pin(GEN_CPU, [process.execPath, join(root, 'bench/record-cost.mjs')]));
    results.recordCost = JSON.parse(rc.out);
  } finally {
    for (const child of children) child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
  results.loadAverage = {
    before: loadBefore,
    after: execFileSync('cat', ['/proc/loadavg']).toString().trim(),
  };

  const m = results.closedLoop.median;
  const lines = [
    `meshplane load-generator benchmark — ${results.date}, Node ${results.node}, ${results.cpus} CPUs, ${pinned ? 'server on CPU 0, generators on CPU 1' : 'not pinned'}`,
    `server: ${results.server}; closed loop, ${C} connections, ${D} s per run, ${REPS} interleaved reps (medians)`,
    '',
    '| generator | req/s | CPU µs per request | × wrk | p50 | p99 |',
    '|---|---|---|---|---|---|',
    `| wrk -t1 | ${f(m.wrkRps)} | ${f(m.cpuPerRequestUs.wrk, 1)} | 1.00 | ${reps_(results, 'wrk', 'p50')} | ${reps_(results, 'wrk', 'p99')} |`,
    `| meshplane | ${f(m.meshplaneRps)} | ${f(m.cpuPerRequestUs.meshplane, 1)} | **${f(m.vsWrk, 2)}** | ${us(reps_(results, 'meshplane', 'p50', true))} | ${us(reps_(results, 'meshplane', 'p99', true))} |`,
    `| autocannon | ${f(m.autocannonRps)} | ${f(m.cpuPerRequestUs.autocannon, 1)} | ${f(m.autocannonRps / m.wrkRps, 2)} | ${reps_(results, 'autocannon', 'p50')} | ${reps_(results, 'autocannon', 'p99')} |`,
    '',
    `meshplane / wrk = ${f(m.vsWrk, 2)} (target ≥ 0.90); meshplane / autocannon = ${f(m.vsAutocannon, 2)} (target ≥ 1.60)`,
    `Little's law: mean latency × throughput = ${results.littlesLaw.map((l) => f(l.inFlight, 1)).join(', ')} in flight for ${C} connections (worst deviation ${f(Math.max(...results.littlesLaw.map((l) => Math.abs(l.deviation))) * 100, 1)}%, target ≤ 10%)`,
    `open loop at ${results.openLoop.target} req/s (half of max): achieved ${f(results.openLoop.achievedRatio * 100, 2)}% of target; corrected p50 ${us(results.openLoop.p50)}, p99 ${us(results.openLoop.p99)}; uncorrected p99 ${us(results.openLoop.uncorrectedP99)}; send lag p99 ${us(results.openLoop.sendLagP99)}; generator CPU ${f(results.openLoop.cpuPercent)}%`,
    `stall (500 ms every 1 s, 1000 req/s, 4 connections): corrected p99 ${us(results.stall.p99)} (target ≥ 400 ms), uncorrected p99 ${us(results.stall.uncorrectedP99)}`,
    `record cost (ns per sample): meshplane ${f(results.recordCost.nsPerRecord.meshplane, 1)}, hdr-histogram-js ${f(results.recordCost.nsPerRecord['hdr-histogram-js'], 1)}, hdr-histogram-js WASM ${f(results.recordCost.nsPerRecord['hdr-histogram-js-wasm'], 1)}`,
    `load average before / after: ${results.loadAverage.before} / ${results.loadAverage.after}`,
  ];
  console.log(lines.join('\n'));
  mkdirSync(join(root, 'bench/results'), { recursive: true });
  const file = join(root, 'bench/results', `loadgen-${results.date.replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, JSON.stringify(results, null, 2));
  log(`raw results: ${file}`);
}

/** reps_ returns the middle rep's latency figure of a tool (wrk and autocannon print their own units). */
function reps_(results, tool, key, raw = false) {
  const values = results.closedLoop.reps.map((r) => r[tool][key]);
  if (raw) return median(values);
  return values[Math.floor(values.length / 2)];
}

process.on('SIGINT', () => {
  for (const child of children) child.kill('SIGKILL');
  process.exit(130);
});

main().catch((error) => {
  for (const child of children) child.kill('SIGKILL');
  console.error(error.message);
  process.exit(1);
});
