/**
 * ControlPlaneClient is the proxy's side of the config stream. It bootstraps a workload certificate
 * (SignCertificate with the per-instance bootstrap token), opens StreamConfig over mTLS with that
 * certificate, hands each snapshot to the proxy and ACKs or NACKs with the proxy's verdict, reconnects
 * with exponential back-off and jitter, and renews the certificate at 2/3 of its lifetime. Renewal is
 * authenticated by the current certificate (mTLS, no token); only when that certificate has already
 * expired (control plane unreachable for too long) does it fall back to the bootstrap token.
 * @module
 */
import { X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { ExponentialBackoff, type BackoffOptions } from './backoff.js';
import { CertificateRefusedError, ClientClosedError } from './errors.js';
import { CONTROL_PLANE_SERVER_NAME, spiffeId as formatSpiffeId } from './naming.js';
import { decodeMessage, encodeMessage } from './codec.js';
import { GrpcChannel, GrpcError, GrpcStatus, type GrpcStream, type GrpcTarget } from './grpc.js';
import type { ConfigSource, ConfigSourceState, WorkloadIdentity } from './source.js';
import type {
  CertificateRequest,
  CertificateResponse,
  ConfigRequest,
  ConfigResponse,
  Node,
  ProxyConfig,
} from './types.js';
import { createKeyAndCsr } from './x509.js';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface ControlPlaneClientOptions {
  /** This proxy: id, namespace, workload, service_account and address must match what the platform registered. */
  node: Node;
  /** host:port of the control plane's gRPC listener, e.g. 127.0.0.1:15010. */
  controlPlane: string;
  /** Root certificate(s) of the mesh CA: verifies the control plane and is the first trust bundle. */
  rootCaPem: string;
  /** Per-instance secret from the platform, presented on the first SignCertificate. */
  bootstrapToken: string;
  /** TLS name expected in the control plane's certificate. */
  serverName?: string;
  /** When set, the CSR asks for spiffe://<trustDomain>/ns/<ns>/sa/<sa>; otherwise it names no SAN and the control plane sets it. */
  trustDomain?: string;
  /** Fraction of the certificate lifetime after which it is renewed (default 2/3). */
  renewAt?: number;
  /** Reconnect and retry back-off (default 250 ms doubling to 10 s, jittered). */
  backoff?: BackoffOptions;
  /** Deadline of one SignCertificate call in ms (default 5000). */
  callTimeoutMs?: number;
  log?: (level: LogLevel, message: string) => void;
}

/** Files the platform hands the proxy: the mesh root certificate and the bootstrap token. */
export interface ControlPlaneClientFiles {
  rootCaFile: string;
  bootstrapTokenFile: string;
}

type ConfigHandler = (config: ProxyConfig) => Error | undefined;

const SIGN_CERTIFICATE = '/meshplane.config.v1.CertificateService/SignCertificate';
const STREAM_CONFIG = '/meshplane.config.v1.ProxyConfigService/StreamConfig';

/** Codes that mean "you are not allowed", not "try again later". */
const refusedCodes = new Set<number>([
  GrpcStatus.UNAUTHENTICATED,
  GrpcStatus.PERMISSION_DENIED,
  GrpcStatus.INVALID_ARGUMENT,
  GrpcStatus.FAILED_PRECONDITION,
]);
const maxTimerMs = 2 ** 31 - 1;

export class ControlPlaneClient implements ConfigSource {
  readonly #options: ControlPlaneClientOptions;
  readonly #configHandlers: ConfigHandler[] = [];
  readonly #identityHandlers: ((identity: WorkloadIdentity) => void)[] = [];
  readonly #stateHandlers: ((state: ConfigSourceState) => void)[] = [];
  readonly #streamBackoff: ExponentialBackoff;
  readonly #renewBackoff: ExponentialBackoff;
  #identity: WorkloadIdentity | undefined;
  #state: ConfigSourceState = 'disconnected';
  #appliedVersion = '';
  #started = false;
  #closed = false;
  #channel: GrpcChannel | undefined;
  #stream: GrpcStream | undefined;
  #reconnectTimer: NodeJS.Timeout | undefined;
  #renewTimer: NodeJS.Timeout | undefined;
  #firstSnapshot: { resolve: () => void; reject: (e: Error) => void } | undefined;

  constructor(options: ControlPlaneClientOptions) {
    this.#options = options;
    this.#streamBackoff = new ExponentialBackoff(options.backoff);
    this.#renewBackoff = new ExponentialBackoff(options.backoff);
  }

  /** fromFiles reads the root certificate and bootstrap token files the platform wrote. */
  static async fromFiles(
    options: Omit<ControlPlaneClientOptions, 'rootCaPem' | 'bootstrapToken'> & ControlPlaneClientFiles,
  ): Promise<ControlPlaneClient> {
    const [rootCaPem, token] = await Promise.all([
      readFile(options.rootCaFile, 'utf8'),
      readFile(options.bootstrapTokenFile, 'utf8'),
    ]);
    return new ControlPlaneClient({ ...options, rootCaPem, bootstrapToken: token.trim() });
  }

  onConfig(handler: ConfigHandler): void {
    this.#configHandlers.push(handler);
  }

  onIdentity(handler: (identity: WorkloadIdentity) => void): void {
    this.#identityHandlers.push(handler);
  }

  onState(handler: (state: ConfigSourceState) => void): void {
    this.#stateHandlers.push(handler);
  }

  /** state tells whether a config stream is currently up. */
  get state(): ConfigSourceState {
    return this.#state;
  }

  /** identity is the current certificate, once bootstrapped. */
  get identity(): WorkloadIdentity | undefined {
    return this.#identity;
  }

  /** appliedVersion is the version of the last snapshot the proxy accepted. */
  get appliedVersion(): string {
    return this.#appliedVersion;
  }

  async start(): Promise<void> {
    if (this.#started) throw new Error('ControlPlaneClient.start() called twice');
    this.#started = true;
    this.#setState('connecting');
    const first = new Promise<void>((resolve, reject) => (this.#firstSnapshot = { resolve, reject }));
    try {
      await this.#bootstrap();
    } catch (error) {
      this.#firstSnapshot = undefined;
      await this.close();
      throw error;
    }
    this.#connect();
    return first;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearTimeout(this.#reconnectTimer);
    clearTimeout(this.#renewTimer);
    this.#dropStream();
    this.#firstSnapshot?.reject(new ClientClosedError());
    this.#firstSnapshot = undefined;
    this.#setState('disconnected');
  }

  // --- certificates -------------------------------------------------------------------------

  /** bootstrap gets the first certificate, retrying while the control plane is unreachable. */
  async #bootstrap(): Promise<void> {
    for (;;) {
      if (this.#closed) throw new ClientClosedError();
      try {
        this.#installIdentity(await this.#requestCertificate(true));
        this.#renewBackoff.reset();
        return;
      } catch (error) {
        if (error instanceof CertificateRefusedError) throw error;
        const delay = this.#renewBackoff.next();
        this.#log('warn', `certificate bootstrap failed (${errorText(error)}); retrying in ${delay} ms`);
        await new Promise((r) => setTimeout(r, delay));
      }
    }
  }

  /** requestCertificate makes a fresh key and CSR and asks the control plane to sign it. */
  async #requestCertificate(withToken: boolean): Promise<WorkloadIdentity> {
    const { node } = this.#options;
    const td = this.#options.trustDomain;
    const uri = td ? formatSpiffeId(td, node.namespace, node.service_account) : undefined;
    const { keyPem, csrPem } = await createKeyAndCsr(node.id, uri);
    const channel = new GrpcChannel(this.#target(!withToken));
    try {
      const request: CertificateRequest = {
        node,
        csr_pem: csrPem,
        bootstrap_token: withToken ? this.#options.bootstrapToken : '',
      };
      const response = decodeMessage<CertificateResponse>(
        'CertificateResponse',
        await channel.unary(
          SIGN_CERTIFICATE,
          encodeMessage('CertificateRequest', request),
          this.#options.callTimeoutMs ?? 5000,
        ),
      );
      const leaf = new X509Certificate(response.certificate_chain_pem);
      return {
        spiffeId: response.spiffe_id,
        keyPem,
        certChainPem: response.certificate_chain_pem,
        trustBundlePem: response.trust_bundle_pem || this.#options.rootCaPem,
        notAfter: new Date(response.not_after_unix_ms || Date.parse(leaf.validTo)),
      };
    } catch (error) {
      if (error instanceof GrpcError && refusedCodes.has(error.code)) {
        throw new CertificateRefusedError(
          `control plane refused the certificate request for ${node.id}: ${error.details}`,
          error,
        );
      }
      throw error;
    } finally {
      channel.close();
    }
  }

  #installIdentity(identity: WorkloadIdentity): void {
    this.#identity = identity;
    this.#log('info', `certificate for ${identity.spiffeId} valid until ${identity.notAfter.toISOString()}`);
    for (const handler of this.#identityHandlers) handler(identity);
    this.#scheduleRenewal();
  }

  #scheduleRenewal(delayMs?: number): void {
    clearTimeout(this.#renewTimer);
    if (this.#closed || !this.#identity) return;
    const leaf = new X509Certificate(this.#identity.certChainPem);
    const notBefore = Date.parse(leaf.validFrom);
    const notAfter = this.#identity.notAfter.getTime();
    const at = notBefore + (notAfter - notBefore) * (this.#options.renewAt ?? 2 / 3);
    const delay = delayMs ?? Math.max(0, at - Date.now());
    this.#renewTimer = setTimeout(() => void this.#renew(), Math.min(delay, maxTimerMs));
    this.#renewTimer.unref();
  }

  /** renew replaces the certificate; connections already open keep the one they were made with. */
  async #renew(): Promise<void> {
    if (this.#closed || !this.#identity) return;
    const expired = this.#identity.notAfter.getTime() <= Date.now();
    try {
      const identity = await this.#requestCertificate(expired);
      if (this.#closed) return;
      this.#renewBackoff.reset();
      this.#installIdentity(identity);
    } catch (error) {
      if (this.#closed) return;
      const delay = this.#renewBackoff.next();
      this.#log('warn', `certificate renewal failed (${errorText(error)}); retrying in ${delay} ms`);
      this.#scheduleRenewal(delay);
    }
  }

  // --- config stream ------------------------------------------------------------------------

  #connect(): void {
    if (this.#closed) return;
    if (this.#identity && this.#identity.notAfter.getTime() <= Date.now()) {
      // An expired certificate cannot open a stream: renew (with the token) first.
      void this.#renew().then(() => this.#scheduleReconnect());
      return;
    }
    this.#setState('connecting');
    const channel = new GrpcChannel(this.#target(true));
    let first = true;
    const ended = (error?: Error): void => {
      if (this.#stream !== stream) return;
      this.#log('warn', `config stream closed: ${error ? errorText(error) : 'ended by the control plane'}`);
      this.#dropStream();
      this.#setState('disconnected');
      this.#scheduleReconnect();
    };
    const received = (bytes: Buffer): void => {
      if (this.#stream !== stream) return;
      let response: ConfigResponse;
      try {
        response = decodeMessage<ConfigResponse>('ConfigResponse', bytes);
      } catch (error) {
        ended(new Error(`undecodable config response: ${errorText(error)}`));
        return;
      }
      if (first) {
        first = false;
        this.#streamBackoff.reset();
        this.#setState('connected');
      }
      this.#onResponse(stream, response);
    };
    const stream = channel.stream(STREAM_CONFIG, { onMessage: received, onEnd: ended });
    this.#channel = channel;
    this.#stream = stream;
    this.#send(stream, {
      node: this.#options.node,
      version_info: this.#appliedVersion,
      response_nonce: '',
      error_detail: null,
    });
  }

  #send(stream: GrpcStream, request: ConfigRequest): void {
    stream.write(encodeMessage('ConfigRequest', request));
  }

  #onResponse(stream: GrpcStream, response: ConfigResponse): void {
    let verdict: Error | undefined;
    if (!response.config) verdict = new Error('response carries no config');
    else if (response.version_info !== this.#appliedVersion || this.#appliedVersion === '') {
      verdict = this.#apply(response.config);
    }
    if (!verdict) this.#appliedVersion = response.version_info;
    else this.#log('warn', `rejected config version ${response.version_info}: ${verdict.message}`);
    this.#send(stream, {
      node: null,
      version_info: this.#appliedVersion,
      response_nonce: response.nonce,
      error_detail: verdict ? { code: GrpcStatus.INVALID_ARGUMENT, message: verdict.message } : null,
    });
    this.#firstSnapshot?.resolve();
    this.#firstSnapshot = undefined;
  }

  #apply(config: ProxyConfig): Error | undefined {
    for (const handler of this.#configHandlers) {
      try {
        const verdict = handler(config);
        if (verdict) return verdict;
      } catch (error) {
        return error instanceof Error ? error : new Error(String(error));
      }
    }
    return undefined;
  }

  #scheduleReconnect(): void {
    if (this.#closed) return;
    clearTimeout(this.#reconnectTimer);
    const delay = this.#streamBackoff.next();
    this.#reconnectTimer = setTimeout(() => this.#connect(), delay);
  }

  #dropStream(): void {
    this.#stream?.cancel();
    this.#channel?.close();
    this.#stream = undefined;
    this.#channel = undefined;
  }

  // --- plumbing -----------------------------------------------------------------------------

  /** target is the control plane, with this proxy's certificate when `mtls` and one is installed. */
  #target(mtls: boolean): GrpcTarget {
    const identity = mtls ? this.#identity : undefined;
    return {
      address: this.#options.controlPlane,
      authority: this.#options.serverName ?? CONTROL_PLANE_SERVER_NAME,
      ca: this.#options.rootCaPem,
      ...(identity ? { cert: identity.certChainPem, key: identity.keyPem } : {}),
    };
  }

  #setState(state: ConfigSourceState): void {
    if (state === this.#state) return;
    this.#state = state;
    for (const handler of this.#stateHandlers) handler(state);
  }

  #log(level: LogLevel, message: string): void {
    this.#options.log?.(level, `[control-plane client ${this.#options.node.id}] ${message}`);
  }
}

function errorText(error: unknown): string {
  if (error instanceof GrpcError) return error.details;
  return error instanceof Error ? error.message : String(error);
}
