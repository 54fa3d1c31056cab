// Workload CSRs: OpenSSL parses them and verifies their signature; they carry the CN, the SPIFFE ID
// as the only URI SAN, and the public key of the returned private key.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createPrivateKey, createPublicKey } from 'node:crypto';
import { test } from 'node:test';
import { createKeyAndCsr } from './x509.js';

const openssl = (args: string[], input: string): string =>
  execFileSync('openssl', args, { input, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] });

test('a CSR with a SPIFFE ID verifies in OpenSSL and names the CN and the URI SAN', async () => {
  const id = 'spiffe://cluster.local/ns/shop/sa/cart';
  const { keyPem, csrPem } = await createKeyAndCsr('cart-1.shop', id);
  assert.match(
    csrPem,
    /^-----BEGIN CERTIFICATE REQUEST-----\n[A-Za-z0-9+/=\n]+-----END CERTIFICATE REQUEST-----\n$/,
  );
  const text = openssl(['req', '-verify', '-noout', '-text'], csrPem);
  assert.match(text, /Subject: CN\s?=\s?cart-1\.shop/);
  assert.match(text, /ASN1 OID: prime256v1/);
  assert.match(text, /Signature Algorithm: ecdsa-with-SHA256/);
  assert.match(
    text,
    /X509v3 Subject Alternative Name:\s*\n\s*URI:spiffe:\/\/cluster\.local\/ns\/shop\/sa\/cart\n/,
  );
  // The request's public key is the key returned with it.
  const csrKey = openssl(['req', '-noout', '-pubkey'], csrPem);
  const ownKey = createPublicKey(createPrivateKey(keyPem)).export({ type: 'spki', format: 'pem' });
  assert.equal(csrKey, ownKey);
});

test('a CSR without a SPIFFE ID has no extensions; each call makes a new key', async () => {
  const first = await createKeyAndCsr('a-0.default');
  const text = openssl(['req', '-verify', '-noout', '-text'], first.csrPem);
  assert.match(text, /Subject: CN\s?=\s?a-0\.default/);
  assert.doesNotMatch(text, /Subject Alternative Name/);
  const second = await createKeyAndCsr('a-0.default');
  assert.notEqual(second.keyPem, first.keyPem);
});
