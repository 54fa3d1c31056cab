// The floor for a Node proxy: a relay that pairs each downstream connection with its own upstream
// connection and copies bytes both ways, with no HTTP at all. It cannot route, pool or retry; it
// only shows what Node's sockets cost. Usage: node bench/proxy-lib/relay.mjs PORT UPSTREAM_PORT
import { connect, createServer } from 'node:net';

const [port, upstream] = process.argv.slice(2).map(Number);
createServer({ noDelay: true }, (down) => {
  const up = connect({ host: '127.0.0.1', port: upstream, noDelay: true });
  down.on('data', (b) => up.write(b));
  up.on('data', (b) => down.write(b));
  down.on('error', () => up.destroy());
  up.on('error', () => down.destroy());
  down.on('close', () => up.destroy());
  up.on('close', () => down.destroy());
}).listen(port, '127.0.0.1');
