// Closed-loop HTTP/2 (h2c, prior knowledge) load: `streams` requests kept in flight over `sessions`
// sessions for `seconds`; prints {requests, rps, errors} as JSON.
// Usage: node bench/proxy-lib/h2-load.mjs --url http://host:port/ --authority name --seconds 5 --streams 50 --sessions 2
import { connect } from 'node:http2';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    url: { type: 'string' },
    authority: { type: 'string' },
    seconds: { type: 'string', default: '5' },
    streams: { type: 'string', default: '50' },
    sessions: { type: 'string', default: '2' },
  },
});
const sessions = Array.from({ length: Number(values.sessions) }, () => connect(values.url));
const end = performance.now() + Number(values.seconds) * 1000;
let requests = 0;
let errors = 0;
let live = 0;
const headers = { ':path': '/', ':authority': values.authority ?? new URL(values.url).host };

function one(i) {
  if (performance.now() >= end) {
    if (--live === 0) finish();
    return;
  }
  const req = sessions[i % sessions.length].request(headers, { endStream: true });
  req.on('response', (h) => {
    if (h[':status'] !== 200) errors++;
  });
  req.on('data', () => {});
  req.on('error', () => errors++);
  req.on('close', () => {
    requests++;
    one(i);
  });
}

function finish() {
  console.log(JSON.stringify({ requests, rps: requests / Number(values.seconds), errors }));
  for (const s of sessions) s.close();
}

for (let i = 0; i < Number(values.streams); i++) {
  live++;
  one(i);
}
