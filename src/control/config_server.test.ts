// The config stream and certificate service over real gRPC + TLS on loopback, driven by the real
// proxy-side ControlPlaneClient: bootstrap, token and identity checks, ACK/NACK bookkeeping, pushes
// after changes, reconnect after a control-plane restart, and certificate rotation.
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { test } from 'node:test';
import { credentials, type Client, type ClientDuplexStream, type ServiceError } from '@grpc/grpc-js';
import {
  CertificateRefusedError,
  CONTROL_PLANE_SERVER_NAME,
  ControlPlaneClient,
  type ConfigRequest,
  type ConfigResponse,
  type ProxyConfig,
  type WorkloadIdentity,
} from '../config/index.js';
import { configServices } from './services.js';
import {
  instanceRecord,
  registerInstance,
  started,
  startTestControlPlane,
  waitFor,
} from './testing/fixtures.js';

const manifests = `
apiVersion: v1
kind: ServiceAccount
metadata: {name: web}
---
apiVersion: meshplane.dev/v1alpha1
kind: Workload
metadata: {name: web, labels: {app: web}}
spec: {serviceAccount: web, command: [sleep, "1"], port: 8080}
`;
const service = `
apiVersion: v1
kind: Service
metadata: {name: web}
spec: {selector: {app: web}, ports: [{port: 80, targetPort: 8080}]}
`;

async function setup(t: { after: (fn: () => Promise<void>) => void }, certTtlMs?: number) {
  const env = await startTestControlPlane(certTtlMs ? { certTtlMs } : {});
  t.after(env.cleanup);
  await env.cp.apply(manifests, 'test.yaml');
  const record = instanceRecord({
    workload: 'web',
    address: '127.31.0.1',
    port: 8080,
    serviceAccount: 'web',
  });
  const { token, node } = await registerInstance(env.cp, record);
  const client = (tokenOverride = token, nodeOverride = node) =>
    new ControlPlaneClient({
      node: nodeOverride,
      controlPlane: env.cp.grpcAddress,
      rootCaPem: env.cp.ca.rootCertPem,
      bootstrapToken: tokenOverride,
      backoff: { initialMs: 50, maxMs: 300 },
    });
  return { ...env, record, token, node, client };
}

test('a proxy bootstraps its certificate, receives a snapshot and ACKs it', async (t) => {
  const { cp, client, record } = await setup(t);
  const c = client();
  t.after(() => c.close());
  const configs: ProxyConfig[] = [];
  const identities: WorkloadIdentity[] = [];
  c.onConfig((config) => void configs.push(config));
  c.onIdentity((id) => identities.push(id));
  await started(c);
  assert.equal(identities.length, 1);
  assert.equal(identities[0]!.spiffeId, 'spiffe://cluster.local/ns/default/sa/web');
  const leaf = new X509Certificate(identities[0]!.certChainPem);
  assert.equal(leaf.subjectAltName, 'URI:spiffe://cluster.local/ns/default/sa/web');
  assert.ok(
    leaf.checkPrivateKey(await import('node:crypto').then((m) => m.createPrivateKey(identities[0]!.keyPem))),
  );
  assert.equal(configs.length, 1);
  assert.equal(configs[0]!.listeners.find((l) => l.name === 'inbound')?.address, record.address);
  const status = await waitFor(() => {
    const s = cp.tracker.get(record.id);
    return s?.versionAcked === configs[0]!.version && s;
  });
  assert.equal(status.connected, true);
  assert.equal(status.versionSent, configs[0]!.version);
  assert.equal(status.spiffeId, 'spiffe://cluster.local/ns/default/sa/web');
  assert.ok(status.certNotAfter);
  assert.equal(c.state, 'connected');
});

test('a wrong token, another instance’s token or a false service account gets no certificate', async (t) => {
  const { cp, client, node } = await setup(t);
  await assert.rejects(client('not-a-token').start(), (e: unknown) => {
    assert.ok(e instanceof CertificateRefusedError);
    assert.match(e.message, /unknown or revoked bootstrap token/);
    return true;
  });
  const other = instanceRecord({
    workload: 'web',
    replica: 1,
    address: '127.31.0.2',
    port: 8080,
    serviceAccount: 'web',
  });
  const { token: otherToken } = await registerInstance(cp, other);
  await assert.rejects(client(otherToken).start(), /belongs to instance web-1.default, not web-0.default/);
  const { token } = await registerInstance(
    cp,
    instanceRecord({ workload: 'web', address: '127.31.0.1', port: 8080, serviceAccount: 'web' }),
  );
  await assert.rejects(
    client(token, { ...node, service_account: 'admin' }).start(),
    /runs as service account default\/web, not default\/admin/,
  );
});

test('a config stream without a workload certificate is refused', async (t) => {
  const { cp, node } = await setup(t);
  const Ctor = configServices().ProxyConfigService;
  const raw = new Ctor(cp.grpcAddress, credentials.createSsl(Buffer.from(cp.ca.rootCertPem)), {
    'grpc.ssl_target_name_override': CONTROL_PLANE_SERVER_NAME,
  }) as unknown as Client & { StreamConfig(): ClientDuplexStream<ConfigRequest, ConfigResponse> };
  t.after(() => raw.close());
  const stream = raw.StreamConfig();
  const error = await new Promise<ServiceError>((resolve) => {
    stream.on('error', resolve);
    stream.on('data', () => resolve(new Error('got data') as ServiceError));
    stream.write({ node, version_info: '', response_nonce: '', error_detail: null });
  });
  assert.equal(error.code, 16); // UNAUTHENTICATED
  assert.match(error.details, /workload certificate/);
});

test('a NACK is recorded with its reason and the next good version clears it', async (t) => {
  const { cp, client, record } = await setup(t);
  const c = client();
  t.after(() => c.close());
  let reject = false;
  const seen: string[] = [];
  c.onConfig((config) => {
    seen.push(config.version);
    return reject ? new Error('route table "outbound" is broken') : undefined;
  });
  await started(c);
  const good = seen[0]!;
  reject = true;
  await cp.apply(service, 'svc.yaml'); // a change: a new snapshot is pushed
  const nacked = await waitFor(() => cp.tracker.get(record.id)?.lastNack);
  assert.equal(nacked.reason, 'route table "outbound" is broken');
  assert.notEqual(nacked.version, good);
  assert.equal(cp.tracker.get(record.id)?.versionAcked, good);
  assert.equal(c.appliedVersion, good);
  reject = false;
  cp.reportInstance({ ...record, restarts: 1 }); // another change, same config content
  await cp.apply(service.replace('port: 80,', 'port: 81,'), 'svc.yaml');
  const acked = await waitFor(() => {
    const s = cp.tracker.get(record.id);
    return s && !s.lastNack && s.versionAcked !== good && s;
  });
  assert.equal(acked.versionAcked, c.appliedVersion);
});

test('the proxy keeps its config while the control plane is down and reconnects to a new one', async (t) => {
  const { cp, client, record, stateDir } = await setup(t);
  const c = client();
  t.after(() => c.close());
  const states: string[] = [];
  c.onState((s) => states.push(s));
  let applied = 0;
  c.onConfig(() => void applied++);
  await started(c);
  const version = c.appliedVersion;
  const address = cp.grpcAddress;
  await cp.stop();
  await waitFor(() => c.state === 'disconnected', 30_000, 'disconnect');
  assert.equal(c.appliedVersion, version, 'last good config kept');
  await new Promise((r) => setTimeout(r, 300)); // a few failed reconnects
  const again = await startTestControlPlane({ stateDir, grpcAddress: address });
  t.after(() => again.cp.stop());
  await registerInstance(again.cp, record); // the platform re-reports its instances
  await waitFor(() => c.state === 'connected', 30_000, 'reconnect');
  const status = await waitFor(
    () => again.cp.tracker.get(record.id)?.versionAcked === version && again.cp.tracker.get(record.id),
  );
  assert.equal(status.connected, true);
  assert.equal(applied, 1, 'the same version is ACKed without applying it again');
  assert.deepEqual(states.slice(0, 4), ['connecting', 'connected', 'disconnected', 'connecting']);
});

test('the certificate is renewed before it expires without dropping the stream', async (t) => {
  const { cp, client, record } = await setup(t, 3000);
  const c = client();
  t.after(() => c.close());
  const identities: WorkloadIdentity[] = [];
  const states: string[] = [];
  c.onIdentity((id) => identities.push(id));
  await started(c);
  c.onState((s) => states.push(s));
  await waitFor(() => identities.length >= 3, 20_000, 'two renewals');
  const [first, second] = identities.map((i) => new X509Certificate(i.certChainPem));
  assert.notEqual(first!.serialNumber, second!.serialNumber);
  assert.ok(Date.parse(second!.validFrom) < Date.parse(first!.validTo), 'renewed before expiry');
  assert.notEqual(identities[0]!.keyPem, identities[1]!.keyPem, 'a fresh key each time');
  assert.deepEqual(states, [], 'the stream never dropped');
  assert.ok((cp.tracker.get(record.id)?.certificatesIssued ?? 0) >= 3);
});

test('the certificate carries the mesh trust domain without the proxy being told it', async (t) => {
  const env = await startTestControlPlane({ trustDomain: 'example.org' });
  t.after(env.cleanup);
  const record = instanceRecord({ workload: 'api', address: '127.31.0.9', port: 9090 });
  const { token, node } = await registerInstance(env.cp, record);
  const c = new ControlPlaneClient({
    node,
    controlPlane: env.cp.grpcAddress,
    rootCaPem: env.cp.ca.rootCertPem,
    bootstrapToken: token,
  });
  t.after(() => c.close());
  await started(c);
  assert.equal(c.identity?.spiffeId, 'spiffe://example.org/ns/default/sa/default');
  assert.equal(
    new X509Certificate(c.identity!.certChainPem).subjectAltName,
    'URI:spiffe://example.org/ns/default/sa/default',
  );
});
