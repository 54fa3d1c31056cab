/**
 * A stand-in sidecar for platform tests: it records the command line it was given (and the token
 * file's content) to $FAKE_SIDECAR_RECORD_DIR/<id>.json and serves /ready on <address>:<admin-port>.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';

const argv = process.argv.slice(2);
const flag = (name: string): string => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? (argv[i + 1] ?? '') : '';
};
const id = flag('id');
const record = {
  argv,
  pid: process.pid,
  token: readFileSync(flag('bootstrap-token-file'), 'utf8').trim(),
  rootCa: readFileSync(flag('root-ca'), 'utf8'),
};
const dir = process.env.FAKE_SIDECAR_RECORD_DIR;
if (dir) writeFileSync(join(dir, `${id}.json`), JSON.stringify(record));
const server = createServer((req, res) => {
  res.writeHead(req.url === '/ready' ? 200 : 404).end(req.url === '/ready' ? 'LIVE\n' : '');
});
server.listen(Number(flag('admin-port')), flag('address'), () => console.log(`fake sidecar ${id} ready`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
