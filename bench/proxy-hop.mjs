// Closed-loop maximum through one plaintext proxy hop: meshplane vs HAProxy (1 thread, http-reuse
// always), same nginx upstream (1 worker), wrk as the generator. Proxies and nginx are pinned to
// CPU 0, wrk to CPU 1. Prints req/s, CPU µs per request of each proxy and the ratio.
// Usage: node bench/proxy-hop.mjs [--seconds 10] [--rounds 2] [--connections 50] [--rate N [--warmup 10]]
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  CLK_TCK,
  cpuSeconds,
  fmt,
  freePort,
  memory,
  root,
  run,
  waitForPort,
  startHaproxy,
  startMeshplane,
  startNginx,
  stealTicks,
  tempDir,
  wrk,
} from './proxy-lib/peers.mjs';
import { fixedRate } from './proxy-lib/fixed-rate.mjs';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '10' },
    rounds: { type: 'string', default: '2' },
    connections: { type: 'string', default: '50' },
    rate: { type: 'string' },
    // with --rate: seconds of load before measuring, so JIT compilation is not billed to the window
    warmup: { type: 'string', default: '10' },
  },
});
// --rate N: open loop at N req/s (meshplane's own generator, bench/proxy-lib/fixed-rate.mjs) instead of wrk's closed loop, to
// see what a request costs when every request wakes the proxy.
const rate = values.rate === undefined ? undefined : Number(values.rate);
const seconds = Number(values.seconds);
const rounds = Number(values.rounds);
const connections = Number(values.connections);

const t = tempDir('meshplane-bench-hop-');
const nginxPort = await freePort();
const haPort = await freePort();
const mpPort = await freePort();
const mpAdmin = await freePort();
const nginx = await startNginx(t, nginxPort, 0);
// For scale: Node's floor, a byte relay with no HTTP (bench/proxy-lib/relay.mjs).
const relayPort = await freePort();
const relay = run('relay', 0, process.execPath, [
  join(root, 'bench/proxy-lib/relay.mjs'),
  String(relayPort),
  String(nginxPort),
]);
await waitForPort('127.0.0.1', relayPort);
const haproxy = await startHaproxy(t, haPort, nginxPort, 0);
const meshplane = await startMeshplane(t, 'meshplane', 0, {
  address: '127.0.0.1',
  adminPort: mpAdmin,
  config: {
    version: 'bench',
    listeners: [
      { name: 'outbound', port: mpPort, direction: 'OUTBOUND', protocol: 'HTTP', route_table: 'outbound' },
    ],
    route_tables: [
      {
        name: 'outbound',
        virtual_hosts: [
          {
            name: 'nginx',
            domains: [`127.0.0.1:${mpPort}`],
            routes: [{ name: 'all', action: { clusters: [{ cluster: 'nginx', weight: 1 }] } }],
          },
        ],
      },
    ],
    clusters: [{ name: 'nginx', endpoints: [{ address: '127.0.0.1', port: nginxPort }] }],
  },
});

function measure(name, proxy, port) {
  if (rate !== undefined) {
    const load = (secs) =>
      fixedRate({
        host: '127.0.0.1',
        port,
        hostHeader: `127.0.0.1:${mpPort}`,
        rate,
        seconds: secs,
        warmup: 2,
      });
    load(Number(values.warmup));
    const cpu0 = proxy ? cpuSeconds(proxy.pid) : 0;
    const r = load(seconds);
    const us = proxy ? ((cpuSeconds(proxy.pid) - cpu0) * 1e6) / r.sent : NaN;
    if (r.errors) console.error(`${name}: ${r.errors} errors`);
    const rssMB = proxy ? memory(proxy.pid).peakMB : NaN;
    return { name, rps: r.done / seconds, cpuUsPerReq: us, rssMB, p50: r.serviceUs.p50 };
  }
  wrk(1, `http://127.0.0.1:${port}/`, { connections, seconds: 2 }); // warm-up
  const cpu0 = proxy ? cpuSeconds(proxy.pid) : 0;
  const r = wrk(1, `http://127.0.0.1:${port}/`, { connections, seconds });
  const cpu = proxy ? cpuSeconds(proxy.pid) - cpu0 : 0;
  const us = proxy ? (cpu * 1e6) / r.total : NaN;
  if (r.errors || r.socketErrors)
    console.error(`${name}: non-2xx ${r.errors}, socket errors ${r.socketErrors}`);
  return { name, rps: r.rps, cpuUsPerReq: us, rssMB: proxy ? memory(proxy.pid).peakMB : NaN };
}

const results = [];
try {
  const generator =
    rate === undefined ? `wrk -t1 -c${connections} -d${seconds}s` : `fixed ${rate} req/s for ${seconds} s`;
  console.log(
    `# one plaintext hop, ${generator}, ${rounds} round(s); nginx + proxies on CPU 0, generator on CPU 1`,
  );
  for (let i = 0; i < rounds; i++) {
    const steal0 = stealTicks();
    const direct = measure('nginx direct', undefined, nginxPort);
    const ha = measure('haproxy', haproxy, haPort);
    const mp = measure('meshplane', meshplane, mpPort);
    const floor = measure('node relay', relay, relayPort);
    results.push({ direct, ha, mp });
    for (const r of [direct, ha, mp, floor])
      console.log(
        `round ${i + 1}  ${r.name.padEnd(13)} ${fmt(r.rps, 0).padStart(8)} req/s` +
          (Number.isFinite(r.cpuUsPerReq)
            ? `  ${fmt(r.cpuUsPerReq)} µs CPU/req  peak RSS ${fmt(r.rssMB)} MB`
            : '') +
          (r.p50 === undefined ? '' : `  p50 ${fmt(r.p50, 0)} µs`),
      );
    console.log(
      `round ${i + 1}  ratio meshplane/haproxy throughput: ${fmt(mp.rps / ha.rps, 2)}  CPU/req: ${fmt(mp.cpuUsPerReq / ha.cpuUsPerReq, 2)}×` +
        `  (steal ${stealTicks()
          .map((t, cpu) => fmt(((t - steal0[cpu]) * 1000) / CLK_TCK, 0))
          .join('/')} ms on CPU 0/1)`,
    );
  }
  const best = (k) => Math.max(...results.map((r) => r[k].rps));
  const perCore = (k) => Math.max(...results.map((r) => 1e6 / r[k].cpuUsPerReq));
  console.log(
    `per core (1e6 / CPU µs per request, best of ${rounds}): meshplane ${fmt(perCore('mp'), 0)} req/s, ` +
      `haproxy ${fmt(perCore('ha'), 0)} req/s, ratio ${fmt(perCore('mp') / perCore('ha'), 2)}`,
  );
  console.log(
    `best of ${rounds}: meshplane ${fmt(best('mp'), 0)} req/s, haproxy ${fmt(best('ha'), 0)} req/s, ratio ${fmt(best('mp') / best('ha'), 2)}`,
  );
} finally {
  await meshplane.stop();
  await haproxy.stop();
  await relay.stop();
  await nginx.stop();
  t.cleanup();
}
