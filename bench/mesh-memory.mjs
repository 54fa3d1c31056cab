// Memory of sidecars as the mesh runs them (control-plane mode: certificate bootstrap, config
// stream), after 1000 req/s through one of them: RSS, private (anonymous) memory and PSS per proxy,
// beside the floor of any Node.js process (HAProxy's figures are in bench/proxy-mesh.mjs). Starts its
// own mesh in a temp state dir on free ports (samples/manifests/hello.yaml) and stops it at the end.
// Usage: node bench/mesh-memory.mjs [--rate 1000] [--seconds 10]
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { fmt, freePort, root, tempDir } from './proxy-lib/peers.mjs';
import { fixedRate } from './proxy-lib/fixed-rate.mjs';

const { values } = parseArgs({
  options: { rate: { type: 'string', default: '1000' }, seconds: { type: 'string', default: '10' } },
});
const t = tempDir('meshplane-bench-memory-');
const stateDir = t.file('state');
const range = `127.${20 + Math.floor(Math.random() * 200)}.0.0/16`;
const cli = (...args) =>
  execFileSync(process.execPath, [join(root, 'dist/cli/bin.js'), ...args, '--state-dir', stateDir], {
    encoding: 'utf8',
  });

/** memoryOf reads RSS, peak RSS, private (anonymous) and proportional set size of a process, in MB. */
function memoryOf(pid) {
  const kb = (text, key) => Number(new RegExp(`^${key}:\\s+(\\d+)`, 'm').exec(text)?.[1] ?? NaN) / 1024;
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const rollup = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
  return {
    rss: kb(status, 'VmRSS'),
    peak: kb(status, 'VmHWM'),
    private: kb(status, 'RssAnon'),
    pss: kb(rollup, 'Pss'),
  };
}

cli(
  'mesh',
  'up',
  '--detach',
  '--grpc-address',
  `127.0.0.1:${await freePort()}`,
  '--api-address',
  `127.0.0.1:${await freePort()}`,
  '--address-range',
  range,
);
try {
  cli('apply', '-f', join(root, 'samples/manifests/hello.yaml'));
  let instances = [];
  for (let i = 0; i < 100; i++) {
    const items = JSON.parse(cli('get', 'workloads', '-o', 'json')).items;
    instances = items.flatMap((w) => w.status?.instances ?? []);
    if (instances.length === 3 && instances.every((x) => x.ready)) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  const frontend = instances.find((x) => x.workload === 'frontend' && x.ready)?.address;
  if (!frontend) throw new Error(`frontend never became ready:\n${cli('get', 'workloads', '-o', 'wide')}`);
  const r = fixedRate({
    host: frontend,
    port: 15001,
    hostHeader: 'backend.default.svc.cluster.local',
    rate: Number(values.rate),
    seconds: Number(values.seconds),
    warmup: 2,
  });
  console.log(
    `# mesh up (control-plane mode), frontend → 2 backends over mTLS, ${values.rate} req/s for ${values.seconds} s through the frontend's sidecar: ${r.done} responses, ${r.errors} errors`,
  );
  console.log(
    `${'process'.padEnd(34)} ${'RSS'.padStart(7)} ${'peak'.padStart(7)} ${'private'.padStart(8)} ${'PSS'.padStart(7)}  (MB)`,
  );
  const row = (name, m) =>
    console.log(
      `${name.padEnd(34)} ${fmt(m.rss).padStart(7)} ${fmt(m.peak).padStart(7)} ${fmt(m.private).padStart(8)} ${fmt(m.pss).padStart(7)}`,
    );
  for (const x of instances) row(`sidecar ${x.id}`, memoryOf(x.proxyPid));
  // The floor for scale: a Node.js process that does nothing.
  const floor = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)']);
  await new Promise((r) => setTimeout(r, 500));
  row('node -e (idle Node.js process)', memoryOf(floor.pid));
  floor.kill();
} finally {
  cli('mesh', 'down');
  t.cleanup();
}
