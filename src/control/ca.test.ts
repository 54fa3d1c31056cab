// CertificateAuthority: root persisted 0600, reloaded, tied to its trust domain; leaf certificates
// carry exactly the SPIFFE ID and the requested lifetime, and CSRs for other identities are refused.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { CertificateAuthority } from './ca.js';
import { tempDir } from './testing/fixtures.js';
import { createKeyAndCsr } from '../config/index.js';

test('the root is created once, kept 0600, and reloaded', async (t) => {
  const dir = await tempDir();
  t.after(dir.remove);
  const caDir = join(dir.path, 'ca');
  const ca = await CertificateAuthority.loadOrCreate(caDir, 'example.org');
  assert.equal((await stat(join(caDir, 'root-key.pem'))).mode & 0o777, 0o600);
  assert.equal((await stat(caDir)).mode & 0o777, 0o700);
  const root = new X509Certificate(ca.rootCertPem);
  assert.equal(root.ca, true);
  assert.match(root.subjectAltName ?? '', /URI:spiffe:\/\/example.org/);
  const again = await CertificateAuthority.loadOrCreate(caDir, 'example.org');
  assert.equal(again.rootCertPem, ca.rootCertPem);
  await assert.rejects(
    CertificateAuthority.loadOrCreate(caDir, 'cluster.local'),
    /trustDomain .*"example.org"/,
  );
});

test('a workload certificate carries the SPIFFE ID, the node id and the lifetime asked for', async (t) => {
  const dir = await tempDir();
  t.after(dir.remove);
  const ca = await CertificateAuthority.loadOrCreate(dir.path, 'cluster.local');
  const id = 'spiffe://cluster.local/ns/shop/sa/cart';
  const { csrPem } = await createKeyAndCsr('cart-1.shop', id);
  const issued = await ca.signWorkload({ csrPem, spiffeId: id, commonName: 'cart-1.shop', ttlMs: 60_000 });
  const leaf = new X509Certificate(issued.certPem);
  assert.equal(leaf.subjectAltName, `URI:${id}`);
  assert.equal(leaf.subject, 'CN=cart-1.shop');
  assert.equal(leaf.ca, false);
  assert.ok(leaf.verify(new X509Certificate(ca.rootCertPem).publicKey));
  assert.ok(leaf.checkIssued(new X509Certificate(ca.rootCertPem)));
  assert.deepEqual([...(leaf.keyUsage ?? [])].sort(), ['1.3.6.1.5.5.7.3.1', '1.3.6.1.5.5.7.3.2']);
  const lifetime = Date.parse(leaf.validTo) - Date.parse(leaf.validFrom);
  assert.ok(lifetime >= 60_000 && lifetime <= 62_000, `lifetime ${lifetime}`);
  assert.ok(ca.verifyIssued(leaf));
});

test('a CSR asking for another identity, or with another key type, is refused', async (t) => {
  const dir = await tempDir();
  t.after(dir.remove);
  const ca = await CertificateAuthority.loadOrCreate(dir.path, 'cluster.local');
  const { csrPem } = await createKeyAndCsr('a-0.default', 'spiffe://cluster.local/ns/default/sa/admin');
  await assert.rejects(
    ca.signWorkload({
      csrPem,
      spiffeId: 'spiffe://cluster.local/ns/default/sa/a',
      commonName: 'a-0.default',
      ttlMs: 1000,
    }),
    /csr_pem .*expected no URI SAN, or exactly spiffe:\/\/cluster.local\/ns\/default\/sa\/a/,
  );
  const keyFile = join(dir.path, 'rsa.key');
  execFileSync('openssl', ['genrsa', '-out', keyFile, '2048'], { stdio: 'ignore' });
  const rsaCsr = execFileSync('openssl', ['req', '-new', '-key', keyFile, '-subj', '/CN=a-0.default'], {
    encoding: 'utf8',
  });
  await assert.rejects(
    ca.signWorkload({
      csrPem: rsaCsr,
      spiffeId: 'spiffe://cluster.local/ns/default/sa/a',
      commonName: 'a',
      ttlMs: 1000,
    }),
    /expected an ECDSA P-256 public key/,
  );
  await writeFile(join(dir.path, 'junk'), 'x');
  await assert.rejects(
    ca.signWorkload({ csrPem: 'junk', spiffeId: 'x', commonName: 'a', ttlMs: 1000 }),
    /PKCS#10/,
  );
});
