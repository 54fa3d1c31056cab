/**
 * A sidecar that speaks only the control-plane side of the contract: it takes the real proxy flags,
 * bootstraps its certificate and follows the config stream with ControlPlaneClient, and serves
 * /ready and /config_dump on its admin port. Used to test the whole mesh before the proxy data path
 * is in the picture.
 */
import { createServer } from 'node:http';
import { ControlPlaneClient, type ProxyConfig } from '../../config/index.js';

const argv = process.argv.slice(2);
const flag = (name: string): string => {
  const i = argv.indexOf(`--${name}`);
  if (i < 0) throw new Error(`--${name} is missing`);
  return argv[i + 1]!;
};
let config: ProxyConfig | undefined;
let identity = '';
const client = await ControlPlaneClient.fromFiles({
  node: {
    id: flag('id'),
    namespace: flag('namespace'),
    workload: flag('workload'),
    service_account: flag('service-account'),
    address: flag('address'),
    labels: {},
    proxy_version: 'config-sidecar',
  },
  controlPlane: flag('control-plane'),
  rootCaFile: flag('root-ca'),
  bootstrapTokenFile: flag('bootstrap-token-file'),
  backoff: { initialMs: 100, maxMs: 1000 },
  log: (level, message) => console.log(`${level} ${message}`),
});
client.onConfig((c) => {
  config = c;
  console.log(`applied config ${c.version}`);
  return undefined;
});
client.onIdentity((id) => (identity = id.spiffeId));
const server = createServer((req, res) => {
  if (req.url === '/ready')
    return void res.writeHead(config ? 200 : 503).end(config ? 'LIVE\n' : 'NOT READY\n');
  if (req.url === '/config_dump') {
    return void res
      .writeHead(200, { 'content-type': 'application/json' })
      .end(JSON.stringify({ identity, state: client.state, config }));
  }
  res.writeHead(404).end();
});
server.listen(Number(flag('admin-port')), flag('address'));
process.on('SIGTERM', () => {
  void client.close();
  server.close(() => process.exit(0));
});
await client.start();
