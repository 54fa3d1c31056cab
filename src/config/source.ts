/**
 * ConfigSource is what a proxy needs from its control plane: config snapshots to apply (and ACK or
 * NACK) and a workload identity (certificate) kept fresh. The control-plane client implements it;
 * tests and `meshplane proxy --config-file` use a static one.
 * @module
 */
import type { ProxyConfig } from './types.js';

/** WorkloadIdentity is the proxy's current X.509 SVID and the trust bundle to verify peers with. */
export interface WorkloadIdentity {
  /** spiffe://<trust-domain>/ns/<namespace>/sa/<service-account>, also the certificate's URI SAN. */
  spiffeId: string;
  keyPem: string;
  /** Leaf certificate first. */
  certChainPem: string;
  trustBundlePem: string;
  notAfter: Date;
}

/** ConfigSourceState tells whether the source is currently connected to its control plane. */
export type ConfigSourceState = 'connecting' | 'connected' | 'disconnected';

export interface ConfigSource {
  /**
   * onConfig subscribes to snapshots. The handler applies a snapshot whole or not at all and returns
   * undefined to ACK it or an Error whose message is sent back as the NACK reason.
   */
  onConfig(handler: (config: ProxyConfig) => Error | undefined): void;
  /** onIdentity is called with the first identity and again after every rotation. */
  onIdentity(handler: (identity: WorkloadIdentity) => void): void;
  onState(handler: (state: ConfigSourceState) => void): void;
  /** start begins fetching; it resolves once the first identity and snapshot have been delivered. */
  start(): Promise<void>;
  close(): Promise<void>;
}
