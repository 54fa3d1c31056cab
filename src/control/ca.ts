/**
 * CertificateAuthority is the mesh's root of trust: an ECDSA P-256 root kept in the state directory
 * (key 0600, directory 0700) that signs short-lived workload certificates (X.509 SVIDs: the SPIFFE ID
 * as the only URI SAN, CN = the proxy's node id) and the control plane's own server certificate.
 * @module
 */
import { randomBytes, X509Certificate } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { InvalidInputError } from '../errors/index.js';
import { StateDirError } from './errors.js';
import { writeFileAtomic } from './files.js';
import { keyAlgorithm, webcrypto, x509 } from './x509.js';

type CryptoKey = webcrypto.CryptoKey;

/** IssuedCertificate is one signed leaf. */
export interface IssuedCertificate {
  certPem: string;
  serial: string;
  notBefore: Date;
  notAfter: Date;
}

/** WorkloadCertificateRequest says what to put in a workload certificate; the CSR only gives the key. */
export interface WorkloadCertificateRequest {
  csrPem: string;
  spiffeId: string;
  commonName: string;
  ttlMs: number;
}

const rootLifetimeMs = 10 * 365 * 24 * 3600 * 1000;
const rootCertFileName = 'root-cert.pem';
const rootKeyFileName = 'root-key.pem';

export class CertificateAuthority {
  readonly trustDomain: string;
  readonly rootCertPem: string;
  /** rootCertFile is what proxies get as --root-ca. */
  readonly rootCertFile: string;
  readonly #rootKey: CryptoKey;
  readonly #root: x509.X509Certificate;
  readonly #now: () => number;

  private constructor(
    trustDomain: string,
    root: x509.X509Certificate,
    rootKey: CryptoKey,
    rootCertFile: string,
    now: () => number,
  ) {
    this.trustDomain = trustDomain;
    this.#root = root;
    this.#rootKey = rootKey;
    this.rootCertPem = root.toString('pem');
    this.rootCertFile = rootCertFile;
    this.#now = now;
  }

  /**
   * loadOrCreate opens the root in `dir`, or makes one when the directory has none. A root made for
   * another trust domain is refused: certificates it signed would carry the wrong SPIFFE IDs.
   */
  static async loadOrCreate(dir: string, trustDomain: string, now = Date.now): Promise<CertificateAuthority> {
    const certFile = join(dir, rootCertFileName);
    const keyFile = join(dir, rootKeyFileName);
    let certPem: string | undefined;
    let keyPem: string | undefined;
    try {
      [certPem, keyPem] = await Promise.all([readFile(certFile, 'utf8'), readFile(keyFile, 'utf8')]);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
        throw new StateDirError(`cannot read the mesh CA in ${dir}: ${(error as Error).message}`, error);
      }
    }
    if (certPem !== undefined && keyPem !== undefined) {
      let root: x509.X509Certificate;
      let key: CryptoKey;
      try {
        root = new x509.X509Certificate(certPem);
        key = await webcrypto.subtle.importKey(
          'pkcs8',
          x509.PemConverter.decode(keyPem)[0]!,
          keyAlgorithm,
          false,
          ['sign'],
        );
      } catch (error) {
        throw new StateDirError(`the mesh CA in ${dir} is unreadable: ${(error as Error).message}`, error);
      }
      const existing = rootTrustDomain(root);
      if (existing !== trustDomain) {
        throw new InvalidInputError(
          'trustDomain',
          trustDomain,
          `"${existing}", the trust domain the CA in ${dir} was created for (use another --state-dir for a new trust domain)`,
        );
      }
      return new CertificateAuthority(trustDomain, root, key, certFile, now);
    }
    const keys = (await webcrypto.subtle.generateKey(keyAlgorithm, true, [
      'sign',
      'verify',
    ])) as webcrypto.CryptoKeyPair;
    const notBefore = new Date(now() - 60_000);
    const root = await x509.X509CertificateGenerator.createSelfSigned({
      serialNumber: randomSerial(),
      name: [{ O: ['meshplane'] }, { CN: [`meshplane root CA (${trustDomain})`] }],
      notBefore,
      notAfter: new Date(notBefore.getTime() + rootLifetimeMs),
      keys,
      signingAlgorithm: keyAlgorithm,
      extensions: [
        new x509.BasicConstraintsExtension(true, 0, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
        await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
        new x509.SubjectAlternativeNameExtension([{ type: 'url', value: `spiffe://${trustDomain}` }]),
      ],
    });
    const pkcs8 = await webcrypto.subtle.exportKey('pkcs8', keys.privateKey);
    await mkdir(dir, { recursive: true, mode: 0o700 });
    await writeFileAtomic(keyFile, x509.PemConverter.encode(pkcs8, 'PRIVATE KEY'), 0o600);
    await writeFileAtomic(certFile, root.toString('pem'), 0o644);
    return new CertificateAuthority(trustDomain, root, keys.privateKey, certFile, now);
  }

  /**
   * signWorkload checks the CSR's signature and key type and issues a certificate for its key with
   * the given SPIFFE ID. The CSR may name the same URI SAN or none; asking for another identity is
   * refused, so a misconfigured proxy learns why it got no certificate.
   */
  async signWorkload(request: WorkloadCertificateRequest): Promise<IssuedCertificate> {
    let csr: x509.Pkcs10CertificateRequest;
    try {
      csr = new x509.Pkcs10CertificateRequest(request.csrPem);
    } catch {
      throw new InvalidInputError('csr_pem', '(unparsable)', 'a PEM-encoded PKCS#10 certificate request');
    }
    if (!(await csr.verify())) {
      throw new InvalidInputError('csr_pem', '(bad signature)', 'a CSR signed by the key it carries');
    }
    const alg = csr.publicKey.algorithm as { name: string; namedCurve?: string };
    if (alg.name !== 'ECDSA' || alg.namedCurve !== 'P-256') {
      throw new InvalidInputError(
        'csr_pem',
        `${alg.name} ${alg.namedCurve ?? ''}`.trim(),
        'an ECDSA P-256 public key',
      );
    }
    const sanExtension = csr.getExtension('2.5.29.17');
    if (sanExtension) {
      const names = new x509.SubjectAlternativeNameExtension(sanExtension.rawData).names.items;
      const asked = names.filter((n) => n.type === 'url').map((n) => n.value);
      if (asked.some((uri) => uri !== request.spiffeId)) {
        throw new InvalidInputError('csr_pem', asked.join(','), `no URI SAN, or exactly ${request.spiffeId}`);
      }
    }
    const publicKey = await csr.publicKey.export(keyAlgorithm, ['verify']);
    return this.#issue({
      subject: [{ CN: [request.commonName] }],
      publicKey,
      ttlMs: request.ttlMs,
      san: [{ type: 'url', value: request.spiffeId }],
      extendedUsages: [x509.ExtendedKeyUsage.serverAuth, x509.ExtendedKeyUsage.clientAuth],
    });
  }

  /** issueServer makes a key and a server certificate, e.g. for the control plane's gRPC listener. */
  async issueServer(options: {
    commonName: string;
    dnsNames: string[];
    ipAddresses: string[];
    spiffeId?: string;
    ttlMs: number;
  }): Promise<IssuedCertificate & { keyPem: string }> {
    const keys = (await webcrypto.subtle.generateKey(keyAlgorithm, true, [
      'sign',
      'verify',
    ])) as webcrypto.CryptoKeyPair;
    const san: x509.JsonGeneralName[] = [
      ...options.dnsNames.map((value) => ({ type: 'dns' as const, value })),
      ...options.ipAddresses.map((value) => ({ type: 'ip' as const, value })),
      ...(options.spiffeId ? [{ type: 'url' as const, value: options.spiffeId }] : []),
    ];
    const issued = await this.#issue({
      subject: [{ CN: [options.commonName] }],
      publicKey: keys.publicKey,
      ttlMs: options.ttlMs,
      san,
      extendedUsages: [x509.ExtendedKeyUsage.serverAuth, x509.ExtendedKeyUsage.clientAuth],
    });
    const pkcs8 = await webcrypto.subtle.exportKey('pkcs8', keys.privateKey);
    return { ...issued, keyPem: x509.PemConverter.encode(pkcs8, 'PRIVATE KEY') };
  }

  /** verifyIssued tells whether a certificate (DER or PEM) was signed by this root and is valid now. */
  verifyIssued(cert: X509Certificate): boolean {
    const now = this.#now();
    const rootNode = new X509Certificate(this.rootCertPem);
    return (
      cert.checkIssued(rootNode) &&
      cert.verify(rootNode.publicKey) &&
      Date.parse(cert.validFrom) <= now &&
      now <= Date.parse(cert.validTo)
    );
  }

  async #issue(options: {
    subject: x509.JsonName;
    publicKey: CryptoKey;
    ttlMs: number;
    san: x509.JsonGeneralName[];
    extendedUsages: string[];
  }): Promise<IssuedCertificate> {
    // X.509 times have one-second resolution; start a second early so the certificate is valid at once.
    const notBefore = new Date(Math.floor(this.#now() / 1000) * 1000 - 1000);
    const notAfter = new Date(notBefore.getTime() + 1000 + options.ttlMs);
    const serial = randomSerial();
    const cert = await x509.X509CertificateGenerator.create({
      serialNumber: serial,
      subject: options.subject,
      issuer: this.#root.subjectName,
      notBefore,
      notAfter,
      publicKey: options.publicKey,
      signingKey: this.#rootKey,
      signingAlgorithm: keyAlgorithm,
      extensions: [
        new x509.BasicConstraintsExtension(false, undefined, true),
        new x509.KeyUsagesExtension(
          x509.KeyUsageFlags.digitalSignature |
            x509.KeyUsageFlags.keyEncipherment |
            x509.KeyUsageFlags.keyAgreement,
          true,
        ),
        new x509.ExtendedKeyUsageExtension(options.extendedUsages),
        await x509.SubjectKeyIdentifierExtension.create(options.publicKey),
        await x509.AuthorityKeyIdentifierExtension.create(this.#root),
        new x509.SubjectAlternativeNameExtension(options.san),
      ],
    });
    return { certPem: cert.toString('pem'), serial, notBefore, notAfter };
  }
}

/** rootTrustDomain reads spiffe://<td> from the root's URI SAN. */
function rootTrustDomain(root: x509.X509Certificate): string {
  const ext = root.getExtension(x509.SubjectAlternativeNameExtension);
  const uri = ext?.names.items.find((n) => n.type === 'url')?.value ?? '';
  return uri.replace(/^spiffe:\/\//, '');
}

/** randomSerial is 16 random bytes with the top bit clear, so the DER integer stays positive. */
function randomSerial(): string {
  const bytes = randomBytes(16);
  bytes[0] = bytes[0]! & 0x7f;
  return bytes.toString('hex');
}
