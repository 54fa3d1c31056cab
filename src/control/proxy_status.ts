/**
 * ProxyTracker keeps, per proxy, what `mesh status` reports: connected or not, the config version
 * sent and the one ACKed, the last NACK and its reason, and the certificate last issued.
 * @module
 */

export interface NackRecord {
  version: string;
  reason: string;
  at: string;
}

export interface ProxyStatus {
  id: string;
  namespace: string;
  workload: string;
  address: string;
  proxyVersion: string;
  connected: boolean;
  connectedAt?: string;
  disconnectedAt?: string;
  /** Version of the last snapshot sent, and of the last one the proxy ACKed. */
  versionSent: string;
  versionAcked: string;
  ackedAt?: string;
  /** Set when the last answer was a NACK; cleared by the next ACK. */
  lastNack?: NackRecord;
  spiffeId?: string;
  certSerial?: string;
  certNotAfter?: string;
  certIssuedAt?: string;
  certificatesIssued: number;
}

export class ProxyTracker {
  readonly #proxies = new Map<string, ProxyStatus>();
  readonly #now: () => Date;

  constructor(now: () => Date = () => new Date()) {
    this.#now = now;
  }

  #entry(id: string): ProxyStatus {
    let entry = this.#proxies.get(id);
    if (!entry) {
      entry = {
        id,
        namespace: '',
        workload: '',
        address: '',
        proxyVersion: '',
        connected: false,
        versionSent: '',
        versionAcked: '',
        certificatesIssued: 0,
      };
      this.#proxies.set(id, entry);
    }
    return entry;
  }

  connected(
    node: { id: string; namespace: string; workload: string; address: string; proxy_version: string },
    appliedVersion: string,
  ): void {
    const e = this.#entry(node.id);
    Object.assign(e, {
      namespace: node.namespace,
      workload: node.workload,
      address: node.address,
      proxyVersion: node.proxy_version,
      connected: true,
      connectedAt: this.#stamp(),
      versionAcked: appliedVersion || e.versionAcked,
    });
  }

  disconnected(id: string): void {
    const e = this.#proxies.get(id);
    if (e) Object.assign(e, { connected: false, disconnectedAt: this.#stamp() });
  }

  sent(id: string, version: string): void {
    this.#entry(id).versionSent = version;
  }

  acked(id: string, version: string): void {
    const e = this.#entry(id);
    e.versionAcked = version;
    e.ackedAt = this.#stamp();
    delete e.lastNack;
  }

  nacked(id: string, version: string, reason: string): void {
    this.#entry(id).lastNack = { version, reason, at: this.#stamp() };
  }

  certificateIssued(id: string, spiffeId: string, serial: string, notAfter: Date): void {
    const e = this.#entry(id);
    Object.assign(e, {
      spiffeId,
      certSerial: serial,
      certNotAfter: notAfter.toISOString(),
      certIssuedAt: this.#stamp(),
      certificatesIssued: e.certificatesIssued + 1,
    });
  }

  forget(id: string): void {
    this.#proxies.delete(id);
  }

  get(id: string): ProxyStatus | undefined {
    const e = this.#proxies.get(id);
    return e && structuredClone(e);
  }

  list(): ProxyStatus[] {
    return [...this.#proxies.values()]
      .map((e) => structuredClone(e))
      .sort((a, b) => a.id.localeCompare(b.id));
  }

  #stamp(): string {
    return this.#now().toISOString();
  }
}
