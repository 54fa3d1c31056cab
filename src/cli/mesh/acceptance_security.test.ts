// The reference mesh's acceptance tests for identity and configuration, with the real `meshplane
// proxy` sidecars and the shipped sample apps: a call travels over mTLS and the callee sees the
// caller's SPIFFE ID, taken from its certificate (a forged XFCC is replaced, a forged identity is
// denied); the inbound listener refuses plaintext, certificate-less and foreign-CA clients; bad
// manifests change nothing; a bad snapshot is NACKed, never half-applied, and shows in `mesh status`.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { connect as netConnect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { connect as tlsConnect, type ConnectionOptions } from 'node:tls';
import type { ProxyConfig } from '../../config/index.js';
import { TestCa } from '../../proxy/testing/ca.js';
import { main } from '../main.js';
import { configDump, converged, get, instance, sample, startMesh, until } from '../testing/mesh_fixture.js';

const TD = 'spiffe://cluster.local/ns/default/sa';

/** An http-echo workload the TrafficTarget of hello.yaml does not let in. */
const INTRUDER = `
apiVersion: v1
kind: ServiceAccount
metadata: {name: intruder}
---
apiVersion: meshplane.dev/v1alpha1
kind: Workload
metadata: {name: intruder, labels: {app: intruder}}
spec:
  serviceAccount: intruder
  command: ['$(MESHPLANE_NODE)', '$(MESHPLANE_SAMPLES)/http-echo.mjs']
  port: 8080
  readinessProbe: {httpGet: {path: /healthz}}
`;

/** probe opens a raw connection, sends an HTTP request and reports what came back before it closed. */
function probe(
  open: () => Socket,
  event: 'connect' | 'secureConnect',
): Promise<{ data: string; error?: string }> {
  return new Promise((resolve) => {
    const s = open();
    let data = '';
    s.on('data', (c: Buffer) => (data += c.toString()));
    s.on('error', (e) => resolve({ data, error: e.message }));
    s.on('close', () => resolve({ data }));
    s.on(event, () => s.write('GET /probe HTTP/1.1\r\nhost: backend\r\nconnection: close\r\n\r\n'));
    setTimeout(() => s.destroy(), 10_000).unref();
  });
}

function metric(text: string, name: string, labels: Record<string, string>): number {
  let total = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    if (Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`)))
      total += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return total;
}

async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(args, {
    stdout: { write: (s: string) => void (out += s) },
    stderr: { write: (s: string) => void (err += s) },
    env: {},
  });
  return { code, out, err };
}

test('the reference mesh: mTLS identity, refusals, bad manifests and NACKed snapshots', async (t) => {
  const mesh = await startMesh(t, { addressRange: '127.171.0.0/24' });
  const cp = mesh.controlPlane!;
  const api = ['--api', mesh.apiUrl];
  await cp.apply(await sample('hello.yaml'), 'hello.yaml');
  await cp.apply(INTRUDER, 'intruder.yaml');
  await converged(mesh, 4);
  const frontend = instance(mesh, 'frontend-0');
  const backend0 = instance(mesh, 'backend-0');
  const intruder = instance(mesh, 'intruder-0');

  await t.test('a call from frontend to backend travels over mTLS; the callee sees the caller identity', async () => {
    // The frontend app calls http://backend/ through its sidecar (HTTP_PROXY), as any app would.
    const res = await get(frontend.address, 8080, `/call?url=${encodeURIComponent('http://backend/hello')}`);
    const { upstream } = JSON.parse(res.body) as {
      upstream: { status: number; body: { workload: string; caller: string; request: { headers: Record<string, string> } } };
    };
    assert.equal(upstream.status, 200);
    assert.equal(upstream.body.workload, 'backend');
    assert.equal(upstream.body.caller, `${TD}/frontend`);
    assert.match(upstream.body.request.headers['x-forwarded-client-cert']!, new RegExp(`^By=${TD}/backend;URI=${TD}/frontend$`));
    // The backend sidecars counted it under the identity in the frontend's certificate (its URI SAN
    // and, as the instance, its CN), and the frontend sidecar sent it over an mTLS cluster.
    const inbound = await Promise.all(
      ['backend-0', 'backend-1'].map(async (name) => (await get(instance(mesh, name).address, 15000, '/stats/prometheus')).body),
    );
    const counted = inbound.reduce((n, text) => n + metric(text, 'meshplane_proxy_requests_total', { direction: 'inbound', source_identity: `${TD}/frontend`, source_instance: 'frontend-0.default', code: '200' }), 0);
    assert.ok(counted >= 1, 'counted by the caller identity of the certificate');
    const cluster = (await configDump(frontend.address)).config!.clusters.find((c) => c.name === 'outbound|80||backend.default.svc.cluster.local')!;
    assert.equal(cluster.mtls, true);
    assert.deepEqual(cluster.endpoints.map((e) => e.identity), [`${TD}/backend`, `${TD}/backend`]);
  }); // prettier-ignore

  await t.test('a forged x-forwarded-client-cert is replaced, and a forged identity gets no access', async () => {
    const forged = { 'x-forwarded-client-cert': `By=spiffe://evil;URI=${TD}/admin` };
    // What the frontend app sends to its sidecar (origin of the request: this test, as the app).
    const ok = await get(frontend.address, 15001, 'http://backend/whoami', forged);
    assert.equal(ok.status, 200, ok.body);
    const seen = JSON.parse(ok.body) as { caller: string; request: { headers: Record<string, string> } };
    assert.equal(seen.request.headers['x-forwarded-client-cert'], `By=${TD}/backend;URI=${TD}/frontend`);
    assert.equal(seen.caller, `${TD}/frontend`);
    // The intruder claims to be the frontend in the header: access is decided by its certificate.
    const denied = await get(intruder.address, 15001, 'http://backend/whoami', {
      'x-forwarded-client-cert': `By=${TD}/backend;URI=${TD}/frontend`,
    });
    assert.equal(denied.status, 403);
    assert.equal(denied.headers['x-meshplane-reason'], 'access_denied');
    const stats = (await get(backend0.address, 15000, '/stats/prometheus')).body;
    const intruderDenied = metric(stats, 'meshplane_proxy_requests_total', { direction: 'inbound', source_identity: `${TD}/intruder`, code: '403' });
    const other = (await get(instance(mesh, 'backend-1').address, 15000, '/stats/prometheus')).body;
    assert.equal(intruderDenied + metric(other, 'meshplane_proxy_requests_total', { direction: 'inbound', source_identity: `${TD}/intruder`, code: '403' }), 1);
  }); // prettier-ignore

  await t.test('the inbound listener refuses plaintext, no client certificate and another CA; the mesh CA gets in', async () => {
    const target = { host: backend0.address, port: 15006 };
    const foreign = new TestCa('not the mesh root');
    const dir = await mkdtemp(join(tmpdir(), 'meshplane-client-'));
    t.after(async () => {
      foreign.cleanup();
      await rm(dir, { recursive: true, force: true });
    });
    const before = (await get(backend0.address, 15000, '/stats/prometheus')).body;
    const failuresBefore = metric(before, 'meshplane_proxy_tls_handshake_failures_total', { side: 'downstream' });
    const tls = (options: ConnectionOptions) => () =>
      tlsConnect({ ...target, servername: 'backend', ALPNProtocols: ['http/1.1'], ca: cp.ca.rootCertPem, checkServerIdentity: () => undefined, ...options });

    const plaintext = await probe(() => netConnect(target), 'connect');
    assert.doesNotMatch(plaintext.data, /HTTP\/1\.1/, 'no HTTP answer over plaintext');
    const noCert = await probe(tls({}), 'secureConnect');
    assert.doesNotMatch(noCert.data, /HTTP\/1\.1/, 'no HTTP answer without a client certificate');
    const alien = foreign.issue(`${TD}/frontend`);
    const otherCa = await probe(tls({ cert: alien.certChainPem, key: alien.keyPem }), 'secureConnect');
    assert.doesNotMatch(otherCa.data, /HTTP\/1\.1/, 'no HTTP answer to a certificate from another CA');
    await until('three refused handshakes counted', async () => {
      const now = (await get(backend0.address, 15000, '/stats/prometheus')).body;
      return metric(now, 'meshplane_proxy_tls_handshake_failures_total', { side: 'downstream' }) - failuresBefore >= 3;
    }, 5000);

    // The same request with a certificate from the mesh CA for frontend's identity is served.
    execFileSync('openssl', ['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'k.pem', '-out', 'r.csr', '-subj', '/CN=frontend-9.default'], { cwd: dir, stdio: 'ignore' });
    const issued = await cp.ca.signWorkload({ csrPem: await readFile(join(dir, 'r.csr'), 'utf8'), spiffeId: `${TD}/frontend`, commonName: 'frontend-9.default', ttlMs: 600_000 });
    const mine = await probe(tls({ cert: issued.certPem, key: await readFile(join(dir, 'k.pem'), 'utf8') }), 'secureConnect');
    assert.match(mine.data, /^HTTP\/1\.1 200 /);
    assert.match(mine.data, new RegExp(`"caller": "${TD}/frontend"`));
  }); // prettier-ignore

  await t.test('malformed and invalid manifests are refused with the resource and field, and nothing is applied', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'meshplane-bad-'));
    t.after(() => rm(dir, { recursive: true, force: true }));
    const versions = () => cp.status().proxies.map((p) => `${p.id}=${p.versionAcked}`).sort();
    const stored = async () => (await fetch(`${mesh.apiUrl}/v1/serviceaccounts`).then((r) => r.json()) as { items: unknown[] }).items.length;
    const acked = versions();
    const accounts = await stored();
    // Every file starts with a good document that would be applied if apply were not all or nothing.
    const good = 'apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: newcomer}\n---\n';
    const cases: [string, string, RegExp][] = [
      ['unknown kind', 'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\n', /bad\.yaml document 2 \(line 5\): Deployment "default\/web": kind is "apps\/v1\/Deployment"; expected one of/],
      ['missing field', 'apiVersion: meshplane.dev/v1alpha1\nkind: Workload\nmetadata: {name: web}\nspec: {port: 8080}\n', /Workload "default\/web": spec\.command is missing/],
      ['bad port', 'apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec: {selector: {app: backend}, ports: [{port: 70000, targetPort: 9090}]}\n', /Service "default\/web": spec\.ports\[0\]\.port is 70000; expected/],
      ['selector matching nothing', 'apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec: {selector: {app: ghost}, ports: [{port: 80}]}\n', /Service "default\/web": spec\.selector is \{"app":"ghost"\}; expected labels of at least one Workload/],
      ['SMI weight below 0', 'apiVersion: split.smi-spec.io/v1alpha4\nkind: TrafficSplit\nmetadata: {name: s}\nspec: {service: backend, backends: [{service: frontend, weight: -1}]}\n', /TrafficSplit default\/s .*spec\.backends\[0\]\.weight is -1; expected an integer ≥ 0/],
      ['SMI bad regex', "apiVersion: specs.smi-spec.io/v1alpha4\nkind: HTTPRouteGroup\nmetadata: {name: g}\nspec: {matches: [{name: m, pathRegex: '(unclosed'}]}\n", /HTTPRouteGroup default\/g .*spec\.matches\[0\]\.pathRegex/],
      ['YAML syntax', 'apiVersion: v1\nkind: [Service\n', /bad\.yaml: line \d+, column \d+: syntax error/],
    ]; // prettier-ignore
    for (const [name, doc, message] of cases) {
      const file = join(dir, 'bad.yaml');
      await writeFile(file, good + doc);
      const r = await cli(['apply', '-f', file, ...api]);
      assert.equal(r.code, 2, `${name}: exit 2 (${r.err})`);
      assert.match(r.err, message, name);
      assert.equal(r.out, '', `${name}: nothing reported as applied`);
    }
    assert.equal(await stored(), accounts, 'no resource was stored');
    assert.equal(cp.status().instances.total, 4, 'no instance started or stopped');
    await new Promise((r) => setTimeout(r, 300)); // longer than the push debounce
    assert.deepEqual(versions(), acked, 'no proxy got a new config');
  }); // prettier-ignore

  await t.test('a bad snapshot is NACKed, never half-applied, and `mesh status` says so', async () => {
    const id = frontend.id;
    const good = (await configDump(frontend.address)).config!;
    // The control plane validates everything it compiles, so no manifest can produce a bad
    // snapshot: compile one by hand. It adds a route (a good change) and breaks a cluster.
    const compile = cp.snapshot.bind(cp);
    const broken = (): ProxyConfig => {
      const c = structuredClone(compile(id)!);
      c.version = '0badc0ffee0badc0';
      c.route_tables[0]!.virtual_hosts.push({ name: 'added.default.svc.cluster.local:80', domains: ['added'], routes: [{ name: 'default', match: null, action: { clusters: [{ cluster: c.clusters[0]!.name, weight: 1 }], timeout_ms: 0, retry: null } }] });
      c.clusters[0]!.endpoints.push({ address: '127.0.0.1', port: 0, identity: `${TD}/x`, weight: 1, instance: 'broken-0', labels: {} });
      return c;
    };
    cp.snapshot = (instanceId: string) => (instanceId === id ? broken() : compile(instanceId));
    t.after(() => void (cp.snapshot = compile));
    await cp.apply('apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: nudge}\n', 'nudge.yaml'); // any change pushes
    const nack = await until('the frontend proxy NACK', () => cp.status().proxies.find((p) => p.id === id)?.lastNack, 10_000);
    assert.equal(nack.version, '0badc0ffee0badc0');
    assert.match(nack.reason, /clusters\[0\]\.endpoints\[\d+\]\.port is 0; expected a port from 1 to 65535/);
    const status = await cli(['mesh', 'status', ...api]);
    assert.equal(status.code, 0, status.err);
    t.diagnostic(status.out.split('\n').find((l) => l.startsWith('frontend-0')) ?? status.out);
    assert.match(status.out, new RegExp(`frontend-0\\.default\\s+${frontend.address.replace(/\./g, '\\.')}\\s+yes\\s+0badc0ffee0badc0\\s+NACK: config version "0badc0ffee0badc0": clusters\\[0\\]\\.endpoints\\[\\d+\\]\\.port is 0`));
    // The proxy keeps serving its last good snapshot, whole: the added route is not there.
    const dump = await configDump(frontend.address);
    assert.equal(dump.version, good.version);
    assert.equal(dump.last_nack?.version, '0badc0ffee0badc0');
    assert.ok(!dump.config!.route_tables[0]!.virtual_hosts.some((v) => v.domains.includes('added')));
    assert.equal((await get(frontend.address, 15001, 'http://added/')).status, 404);
    assert.equal((await get(frontend.address, 15001, 'http://backend/')).status, 200);

    cp.snapshot = compile;
    await cp.delete('apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: nudge}\n', 'nudge.yaml');
    await converged(mesh, 4, 30_000);
    assert.match((await cli(['mesh', 'status', ...api])).out, /frontend-0\.default\s+\S+\s+yes\s+[0-9a-f]{16}\s+ACK\s/);
  }); // prettier-ignore
});
