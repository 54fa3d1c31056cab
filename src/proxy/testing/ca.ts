/**
 * TestCa: a throwaway certificate authority made with the openssl CLI at test time, issuing P-256
 * workload certificates with SPIFFE URI SANs (and, for negative tests, a second unrelated CA).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { WorkloadIdentity } from '../../config/index.js';

function openssl(args: string[], cwd: string): void {
  execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
}

export class TestCa {
  readonly dir: string;
  readonly certPem: string;
  private serial = 0;

  constructor(readonly name = 'meshplane test root') {
    this.dir = mkdtempSync(join(tmpdir(), 'meshplane-ca-'));
    openssl(
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:P-256',
        '-nodes',
        '-keyout',
        'ca.key',
        '-out',
        'ca.crt',
        '-days',
        '2',
        '-subj',
        `/O=meshplane/CN=${name}`,
        '-addext',
        'basicConstraints=critical,CA:TRUE',
        '-addext',
        'keyUsage=critical,keyCertSign,cRLSign',
      ],
      this.dir,
    );
    this.certPem = readFileSync(join(this.dir, 'ca.crt'), 'utf8');
  }

  /**
   * issue signs a workload certificate for `spiffeId` (empty: no URI SAN) valid for `days`, with
   * `dnsNames` as DNS SANs too (for servers checked by name).
   */
  issue(
    spiffeId: string,
    days = 1,
    dnsNames: string[] = [],
  ): WorkloadIdentity & { certFile: string; keyFile: string; caFile: string } {
    const n = ++this.serial;
    const sans = [...(spiffeId ? [`URI:${spiffeId}`] : []), ...dnsNames.map((d) => `DNS:${d}`)];
    const ext = [
      'basicConstraints=critical,CA:FALSE',
      'keyUsage=critical,digitalSignature,keyEncipherment',
      'extendedKeyUsage=serverAuth,clientAuth',
      ...(sans.length > 0 ? [`subjectAltName=${sans.join(',')}`] : []),
    ].join('\n');
    writeFileSync(join(this.dir, `leaf${n}.ext`), `${ext}\n`);
    openssl(
      [
        'req',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:P-256',
        '-nodes',
        '-keyout',
        `leaf${n}.key`,
        '-out',
        `leaf${n}.csr`,
        '-subj',
        `/O=meshplane/CN=leaf${n}`,
      ],
      this.dir,
    );
    openssl(
      [
        'x509',
        '-req',
        '-in',
        `leaf${n}.csr`,
        '-CA',
        'ca.crt',
        '-CAkey',
        'ca.key',
        '-set_serial',
        String(1000 + n),
        '-days',
        String(days),
        '-out',
        `leaf${n}.crt`,
        '-extfile',
        `leaf${n}.ext`,
      ],
      this.dir,
    );
    const certFile = join(this.dir, `leaf${n}.crt`);
    const keyFile = join(this.dir, `leaf${n}.key`);
    return {
      spiffeId,
      keyPem: readFileSync(keyFile, 'utf8'),
      certChainPem: readFileSync(certFile, 'utf8'),
      trustBundlePem: this.certPem,
      notAfter: new Date(Date.now() + days * 86_400_000),
      certFile,
      keyFile,
      caFile: join(this.dir, 'ca.crt'),
    };
  }

  cleanup(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}
