/**
 * Workload keys and certificate signing requests for the proxy side, made with @peculiar/x509 over
 * Node's WebCrypto (Node's own crypto can parse certificates but not create CSRs).
 * @module
 */
import 'reflect-metadata'; // @peculiar/x509's dependency injection needs the Reflect metadata API
import * as x509 from '@peculiar/x509';
import { webcrypto } from 'node:crypto';

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

/** ECDSA P-256 with SHA-256: the only key type meshplane workload certificates use. */
export const workloadKeyAlgorithm = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;

/** KeyAndCsr is a fresh private key (PKCS#8 PEM) and a PKCS#10 request for its public key. */
export interface KeyAndCsr {
  keyPem: string;
  csrPem: string;
}

/**
 * createKeyAndCsr makes an ECDSA P-256 key and a CSR with CN=<commonName> and, when given, the
 * SPIFFE ID as URI SAN (the control plane decides the SAN either way; asking lets it refuse a mismatch).
 */
export async function createKeyAndCsr(commonName: string, spiffeUri?: string): Promise<KeyAndCsr> {
  const keys = (await webcrypto.subtle.generateKey(workloadKeyAlgorithm, true, [
    'sign',
    'verify',
  ])) as webcrypto.CryptoKeyPair;
  const csr = await x509.Pkcs10CertificateRequestGenerator.create({
    name: [{ CN: [commonName] }],
    keys,
    signingAlgorithm: workloadKeyAlgorithm,
    extensions: spiffeUri
      ? [new x509.SubjectAlternativeNameExtension([{ type: 'url', value: spiffeUri }])]
      : [],
  });
  const pkcs8 = await webcrypto.subtle.exportKey('pkcs8', keys.privateKey);
  return { keyPem: x509.PemConverter.encode(pkcs8, 'PRIVATE KEY'), csrPem: csr.toString('pem') };
}
