// A small open-loop HTTP/1.1 load generator: sends at a fixed rate from one global schedule
// (µs resolution, busy-polling the event loop), over keep-alive connections opened as needed, and
// reports latency from the intended send time (coordinated-omission corrected) and from the actual
// send time. Prints one JSON line. Usage:
//   node bench/proxy-lib/fixed-rate.mjs --host H --port P --target /path|http://... --host-header X --rate 1000 --seconds 15
import { connect } from 'node:net';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    host: { type: 'string' },
    port: { type: 'string' },
    target: { type: 'string', default: '/' },
    'host-header': { type: 'string', default: 'localhost' },
    rate: { type: 'string', default: '1000' },
    seconds: { type: 'string', default: '10' },
    'max-connections': { type: 'string', default: '16' },
  },
});
const rate = Number(values.rate);
const total = Math.round(rate * Number(values.seconds));
const interval = 1000 / rate;
const request = Buffer.from(
  `GET ${values.target} HTTP/1.1\r\nhost: ${values['host-header']}\r\n\r\n`,
  'latin1',
);
const maxConns = Number(values['max-connections']);

const corrected = new Float64Array(total);
const service = new Float64Array(total);
let done = 0;
let errors = 0;
let sent = 0;
const idle = [];
let open = 0;
const queue = []; // intended times waiting for a connection

function newConnection() {
  open++;
  const s = connect({ host: values.host, port: Number(values.port), noDelay: true });
  const c = { s, intended: 0, started: 0, buf: null, need: -1, ready: false };
  s.on('connect', () => {
    c.ready = true;
    release(c);
  });
  s.on('data', (d) => {
    c.buf = c.buf ? Buffer.concat([c.buf, d]) : d;
    if (c.need < 0) {
      const end = c.buf.indexOf('\r\n\r\n');
      if (end < 0) return;
      const head = c.buf.toString('latin1', 0, end).toLowerCase();
      if (!head.startsWith('http/1.1 200')) errors++;
      const m = /content-length:\s*(\d+)/.exec(head);
      c.need = end + 4 + (m ? Number(m[1]) : 0);
    }
    if (c.buf.length < c.need) return;
    const now = performance.now();
    corrected[done] = (now - c.intended) * 1000;
    service[done] = (now - c.started) * 1000;
    done++;
    c.buf = null;
    c.need = -1;
    release(c);
  });
  s.on('error', () => {
    errors++;
  });
  s.on('close', () => {
    open--;
    const i = idle.indexOf(c);
    if (i >= 0) idle.splice(i, 1);
  });
}

function release(c) {
  if (queue.length > 0) send(c, queue.shift());
  else idle.push(c);
}

function send(c, intended) {
  c.intended = intended;
  c.started = performance.now();
  sent++;
  c.s.write(request);
}

const t0 = performance.now() + 200;
let next = 0;
for (let i = 0; i < 4; i++) newConnection();
const deadline = t0 + (total / rate) * 1000 + 10_000;

function tick() {
  const now = performance.now();
  while (next < total && t0 + next * interval <= now) {
    const intended = t0 + next * interval;
    next++;
    const c = idle.pop();
    if (c) send(c, intended);
    else {
      queue.push(intended);
      if (open < maxConns) newConnection();
    }
  }
  if (done + errors >= total || now > deadline) return finish();
  if (next < total && t0 + next * interval - now > 2) setTimeout(tick, t0 + next * interval - now - 1);
  else setImmediate(tick);
}

function pct(arr, n, p) {
  const sorted = Array.from(arr.subarray(0, n)).sort((a, b) => a - b);
  return sorted[Math.min(n - 1, Math.floor((p / 100) * n))] ?? NaN;
}

function finish() {
  const summary = (a) => ({
    p50: pct(a, done, 50),
    p90: pct(a, done, 90),
    p99: pct(a, done, 99),
    p999: pct(a, done, 99.9),
    max: pct(a, done, 100),
  });
  console.log(
    JSON.stringify({
      total,
      sent,
      done,
      errors,
      connections: open,
      correctedUs: summary(corrected),
      serviceUs: summary(service),
    }),
  );
  process.exit(0);
}

setImmediate(tick);
