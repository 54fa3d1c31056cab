// CPU profile of meshplane proxying one plaintext hop at saturation (wrk -c50 against nginx), with a
// summary of where the time goes. Usage: node bench/proxy-profile.mjs [--seconds 8]
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { summarize } from './proxy-lib/profile-summary.mjs';
import { fmt, freePort, startMeshplane, startNginx, tempDir, wrk } from './proxy-lib/peers.mjs';

const { values } = parseArgs({ options: { seconds: { type: 'string', default: '8' } } });
const t = tempDir('meshplane-bench-prof-');
const nginxPort = await freePort();
const mpPort = await freePort();
const mpAdmin = await freePort();
const nginx = await startNginx(t, nginxPort, 0);
const profDir = t.file('prof');
const meshplane = await startMeshplane(t, 'meshplane', 0, {
  address: '127.0.0.1',
  adminPort: mpAdmin,
  nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${profDir}`],
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
try {
  const r = wrk(1, `http://127.0.0.1:${mpPort}/`, { connections: 50, seconds: Number(values.seconds) });
  console.log(`meshplane under wrk -c50: ${fmt(r.rps, 0)} req/s`);
} finally {
  await meshplane.stop();
  await nginx.stop();
}
const file = readdirSync(profDir).find((f) => f.endsWith('.cpuprofile'));
console.log(summarize(join(profDir, file), 30));
t.cleanup();
