// Latency a sidecar pair adds (client → sidecar A → mTLS → sidecar B → app) versus calling the app
// directly, at a fixed 1000 req/s (open loop, meshplane's own load generator with the spin sequencer:
// bench/proxy-lib/fixed-rate.mjs), plus each proxy's CPU per request (from /proc) and RSS. App (nginx, 1 worker) and both sidecars on CPU 0, generator on CPU 1.
// Usage: node bench/proxy-mesh.mjs [--rate 1000] [--seconds 15] [--rounds 3] [--warmup 10]
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { readFileSync, writeFileSync } from 'node:fs';
import {
  CLK_TCK,
  cpuSeconds,
  fmt,
  freePort,
  httpGet,
  memory,
  root,
  run,
  stealTicks,
  startMeshplane,
  startNginx,
  tempDir,
  waitForPort,
} from './proxy-lib/peers.mjs';
import { fixedRate } from './proxy-lib/fixed-rate.mjs';

const { TestCa } = await import(join(root, 'dist/proxy/testing/ca.js'));
const { values } = parseArgs({
  options: {
    rate: { type: 'string', default: '1000' },
    seconds: { type: 'string', default: '15' },
    rounds: { type: 'string', default: '3' },
    // V8 keeps compiling the proxy's hot paths for thousands of requests; at 1000 req/s a short
    // warm-up would bill JIT compilation to the measured window.
    warmup: { type: 'string', default: '10' },
    profile: { type: 'boolean', default: false },
    'node-option': { type: 'string', multiple: true, default: [] },
  },
});
const profDir = (name) => [
  ...values['node-option'],
  ...(values.profile ? ['--cpu-prof', `--cpu-prof-dir=${t.file(`prof-${name}`)}`] : []),
];
const rate = Number(values.rate);
const seconds = Number(values.seconds);
const rounds = Number(values.rounds);

const t = tempDir('meshplane-bench-mesh-');
const ca = new TestCa('bench root');
const octet = 20 + Math.floor(Math.random() * 200);
const aAddr = `127.77.${octet}.1`;
const bAddr = `127.77.${octet}.2`;
const SVC = 'web.default.svc.cluster.local';
const nginxPort = await freePort();
const nginx = await startNginx(t, nginxPort, 0);
const b = await startMeshplane(t, 'sidecar-b', 0, {
  nodeArgs: profDir('b'),
  address: bAddr,
  adminPort: 15000,
  cert: ca.issue('spiffe://cluster.local/ns/default/sa/web'),
  config: {
    version: 'bench',
    mesh: { trust_domain: 'cluster.local', access_mode: 'ACCESS_MODE_PERMISSIVE' },
    listeners: [
      {
        name: 'inbound',
        port: 15006,
        direction: 'INBOUND',
        protocol: 'HTTP',
        local_cluster: `inbound|${nginxPort}`,
      },
    ],
    clusters: [{ name: `inbound|${nginxPort}`, endpoints: [{ address: '127.0.0.1', port: nginxPort }] }],
  },
});
const a = await startMeshplane(t, 'sidecar-a', 0, {
  nodeArgs: profDir('a'),
  address: aAddr,
  adminPort: 15000,
  cert: ca.issue('spiffe://cluster.local/ns/default/sa/client'),
  config: {
    version: 'bench',
    listeners: [
      { name: 'outbound', port: 15001, direction: 'OUTBOUND', protocol: 'HTTP', route_table: 'outbound' },
    ],
    route_tables: [
      {
        name: 'outbound',
        virtual_hosts: [
          {
            name: SVC,
            domains: [`${SVC}:80`, SVC],
            routes: [
              { name: 'default', action: { clusters: [{ cluster: `outbound|80||${SVC}`, weight: 1 }] } },
            ],
          },
        ],
      },
    ],
    clusters: [
      {
        name: `outbound|80||${SVC}`,
        service: SVC,
        mtls: true,
        endpoints: [{ address: bAddr, port: 15006, identity: 'spiffe://cluster.local/ns/default/sa/web' }],
      },
    ],
  },
});

// The peer: the same pair built from two HAProxy processes (1 thread each, mTLS between them).
const pem = (id, name) => {
  const f = t.file(`${name}.pem`);
  writeFileSync(f, readFileSync(id.certFile, 'utf8') + readFileSync(id.keyFile, 'utf8'));
  return f;
};
const haA = await freePort();
const haB = await freePort();
const haIds = [
  ca.issue('spiffe://cluster.local/ns/default/sa/client'),
  ca.issue('spiffe://cluster.local/ns/default/sa/web'),
];
const haCfg = (name, body) => {
  const f = t.file(`${name}.cfg`);
  writeFileSync(
    f,
    `global\n  nbthread 1\n  maxconn 4000\ndefaults\n  mode http\n  timeout connect 5s\n  timeout client 60s\n  timeout server 60s\n  option http-keep-alive\n  http-reuse always\n${body}`,
  );
  return f;
};
const haproxyB = run('haproxy-b', 0, 'haproxy', [
  '-db',
  '-f',
  haCfg(
    'hb',
    `frontend fb\n  bind 127.0.0.1:${haB} ssl crt ${pem(haIds[1], 'hb')} ca-file ${ca.dir}/ca.crt verify required alpn http/1.1\n  default_backend bb\nbackend bb\n  server app 127.0.0.1:${nginxPort}\n`,
  ),
]);
const haproxyA = run('haproxy-a', 0, 'haproxy', [
  '-db',
  '-f',
  haCfg(
    'ha',
    `frontend fa\n  bind 127.0.0.1:${haA}\n  default_backend ba\nbackend ba\n  server b 127.0.0.1:${haB} ssl crt ${pem(haIds[0], 'ha')} ca-file ${ca.dir}/ca.crt verify required alpn http/1.1\n`,
  ),
]);
await waitForPort('127.0.0.1', haA);
await waitForPort('127.0.0.1', haB);

// Each measured run has a 2 s warm-up of its own (the generator's JIT, the connections), and every
// request of the run, warm-up included, is in the CPU per request.
const load = (host, port, hostHeader, secs = seconds) =>
  fixedRate({ host, port, hostHeader, rate, seconds: secs, warmup: 2 });

/** withCpu runs `fn` and returns its result with each process's CPU µs per request it sent. */
function withCpu(procs, fn) {
  const before = procs.map((p) => cpuSeconds(p.pid));
  const r = fn();
  return { r, us: procs.map((p, i) => ((cpuSeconds(p.pid) - before[i]) * 1e6) / r.sent) };
}

const row = (name, r) =>
  `${name.padEnd(22)} ${['p50', 'p90', 'p99'].map((p) => fmt(r.correctedUs[p], 0).padStart(7)).join(' ')}   ` +
  `${['p50', 'p90', 'p99'].map((p) => fmt(r.serviceUs[p], 0).padStart(7)).join(' ')}   errors ${r.errors}` +
  `  send lag p99 ${fmt(r.sendLagP99Us, 0)} µs`;
const added = (r, direct, k) => ['p50', 'p90', 'p99'].map((p) => r[k][p] - direct[k][p]);

try {
  console.log(
    `# fixed ${rate} req/s for ${seconds} s each, ${rounds} round(s); nginx + both sidecars on CPU 0, generator on CPU 1`,
  );
  load(aAddr, 15001, SVC, Number(values.warmup)); // the proxies' JIT, pools and TLS sessions
  load('127.0.0.1', haA, SVC, Number(values.warmup));
  const results = [];
  for (let i = 0; i < rounds; i++) {
    const steal0 = stealTicks();
    const direct = load('127.0.0.1', nginxPort, SVC);
    const ha = withCpu([haproxyA, haproxyB], () => load('127.0.0.1', haA, SVC));
    const mesh = withCpu([a, b], () => load(aAddr, 15001, SVC));
    const stealMs = stealTicks().map((t, cpu) => ((t - steal0[cpu]) * 1000) / CLK_TCK);
    const res = { direct, ha, mesh, stealMs };
    results.push(res);
    console.log(
      `round ${i + 1}: added p50/p90/p99 (µs, from intended send) meshplane ${added(
        mesh.r,
        direct,
        'correctedUs',
      )
        .map((x) => fmt(x, 0))
        .join('/')}` +
        `, HAProxy ${added(ha.r, direct, 'correctedUs')
          .map((x) => fmt(x, 0))
          .join('/')}` +
        `; CPU µs/req A/B meshplane ${mesh.us.map((x) => fmt(x)).join('/')}, HAProxy ${ha.us.map((x) => fmt(x)).join('/')}` +
        `; steal CPU0 ${fmt(stealMs[0], 0)} ms, CPU1 ${fmt(stealMs[1], 0)} ms`,
    );
  }
  // The round the hypervisor disturbed least: steal time inflates CPU figures and tail latency alike.
  const quiet = results.reduce((q, r) => (r.stealMs[0] + r.stealMs[1] < q.stealMs[0] + q.stealMs[1] ? r : q));
  const { direct, ha, mesh } = quiet;
  console.log(`\nquietest round (steal ${fmt(quiet.stealMs[0], 0)} + ${fmt(quiet.stealMs[1], 0)} ms):`);
  console.log(`${''.padEnd(22)} ${'latency from intended send (µs)'.padEnd(23)}   service time (µs)`);
  console.log(
    `${''.padEnd(22)} ${['p50', 'p90', 'p99'].map((p) => p.padStart(7)).join(' ')}   ${['p50', 'p90', 'p99'].map((p) => p.padStart(7)).join(' ')}`,
  );
  console.log(row('direct to app', direct));
  console.log(row('via meshplane pair', mesh.r));
  console.log(row('via HAProxy pair', ha.r));
  for (const [name, r] of [
    ['added by meshplane', mesh.r],
    ['added by HAProxy', ha.r],
  ]) {
    console.log(
      `${name.padEnd(22)} ${added(r, direct, 'correctedUs')
        .map((x) => fmt(x, 0).padStart(7))
        .join(' ')}   ` +
        `${added(r, direct, 'serviceUs')
          .map((x) => fmt(x, 0).padStart(7))
          .join(' ')}`,
    );
  }
  for (const [name, addr] of [
    ['A', aAddr],
    ['B', bAddr],
  ]) {
    const prom = (await httpGet(`http://${addr}:15000/stats/prometheus`)).body;
    const total = (metric) =>
      prom
        .split('\n')
        .filter((l) => l.startsWith(metric))
        .map((l) => l.split(' ').pop());
    console.log(
      `sidecar ${name}: upstream connections opened ${total('meshplane_proxy_upstream_connections_total').join(',')}; ` +
        `downstream accepted ${total('meshplane_proxy_downstream_connections_total').join(',')}`,
    );
  }
  if (values['node-option'].includes('--trace-gc')) {
    for (const [name, p] of [
      ['A', a],
      ['B', b],
    ]) {
      const pauses = [...p.log().matchAll(/(Scavenge|Mark-Compact|Mark-sweep)[^,]*, ([\d.]+) \/ [\d.]+ ms/g)];
      const by = {};
      for (const m of pauses) (by[m[1]] ??= []).push(Number(m[2]));
      for (const [kind, ms] of Object.entries(by))
        console.log(
          `sidecar ${name} GC ${kind}: ${ms.length} pauses, max ${fmt(Math.max(...ms))} ms, total ${fmt(ms.reduce((x, y) => x + y, 0))} ms`,
        );
    }
  }
  const memA = memory(a.pid);
  const memB = memory(b.pid);
  const haMem = [memory(haproxyA.pid), memory(haproxyB.pid)];
  for (const [name, us, mem] of [
    ['sidecar A (client)', mesh.us[0], memA],
    ['sidecar B (server)', mesh.us[1], memB],
  ])
    console.log(
      `${name}: ${fmt(us)} µs CPU/request = ${fmt((us * rate) / 1e6, 3)} vCPU at ${rate} req/s; RSS ${fmt(mem.rssMB)} MB (peak ${fmt(mem.peakMB)} MB)`,
    );
  for (const [i, name] of ['HAProxy A (client)', 'HAProxy B (server)'].entries())
    console.log(
      `${name}: ${fmt(ha.us[i])} µs CPU/request = ${fmt((ha.us[i] * rate) / 1e6, 3)} vCPU; RSS ${fmt(haMem[i].rssMB)} MB`,
    );
  console.log(
    `ratio meshplane/HAProxy CPU per request: A ${fmt(mesh.us[0] / ha.us[0], 2)}×, B ${fmt(mesh.us[1] / ha.us[1], 2)}×`,
  );
} finally {
  await haproxyA.stop();
  await haproxyB.stop();
  await a.stop();
  await b.stop();
  await nginx.stop();
  if (values.profile) {
    const { readdirSync } = await import('node:fs');
    const { summarize } = await import('./proxy-lib/profile-summary.mjs');
    for (const n of ['a', 'b']) {
      const dir = t.file(`prof-${n}`);
      const f = readdirSync(dir).find((x) => x.endsWith('.cpuprofile'));
      console.log(`\n## sidecar ${n.toUpperCase()} CPU profile\n${summarize(join(dir, f), 25)}`);
    }
  }
  ca.cleanup();
  t.cleanup();
}
