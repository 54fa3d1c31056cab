import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { run } from './runner.js';
import { makeCertificates, type TestCertificates } from './testing/certs.js';
import { startHttpsServer } from './testing/servers.js';

let certs: TestCertificates;
before(() => {
  certs = makeCertificates();
});
after(() => certs.remove());

test('https: the server certificate is verified against the given CA', async () => {
  const server = await startHttpsServer({ cert: certs.serverCert, key: certs.serverKey });
  try {
    let r = await run({
      url: server.url,
      connections: 2,
      requests: 20,
      warmup: 0,
      tls: { ca: certs.caCert },
    });
    assert.equal(r.responses, 20);
    assert.equal(r.errors.total, 0);
    assert.ok(r.histograms.connect.totalCount === 0 || r.histograms.connect.min > 0);

    // Signed by a CA we do not trust: every request fails as a TLS error.
    r = await run({
      url: server.url,
      connections: 2,
      requests: 6,
      warmup: 0,
      tls: { ca: certs.otherCaCert },
    });
    assert.equal(r.responses, 0);
    assert.equal(r.errors.byKind.tls, 6);
    assert.match(r.errors.samples.tls!, /certificate/i);

    // --insecure accepts it.
    r = await run({ url: server.url, connections: 1, requests: 5, warmup: 0, tls: { insecure: true } });
    assert.equal(r.responses, 5);

    // The name is checked too: the certificate is for 127.0.0.1 and localhost only.
    r = await run({
      url: server.url,
      connections: 1,
      requests: 2,
      warmup: 0,
      tls: { ca: certs.caCert, servername: 'other.example' },
    });
    assert.equal(r.errors.byKind.tls, 2);
  } finally {
    await server.close();
  }
});

test('mutual TLS: the client certificate is presented, and required', async () => {
  const server = await startHttpsServer({
    cert: certs.serverCert,
    key: certs.serverKey,
    ca: certs.caCert,
    requestCert: true,
  });
  try {
    let r = await run({
      url: server.url,
      connections: 2,
      requests: 10,
      warmup: 0,
      tls: { ca: certs.caCert, cert: certs.clientCert, key: certs.clientKey },
    });
    assert.equal(r.responses, 10);
    assert.ok(server.requests.every((req) => req.clientCN === 'load-client'));

    r = await run({ url: server.url, connections: 1, requests: 3, warmup: 0, tls: { ca: certs.caCert } });
    assert.equal(r.responses, 0);
    assert.equal(r.errors.total, 3);
    assert.ok(r.errors.byKind.tls + r.errors.byKind.reset === 3, JSON.stringify(r.errors));
  } finally {
    await server.close();
  }
});

test('https open loop keeps its schedule over TLS', async () => {
  const server = await startHttpsServer({ cert: certs.serverCert, key: certs.serverKey });
  try {
    const r = await run({
      url: server.url,
      qps: 200,
      duration: '500ms',
      warmup: 0,
      connections: 2,
      tls: { ca: certs.caCert },
    });
    assert.equal(r.responses, 100);
    assert.equal(r.latencyFrom, 'scheduled');
  } finally {
    await server.close();
  }
});
