// CLI transcripts against a real mesh: `mesh up` in the foreground (in-process) and --detach (a real
// background process), apply/get/delete/logs/status, bad manifests and flags, and `mesh down`.
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { main } from '../main.js';
import { samplesDir } from './local_mesh.js';
import { isAlive, readMeshRecord } from './state.js';
import { captureIO } from '../testing/io.js';

const configSidecar = `${process.execPath} ${new URL('../testing/config_sidecar.js', import.meta.url).pathname}`;

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const io = captureIO();
  const code = await main(args, io);
  return { code, out: io.out(), err: io.err() };
}

/** until polls `check` until it holds; the deadline is generous because a loaded machine starts processes slowly. */
async function until<T>(
  what: string,
  check: () => Promise<T | undefined | false>,
  timeoutMs = 60_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

test('mesh up, apply, get, logs, status, delete and mesh down', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'meshplane-cli-'));
  const sd = ['--state-dir', dir];
  // Ctrl-C for the foreground mesh: the test stops it through `mesh down`, and if it fails before
  // that, this stops every workload and sidecar so that nothing outlives the test.
  const interrupt = new AbortController();
  const upIO = captureIO(interrupt.signal);
  const up = main(
    [
      'mesh',
      'up',
      ...sd,
      '--grpc-address',
      '127.0.0.1:0',
      '--api-address',
      '127.0.0.1:0',
      '--address-range',
      '127.143.0.0/24',
      '--proxy-command',
      configSidecar,
      '--cert-ttl',
      '1h',
    ],
    upIO,
  );
  t.after(async () => {
    interrupt.abort();
    await up;
    await rm(dir, { recursive: true, force: true });
  });
  await until('mesh.json', async () => readMeshRecord(dir));
  assert.match(
    upIO.out(),
    /^mesh up: trust domain cluster.local, state .*\n {2}control plane gRPC 127.0.0.1:\d+, HTTP API http:\/\/127.0.0.1:\d+\n/,
  );

  const second = await run(['mesh', 'up', ...sd]);
  assert.equal(second.code, 1);
  assert.match(second.err, /a mesh is already running in .* \(pid \d+/);

  const applied = await run(['apply', '-f', join(samplesDir, 'manifests', 'hello.yaml'), ...sd]);
  assert.equal(applied.code, 0, applied.err);
  assert.equal(
    applied.out,
    'serviceaccount/frontend created\nserviceaccount/backend created\nworkload.meshplane.dev/frontend created\n' +
      'workload.meshplane.dev/backend created\nservice/frontend created\nservice/backend created\n' +
      'httproutegroup.specs.smi-spec.io/backend-routes created\ntraffictarget.access.smi-spec.io/frontend-to-backend created\n',
  );
  assert.equal(
    (await run(['apply', '-f', join(samplesDir, 'manifests', 'hello.yaml'), ...sd])).out.split('\n')[0],
    'serviceaccount/frontend unchanged',
  );

  await until(
    'all replicas ready',
    async () =>
      /backend\s+2\/2/.test((await run(['get', 'workloads', ...sd])).out) &&
      /frontend\s+1\/1/.test((await run(['get', 'wl', ...sd])).out),
  );
  const workloads = await run(['get', 'workloads', ...sd, '-o', 'wide']);
  assert.match(
    workloads.out,
    /^NAME\s+READY\s+RESTARTS\s+AGE\s+SERVICE-ACCOUNT\s+PORT\s+ADDRESSES\nbackend\s+2\/2\s+0\s+\d+s\s+backend\s+9090\s+127\.143\.0\.\d+,127\.143\.0\.\d+\nfrontend\s+1\/1/,
  );
  const endpoints = await run(['get', 'ep', ...sd]);
  assert.match(
    endpoints.out,
    /^NAME\s+ENDPOINTS\s+AGE\nbackend\s+127\.143\.0\.\d+:9090,127\.143\.0\.\d+:9090\s+\d+s\nfrontend\s+127\.143\.0\.\d+:8080/,
  );
  const svcJson = JSON.parse((await run(['get', 'services', ...sd, '-o', 'json'])).out) as {
    kind: string;
    items: { metadata: { name: string }; status: unknown }[];
  };
  assert.equal(svcJson.kind, 'List');
  assert.deepEqual(
    svcJson.items.map((i) => [i.metadata.name, i.status]),
    [
      ['backend', { readyEndpoints: 2, endpoints: 2 }],
      ['frontend', { readyEndpoints: 1, endpoints: 1 }],
    ],
  );
  assert.match(
    (await run(['get', 'sa', ...sd, '-o', 'yaml'])).out,
    /kind: List\nitems:\n {2}- apiVersion: v1\n {4}kind: ServiceAccount/,
  );
  const none = await run(['get', 'workloads', '-n', 'other', ...sd]);
  assert.equal(none.err, 'No resources found in other namespace.\n');
  const all = await run(['get', 'instances', '-A', ...sd]);
  assert.match(
    all.out,
    /^NAMESPACE\s+NAME\s+READY\s+PHASE\s+RESTARTS\s+ADDRESS\s+AGE\ndefault\s+backend-0\s+1\/1\s+Running\s+0\s+127\.143\.0\.\d+/,
  );

  const status = await until('every proxy ACKed', async () => {
    const s = await run(['mesh', 'status', ...sd]);
    return (s.out.match(/ yes .* ACK /g) ?? []).length === 3 && s;
  });
  assert.match(status.out, /^control plane {3}healthy, up \d+s, trust domain cluster.local\n/);
  assert.match(
    status.out,
    /PROXY\s+ADDRESS\s+CONNECTED\s+CONFIG VERSION\s+STATUS\s+CERT EXPIRES IN\nbackend-0.default\s+127\.143\.0\.\d+\s+yes\s+[0-9a-f]{16}\s+ACK\s+(59m\d\ds|1h00m)\n/,
  );

  const logs = await run(['logs', 'backend', '--replica', '1', ...sd]);
  assert.match(logs.out, /^http-echo backend-1 listening on 127\.143\.0\.\d+:9090\n/);
  assert.match(
    (await run(['logs', 'frontend', '--proxy', '--tail', '1', ...sd])).out,
    /^info \[control-plane client frontend-0.default\] certificate|^applied config [0-9a-f]{16}\n$/,
  );
  const noLog = await run(['logs', 'ghost', ...sd]);
  assert.equal(noLog.code, 1);
  assert.match(noLog.err, /no app log for default\/ghost replica 0/);

  // Bad input: exit 2, a message naming file, resource and field, and nothing applied.
  const bad = join(dir, 'bad.yaml');
  await writeFile(
    bad,
    'apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: extra}\n---\napiVersion: meshplane.dev/v1alpha1\nkind: Workload\nmetadata: {name: broken}\nspec: {command: [x], port: 0}\n',
  );
  const rejected = await run(['apply', '-f', bad, ...sd]);
  assert.equal(rejected.code, 2);
  assert.equal(
    rejected.err,
    'meshplane: bad.yaml document 2 (line 5): Workload "default/broken": spec.port is 0; expected an integer port from 1 to 65535 other than the sidecar ports 15000, 15001, 15006\n',
  );
  assert.doesNotMatch((await run(['get', 'sa', ...sd])).out, /extra/);
  assert.equal((await run(['apply', '-f', join(dir, 'missing.yaml'), ...sd])).code, 2);
  assert.match((await run(['get', 'pods', ...sd])).err, /kind is "pods"; expected one of workloads/);

  const deleted = await run(['delete', '-f', join(samplesDir, 'manifests', 'hello.yaml'), ...sd]);
  assert.equal(deleted.code, 0, deleted.err);
  assert.match(deleted.out, /workload.meshplane.dev\/backend deleted\n/);
  await until('instances gone', async () =>
    (await run(['get', 'instances', ...sd])).err.startsWith('No resources found'),
  );

  const down = await run(['mesh', 'down', ...sd]);
  assert.equal(down.code, 0, down.err);
  assert.match(down.out, /^mesh down \(pid \d+ stopped\)\n$/);
  assert.equal(await up, 0);
  assert.match(upIO.out(), /mesh down\n$/);
  assert.equal(await readMeshRecord(dir), undefined);
  assert.match(
    (await run(['get', 'workloads', ...sd])).err,
    /no mesh is running in .*start one with: meshplane mesh up/,
  );
  assert.equal((await run(['mesh', 'down', ...sd])).out, `no mesh is running in ${dir}\n`);
});

test('mesh up --detach runs the mesh in the background until mesh down', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'meshplane-cli-detach-'));
  const sd = ['--state-dir', dir];
  t.after(async () => {
    await run(['mesh', 'down', ...sd]); // says "no mesh is running" when the test got that far
    await rm(dir, { recursive: true, force: true });
  });
  const up = await run([
    'mesh',
    'up',
    '--detach',
    ...sd,
    '--grpc-address',
    '127.0.0.1:0',
    '--api-address',
    '127.0.0.1:0',
    '--address-range',
    '127.44.0.0/24',
    '--no-sidecars',
  ]);
  assert.equal(up.code, 0, up.err);
  assert.match(
    up.out,
    /^mesh up in the background \(pid (\d+)\): gRPC 127.0.0.1:\d+, HTTP API http:\/\/127.0.0.1:\d+\n/,
  );
  const record = (await readMeshRecord(dir))!;
  assert.notEqual(record.pid, process.pid);
  assert.equal((await readFile(join(dir, 'mesh.pid'), 'utf8')).trim(), String(record.pid));
  const status = await run(['mesh', 'status', ...sd, '-o', 'json']);
  assert.equal((JSON.parse(status.out) as { healthy: boolean }).healthy, true);
  const down = await run(['mesh', 'down', ...sd]);
  assert.equal(down.code, 0, down.err);
  assert.ok(!isAlive(record.pid));
});

test('bad flags fail before anything starts', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'meshplane-cli-flags-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const cases: [string[], RegExp][] = [
    [
      ['--address-range', '10.0.0.0/8'],
      /addressRange is "10.0.0.0\/8"; expected a CIDR range inside 127.0.0.0\/8/,
    ],
    [['--cert-ttl', 'soon'], /--cert-ttl is "soon"; expected a duration such as 30s/],
    [['--grpc-address', 'nowhere'], /--grpc-address is "nowhere"; expected host:port/],
    [['--trust-domain', 'Bad Domain'], /trustDomain is "Bad Domain"; expected a SPIFFE trust domain/],
  ];
  for (const [flags, message] of cases) {
    const r = await run([
      'mesh',
      'up',
      '--state-dir',
      dir,
      '--api-address',
      '127.0.0.1:0',
      '--grpc-address',
      '127.0.0.1:0',
      ...flags,
    ]);
    assert.equal(r.code, 2, r.err);
    assert.match(r.err, message);
    assert.equal(await readMeshRecord(dir), undefined);
  }
});
