// The local platform with real processes: addresses, env and the sidecar command line, readiness,
// crash restarts with back-off, clean stops, logs, and no orphans when the mesh process is killed.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { LocalPlatform } from './platform.js';
import { RecordingBinding } from '../testing/binding.js';
import type { WorkloadSpec } from '../types.js';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';

const samples = new URL('../../../samples/', import.meta.url).pathname;
const fakeSidecar = new URL('../testing/fake_sidecar.js', import.meta.url).pathname;

function echo(fields: Partial<WorkloadSpec> = {}): WorkloadSpec {
  return {
    namespace: 'default',
    name: 'echo',
    labels: { app: 'echo' },
    serviceAccount: 'echo',
    replicas: 2,
    command: ['$(MESHPLANE_NODE)', `${samples}http-echo.mjs`],
    env: { MESSAGE: 'hi $(HOST)' },
    port: 8080,
    readiness: {
      kind: 'http',
      port: 8080,
      path: '/healthz',
      initialDelayMs: 0,
      periodMs: 100,
      timeoutMs: 500,
      successThreshold: 1,
      failureThreshold: 2,
    },
    ...fields,
  };
}

async function setup(t: { after: (fn: () => Promise<void>) => void }, range: string, withSidecar = true) {
  const stateDir = await mkdtemp(join(tmpdir(), 'meshplane-platform-'));
  const records = join(stateDir, 'records');
  await mkdir(records);
  const binding = new RecordingBinding();
  process.env.FAKE_SIDECAR_RECORD_DIR = records;
  const platform = new LocalPlatform({
    stateDir,
    binding,
    addressRange: range,
    trustDomain: 'example.org',
    env: { MESHPLANE_NODE: process.execPath },
    sidecar: withSidecar
      ? {
          command: [process.execPath, fakeSidecar],
          controlPlane: '127.0.0.1:15999',
          rootCaFile: join(stateDir, 'root.pem'),
        }
      : null,
    restart: { initialMs: 200, maxMs: 800, resetAfterMs: 60_000 },
    stopGraceMs: 2000,
  });
  const { writeFile } = await import('node:fs/promises');
  await writeFile(join(stateDir, 'root.pem'), 'ROOT');
  t.after(async () => {
    await platform.stop();
    await rm(stateDir, { recursive: true, force: true });
  });
  return { platform, binding, stateDir, records };
}

async function until<T>(what: string, check: () => T | undefined | false, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = check();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

async function get(address: string, path: string, method = 'GET'): Promise<Record<string, unknown>> {
  const res = await fetch(`http://${address}:8080${path}`, { method });
  return (await res.json()) as Record<string, unknown>;
}

test('each replica gets its own address, the sidecar command line and the app environment', async (t) => {
  const { platform, binding, records } = await setup(t, '127.41.0.0/24');
  await platform.reconcile([echo()]);
  const ready = await until('both replicas ready', () => {
    const all = platform.instances();
    return all.length === 2 && all.every((i) => i.ready) && all;
  });
  assert.deepEqual(
    ready.map((i) => [i.id, i.address, i.phase]),
    [
      ['echo-0.default', '127.41.0.1', 'Running'],
      ['echo-1.default', '127.41.0.2', 'Running'],
    ],
  );
  const body = await get('127.41.0.1', '/');
  assert.equal(body.address, '127.41.0.1');
  assert.equal(body.port, 8080);
  assert.equal(body.httpProxy, 'http://127.41.0.1:15001');
  assert.equal(body.spiffeId, 'spiffe://example.org/ns/default/sa/echo');
  assert.equal(body.message, 'hi $(HOST)', 'spec.env values are not expanded, only the command');
  const sidecar = JSON.parse(await readFile(join(records, 'echo-0.default.json'), 'utf8')) as {
    argv: string[];
    token: string;
  };
  const stateDir = join(records, '..');
  assert.deepEqual(sidecar.argv, [
    '--id', 'echo-0.default', '--namespace', 'default', '--workload', 'echo', '--service-account', 'echo',
    '--address', '127.41.0.1', '--app-port', '8080', '--control-plane', '127.0.0.1:15999',
    '--root-ca', join(stateDir, 'root.pem'),
    '--bootstrap-token-file', join(stateDir, 'instances', 'default', 'echo-0', 'bootstrap-token'),
    '--admin-port', '15000', '--outbound-port', '15001', '--inbound-port', '15006', '--log-level', 'info',
  ]); // prettier-ignore
  assert.equal(sidecar.token, binding.tokens.get('echo-0.default'));
  assert.equal(binding.latest.get('echo-1.default')?.ready, true);
});

test('a crashed app leaves the endpoints at once and is restarted with back-off', async (t) => {
  const { platform, binding } = await setup(t, '127.41.1.0/24');
  await platform.reconcile([echo({ replicas: 1 })]);
  const first = await until('ready', () => platform.instances().find((i) => i.ready));
  const crashedAt = Date.now();
  await get(first.address, '/admin/exit?code=3', 'POST');
  const down = await until('reported not ready', () => {
    const s = binding.latest.get(first.id);
    return s && !s.ready && s;
  });
  assert.ok(Date.now() - crashedAt < 2000);
  assert.equal(down.phase, 'CrashLoop');
  assert.match(down.message ?? '', /app exited with code 3; restarting in 0\.2 s/);
  const back = await until('ready again', () => {
    const s = binding.latest.get(first.id);
    return s && s.ready && s.restarts === 1 && s;
  });
  assert.notEqual(back.appPid, first.appPid);
  assert.equal(back.address, first.address, 'a restart keeps the address');
  await get(first.address, '/admin/exit', 'POST');
  await until('second crash', () => binding.latest.get(first.id)?.message?.includes('restarting in 0.4 s'));
});

test('a failing readiness probe takes the instance out until it passes again', async (t) => {
  const { platform, binding } = await setup(t, '127.41.2.0/24', false);
  await platform.reconcile([echo({ replicas: 1 })]);
  const inst = await until('ready', () => platform.instances().find((i) => i.ready));
  assert.equal((await get(inst.address, '/')).httpProxy, '', 'no sidecar, no HTTP_PROXY');
  await get(inst.address, '/admin/unready', 'POST');
  const unready = await until(
    'not ready',
    () => binding.latest.get(inst.id)?.ready === false && binding.latest.get(inst.id),
  );
  assert.equal(unready.message, 'readiness probe failing');
  assert.equal(unready.phase, 'Running');
  await get(inst.address, '/admin/ready', 'POST');
  await until('ready again', () => binding.latest.get(inst.id)?.ready);
});

test('scaling down, changing the command and stopping leave no process behind', async (t) => {
  const { platform, binding, stateDir } = await setup(t, '127.41.3.0/24');
  await platform.reconcile([echo()]);
  const before = await until('ready', () => {
    const all = platform.instances();
    return all.length === 2 && all.every((i) => i.ready) && all;
  });
  await platform.reconcile([echo({ replicas: 1, labels: { app: 'echo', tier: 'web' } })]);
  assert.deepEqual(binding.removed, ['echo-1.default']);
  assert.ok(!alive(before[1]!.appPid!) && !alive(before[1]!.proxyPid!));
  assert.equal(platform.instances()[0]!.appPid, before[0]!.appPid, 'a label change restarts nothing');
  assert.deepEqual(platform.instances()[0]!.labels, { app: 'echo', tier: 'web' });
  await platform.reconcile([echo({ replicas: 1, env: { MESSAGE: 'v2' } })]);
  const replaced = await until('replaced', () => platform.instances().find((i) => i.ready));
  assert.notEqual(replaced.appPid, before[0]!.appPid);
  assert.equal((await get(replaced.address, '/')).message, 'v2');
  const log = await readFile(join(stateDir, 'logs', 'default', 'echo-0.log'), 'utf8');
  assert.match(log, /http-echo echo-0 listening on 127\.41\.3\.\d+:8080/);
  assert.match(log, /SIGTERM, shutting down/);
  await platform.stop();
  assert.ok(!alive(replaced.appPid!) && !alive(replaced.proxyPid!));
});

test('the platform follows a log as it grows', async (t) => {
  const { platform } = await setup(t, '127.41.4.0/24', false);
  await platform.reconcile([echo({ replicas: 1 })]);
  const inst = await until('ready', () => platform.instances().find((i) => i.ready));
  const abort = new AbortController();
  const chunks = await platform.readLog(
    { namespace: 'default', workload: 'echo', replica: 0, container: 'app', follow: true, tail: 1 },
    abort.signal,
  );
  assert.ok(chunks);
  let text = '';
  const reading = (async () => {
    for await (const c of chunks) text += Buffer.from(c).toString();
  })();
  await get(inst.address, '/admin/exit', 'POST');
  await until(
    'the restart shows up in the followed log',
    () => (text.match(/listening on/g) ?? []).length >= 2,
  );
  abort.abort();
  await reading;
  assert.equal(
    await platform.readLog(
      { namespace: 'default', workload: 'nope', replica: 0, container: 'app', follow: false },
      abort.signal,
    ),
    undefined,
  );
});

test('killing the mesh process with SIGKILL still stops its workloads', async (t) => {
  const stateDir = await mkdtemp(join(tmpdir(), 'meshplane-orphan-'));
  const child = spawn(
    process.execPath,
    [new URL('../testing/platform_child.js', import.meta.url).pathname, stateDir, '127.41.5.0/24', samples],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  // Whatever fails below, the child (and so, through its watchdog, its workloads) goes away.
  t.after(async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const gone = new Promise((r) => child.once('exit', r));
      child.kill('SIGKILL');
      await gone;
    }
    await rm(stateDir, { recursive: true, force: true });
  });
  const line = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      if (out.includes('\n')) resolve(out.split('\n')[0]!);
    });
    child.once('exit', () => reject(new Error('platform child exited early')));
  });
  const { appPid } = JSON.parse(line) as { appPid: number };
  assert.ok(alive(appPid));
  child.kill('SIGKILL');
  await until('the app to be reaped', () => !alive(appPid), 15_000);
});

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
