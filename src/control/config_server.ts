/**
 * ConfigServer is the control plane's gRPC side: CertificateService.SignCertificate (workload
 * certificates from CSRs, authenticated by bootstrap token or by the current certificate) and
 * ProxyConfigService.StreamConfig (one bidi stream per proxy, authenticated by its certificate; a new
 * snapshot is pushed after any change, debounced, and every ACK/NACK is recorded).
 * @module
 */
import {
  Server,
  status as GrpcStatus,
  type sendUnaryData,
  type ServerDuplexStream,
  type ServerUnaryCall,
  type ServiceDefinition,
  type UntypedServiceImplementation,
} from '@grpc/grpc-js';
import { X509Certificate } from 'node:crypto';
import { isIP } from 'node:net';
import {
  CONTROL_PLANE_SERVER_NAME,
  parseSpiffeId,
  spiffeId,
  type CertificateRequest,
  type CertificateResponse,
  type ConfigRequest,
  type ConfigResponse,
  type Node,
  type ProxyConfig,
} from '../config/index.js';
import { configServices } from './services.js';
import { InvalidInputError } from '../errors/index.js';
import type { CertificateAuthority } from './ca.js';
import type { ProxyTracker } from './proxy_status.js';
import type { InstanceRegistry } from './registry.js';
import { OptionalClientCertCredentials } from './tls_credentials.js';
import type { BootstrapTokens, TokenSubject } from './tokens.js';

export interface ConfigServerOptions {
  ca: CertificateAuthority;
  tokens: BootstrapTokens;
  registry: InstanceRegistry;
  tracker: ProxyTracker;
  /** snapshot compiles the current config of one instance; undefined when the instance is unknown. */
  snapshot: (instanceId: string) => ProxyConfig | undefined;
  /** Lifetime of workload certificates in ms. */
  certTtlMs: number;
  /** Quiet time before a push, and the longest a push may wait while changes keep coming. */
  debounceMs?: number;
  maxDelayMs?: number;
  log?: (message: string) => void;
}

/** RpcError carries a gRPC status code to the caller. */
class RpcError extends Error {
  constructor(
    readonly code: GrpcStatus,
    message: string,
  ) {
    super(message);
  }
}

interface Session {
  node: Node;
  call: ServerDuplexStream<ConfigRequest, ConfigResponse>;
  nonce: number;
  versionSent: string;
}

const serverCertTtlMs = 30 * 24 * 3600 * 1000;

export class ConfigServer {
  readonly #o: ConfigServerOptions;
  readonly #sessions = new Map<string, Session>();
  #server: Server | undefined;
  #credentials: OptionalClientCertCredentials | undefined;
  #pushTimer: NodeJS.Timeout | undefined;
  #firstDirtyAt: number | undefined;
  #serverCertTimer: NodeJS.Timeout | undefined;
  #address = '';

  constructor(options: ConfigServerOptions) {
    this.#o = options;
  }

  /** address is the host:port the server listens on, once listening. */
  get address(): string {
    return this.#address;
  }

  /** listen binds host:port (port 0 picks a free one) and resolves to the bound host:port. */
  async listen(host: string, port: number): Promise<string> {
    const cert = await this.#serverCertificate(host);
    this.#credentials = new OptionalClientCertCredentials(this.#o.ca.rootCertPem, cert.certPem, cert.keyPem);
    this.#scheduleServerCertRenewal(host);
    const server = new Server({ 'grpc.max_receive_message_length': 4 * 1024 * 1024 });
    const services = configServices();
    server.addService(
      services.CertificateService.service as ServiceDefinition,
      {
        SignCertificate: (
          call: ServerUnaryCall<CertificateRequest, CertificateResponse>,
          cb: sendUnaryData<CertificateResponse>,
        ) => void this.#signCertificate(call, cb),
      } as UntypedServiceImplementation,
    );
    server.addService(
      services.ProxyConfigService.service as ServiceDefinition,
      {
        StreamConfig: (call: ServerDuplexStream<ConfigRequest, ConfigResponse>) => this.#streamConfig(call),
      } as UntypedServiceImplementation,
    );
    const target = `${isIP(host) === 6 ? `[${host}]` : host}:${port}`;
    const bound = await new Promise<number>((resolve, reject) =>
      server.bindAsync(target, this.#credentials!, (err, p) => (err ? reject(err) : resolve(p))),
    );
    this.#server = server;
    this.#address = `${host}:${bound}`;
    return this.#address;
  }

  /** changed schedules a push to every connected proxy whose snapshot differs from what it has. */
  changed(): void {
    const now = Date.now();
    this.#firstDirtyAt ??= now;
    clearTimeout(this.#pushTimer);
    const wait = Math.max(
      0,
      Math.min(this.#o.debounceMs ?? 100, this.#firstDirtyAt + (this.#o.maxDelayMs ?? 1000) - now),
    );
    this.#pushTimer = setTimeout(() => {
      this.#firstDirtyAt = undefined;
      for (const session of this.#sessions.values()) this.#push(session);
    }, wait);
  }

  /** connectedProxies is the node ids with an open stream. */
  connectedProxies(): string[] {
    return [...this.#sessions.keys()].sort();
  }

  /** close ends every stream and stops listening at once (proxies keep their last config and reconnect). */
  async close(): Promise<void> {
    clearTimeout(this.#pushTimer);
    clearTimeout(this.#serverCertTimer);
    for (const session of this.#sessions.values()) this.#o.tracker.disconnected(session.node.id);
    this.#sessions.clear();
    this.#server?.forceShutdown();
    this.#server = undefined;
  }

  // --- SignCertificate ----------------------------------------------------------------------

  async #signCertificate(
    call: ServerUnaryCall<CertificateRequest, CertificateResponse>,
    cb: sendUnaryData<CertificateResponse>,
  ): Promise<void> {
    const req = call.request;
    try {
      const node = req.node;
      if (!node || !node.id) throw new RpcError(GrpcStatus.INVALID_ARGUMENT, 'node.id is missing');
      const subject = req.bootstrap_token
        ? this.#byToken(req.bootstrap_token, node)
        : this.#byPeerCert(call, node);
      if (node.namespace !== subject.namespace || node.service_account !== subject.serviceAccount) {
        throw new RpcError(
          GrpcStatus.PERMISSION_DENIED,
          `instance ${subject.instanceId} runs as service account ${subject.namespace}/${subject.serviceAccount}, not ${node.namespace}/${node.service_account}`,
        );
      }
      const id = spiffeId(this.#o.ca.trustDomain, subject.namespace, subject.serviceAccount);
      const issued = await this.#o.ca.signWorkload({
        csrPem: req.csr_pem,
        spiffeId: id,
        commonName: subject.instanceId,
        ttlMs: this.#o.certTtlMs,
      });
      this.#o.tracker.certificateIssued(subject.instanceId, id, issued.serial, issued.notAfter);
      this.#o.log?.(`issued ${id} to ${subject.instanceId}, valid until ${issued.notAfter.toISOString()}`);
      cb(null, {
        certificate_chain_pem: issued.certPem,
        trust_bundle_pem: this.#o.ca.rootCertPem,
        spiffe_id: id,
        not_after_unix_ms: issued.notAfter.getTime(),
      });
    } catch (error) {
      cb(toServiceError(error));
    }
  }

  #byToken(token: string, node: Node): TokenSubject {
    const subject = this.#o.tokens.verify(token);
    if (!subject) throw new RpcError(GrpcStatus.UNAUTHENTICATED, 'unknown or revoked bootstrap token');
    if (subject.instanceId !== node.id) {
      throw new RpcError(
        GrpcStatus.PERMISSION_DENIED,
        `bootstrap token belongs to instance ${subject.instanceId}, not ${node.id}`,
      );
    }
    return subject;
  }

  /** byPeerCert authenticates a renewal by the certificate the caller already has. */
  #byPeerCert(call: ServerUnaryCall<CertificateRequest, CertificateResponse>, node: Node): TokenSubject {
    const peer = this.#peer(call);
    if (!peer)
      throw new RpcError(GrpcStatus.UNAUTHENTICATED, 'no bootstrap token and no valid client certificate');
    if (peer.commonName !== node.id) {
      throw new RpcError(
        GrpcStatus.PERMISSION_DENIED,
        `client certificate is for ${peer.commonName}, not ${node.id}`,
      );
    }
    const subject = this.#o.tokens.subject(node.id);
    if (!subject)
      throw new RpcError(GrpcStatus.PERMISSION_DENIED, `instance ${node.id} is no longer registered`);
    if (subject.namespace !== peer.namespace || subject.serviceAccount !== peer.serviceAccount) {
      throw new RpcError(
        GrpcStatus.PERMISSION_DENIED,
        `client certificate identity does not match instance ${node.id}`,
      );
    }
    return subject;
  }

  /** peer reads the verified client certificate: CN and SPIFFE ID. */
  #peer(call: {
    getAuthContext(): { sslPeerCertificate?: { raw: Buffer } } | null;
  }): { commonName: string; namespace: string; serviceAccount: string; spiffeId: string } | undefined {
    const raw = call.getAuthContext()?.sslPeerCertificate?.raw;
    if (!raw) return undefined;
    const cert = new X509Certificate(raw);
    if (!this.#o.ca.verifyIssued(cert)) return undefined;
    const uri = /URI:([^,\s]+)/.exec(cert.subjectAltName ?? '')?.[1] ?? '';
    const parsed = parseSpiffeId(uri);
    const commonName = /(?:^|\n)CN=([^\n]+)/.exec(cert.subject)?.[1] ?? '';
    if (!parsed || parsed.trustDomain !== this.#o.ca.trustDomain) return undefined;
    return { commonName, namespace: parsed.namespace, serviceAccount: parsed.serviceAccount, spiffeId: uri };
  }

  // --- StreamConfig -------------------------------------------------------------------------

  #streamConfig(call: ServerDuplexStream<ConfigRequest, ConfigResponse>): void {
    let session: Session | undefined;
    const finish = (): void => {
      if (session && this.#sessions.get(session.node.id) === session) {
        this.#sessions.delete(session.node.id);
        this.#o.tracker.disconnected(session.node.id);
        this.#o.log?.(`proxy ${session.node.id} disconnected`);
      }
      session = undefined;
    };
    call.on('data', (req: ConfigRequest) => {
      if (!session) {
        try {
          session = this.#open(call, req);
        } catch (error) {
          call.emit('error', toServiceError(error));
          return;
        }
        return;
      }
      this.#answer(session, req);
    });
    call.on('end', () => {
      finish();
      call.end();
    });
    call.on('cancelled', finish);
    call.on('close', finish);
    call.on('error', finish);
  }

  #open(call: ServerDuplexStream<ConfigRequest, ConfigResponse>, req: ConfigRequest): Session {
    const node = req.node;
    if (!node || !node.id)
      throw new RpcError(GrpcStatus.INVALID_ARGUMENT, 'the first request must carry node.id');
    const peer = this.#peer(call);
    if (!peer)
      throw new RpcError(GrpcStatus.UNAUTHENTICATED, 'a workload certificate from the mesh CA is required');
    if (
      peer.commonName !== node.id ||
      peer.namespace !== node.namespace ||
      peer.serviceAccount !== node.service_account
    ) {
      throw new RpcError(
        GrpcStatus.PERMISSION_DENIED,
        `client certificate (${peer.commonName}, ${peer.spiffeId}) does not match node ${node.id} (${node.namespace}/${node.service_account})`,
      );
    }
    const instance = this.#o.registry.get(node.id);
    if (!instance) throw new RpcError(GrpcStatus.UNAVAILABLE, `instance ${node.id} is not registered (yet)`);
    if (
      instance.address !== node.address ||
      instance.workload !== node.workload ||
      instance.serviceAccount !== node.service_account
    ) {
      throw new RpcError(
        GrpcStatus.PERMISSION_DENIED,
        `node ${node.id} claims ${node.workload}@${node.address}, but the platform runs it as ${instance.workload}@${instance.address}`,
      );
    }
    const previous = this.#sessions.get(node.id);
    if (previous) previous.call.end(); // a reconnect replaces the old stream
    const session: Session = { node, call, nonce: 0, versionSent: '' };
    this.#sessions.set(node.id, session);
    this.#o.tracker.connected(node, req.version_info);
    this.#o.log?.(`proxy ${node.id} connected (has version "${req.version_info}")`);
    this.#push(session, true);
    return session;
  }

  #answer(session: Session, req: ConfigRequest): void {
    const id = session.node.id;
    if (req.response_nonce !== String(session.nonce)) return; // an answer to a snapshot already superseded
    if (req.error_detail) {
      this.#o.tracker.nacked(id, session.versionSent, req.error_detail.message);
      this.#o.log?.(`proxy ${id} rejected version ${session.versionSent}: ${req.error_detail.message}`);
    } else {
      this.#o.tracker.acked(id, req.version_info);
    }
  }

  #push(session: Session, force = false): void {
    const config = this.#o.snapshot(session.node.id);
    if (!config) return;
    if (!force && config.version === session.versionSent) return;
    session.nonce++;
    session.versionSent = config.version;
    this.#o.tracker.sent(session.node.id, config.version);
    session.call.write({ version_info: config.version, nonce: String(session.nonce), config });
  }

  // --- the control plane's own certificate ----------------------------------------------------

  #serverCertificate(host: string): ReturnType<CertificateAuthority['issueServer']> {
    return this.#o.ca.issueServer({
      commonName: CONTROL_PLANE_SERVER_NAME,
      dnsNames: [CONTROL_PLANE_SERVER_NAME, 'localhost'],
      ipAddresses: isIP(host) ? [host] : [],
      spiffeId: spiffeId(this.#o.ca.trustDomain, 'meshplane-system', 'control-plane'),
      ttlMs: serverCertTtlMs,
    });
  }

  #scheduleServerCertRenewal(host: string): void {
    this.#serverCertTimer = setTimeout(
      () =>
        void this.#serverCertificate(host).then((cert) => {
          this.#credentials?.rotate(cert.certPem, cert.keyPem);
          this.#scheduleServerCertRenewal(host);
        }),
      Math.min((serverCertTtlMs * 2) / 3, 2 ** 31 - 1),
    );
    this.#serverCertTimer.unref();
  }
}

function toServiceError(error: unknown): { code: GrpcStatus; details: string; message: string } {
  if (error instanceof RpcError) return { code: error.code, details: error.message, message: error.message };
  if (error instanceof InvalidInputError) {
    return { code: GrpcStatus.INVALID_ARGUMENT, details: error.message, message: error.message };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { code: GrpcStatus.INTERNAL, details: message, message };
}
