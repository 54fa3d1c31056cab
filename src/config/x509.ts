/**
 * Workload keys and certificate signing requests for the proxy side. Node's crypto makes the key
 * and the signature; the PKCS#10 request around them (RFC 2986) is a few fixed DER structures,
 * written here so a sidecar does not load an X.509 library (~12 MB of memory) for one CSR a day.
 * @module
 */
import { generateKeyPair, sign, type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';

/** ECDSA P-256 with SHA-256: the only key type meshplane workload certificates use. */
export const workloadKeyAlgorithm = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;

/** KeyAndCsr is a fresh private key (PKCS#8 PEM) and a PKCS#10 request for its public key. */
export interface KeyAndCsr {
  keyPem: string;
  csrPem: string;
}

const generateEcKey = promisify(generateKeyPair);

/**
 * createKeyAndCsr makes an ECDSA P-256 key and a CSR with CN=<commonName> and, when given, the
 * SPIFFE ID as URI SAN (the control plane decides the SAN either way; asking lets it refuse a mismatch).
 */
export async function createKeyAndCsr(commonName: string, spiffeUri?: string): Promise<KeyAndCsr> {
  const { publicKey, privateKey } = await generateEcKey('ec', { namedCurve: 'P-256' });
  const csr = certificationRequest(commonName, spiffeUri, publicKey, privateKey);
  return {
    keyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }) as string,
    csrPem: pem('CERTIFICATE REQUEST', csr),
  };
}

// DER object identifiers, encoded.
const OID_COMMON_NAME = Buffer.from('0603550403', 'hex'); // 2.5.4.3
const OID_ECDSA_SHA256 = Buffer.from('06082a8648ce3d040302', 'hex'); // 1.2.840.10045.4.3.2
const OID_EXTENSION_REQUEST = Buffer.from('06092a864886f70d01090e', 'hex'); // 1.2.840.113549.1.9.14
const OID_SUBJECT_ALT_NAME = Buffer.from('0603551d11', 'hex'); // 2.5.29.17

function certificationRequest(
  commonName: string,
  spiffeUri: string | undefined,
  publicKey: KeyObject,
  privateKey: KeyObject,
): Buffer {
  const subject = seq(set(seq(OID_COMMON_NAME, tlv(0x0c, Buffer.from(commonName, 'utf8')))));
  const spki = publicKey.export({ type: 'spki', format: 'der' });
  // attributes [0]: an extensionRequest carrying subjectAltName = [uniformResourceIdentifier [6]].
  const attributes = spiffeUri
    ? tlv(
        0xa0,
        seq(
          OID_EXTENSION_REQUEST,
          set(seq(seq(OID_SUBJECT_ALT_NAME, tlv(0x04, seq(tlv(0x86, Buffer.from(spiffeUri, 'ascii'))))))),
        ),
      )
    : tlv(0xa0, Buffer.alloc(0));
  const info = seq(Buffer.from('020100', 'hex'), subject, spki, attributes); // version 0
  const signature = sign('sha256', info, { key: privateKey, dsaEncoding: 'der' });
  return seq(info, seq(OID_ECDSA_SHA256), tlv(0x03, Buffer.concat([Buffer.from([0]), signature])));
}

/** tlv encodes one DER element: tag, definite length, contents. */
function tlv(tag: number, ...contents: Buffer[]): Buffer {
  const body = Buffer.concat(contents);
  const n = body.length;
  const length = n < 0x80 ? [n] : n < 0x100 ? [0x81, n] : n < 0x10000 ? [0x82, n >> 8, n & 0xff] : undefined;
  if (!length) throw new RangeError(`DER element of ${n} bytes is too long for a CSR`);
  return Buffer.concat([Buffer.from([tag, ...length]), body]);
}

const seq = (...contents: Buffer[]): Buffer => tlv(0x30, ...contents);
const set = (...contents: Buffer[]): Buffer => tlv(0x31, ...contents);

function pem(label: string, der: Buffer): string {
  const lines = der.toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}
