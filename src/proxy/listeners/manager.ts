/**
 * ListenerManager makes the bound listeners follow the snapshot: listeners whose name, address,
 * port, direction and protocol are unchanged keep their socket (their routes come from the new
 * snapshot), new ones are bound, removed ones stop accepting while their connections finish.
 * Inbound listeners wait for the first workload certificate.
 * @module
 */
import type { Listener } from '../../config/index.js';
import { ProxyError, ProxyErrorCode } from '../errors.js';
import type { Snapshot } from '../snapshot/snapshot.js';
import type { ListenerContext, ProxyContext } from './context.js';
import { InboundListener, OutboundHttpListener, type RunningListener, TcpListener } from './listeners.js';

export type ListenerState = 'waiting_for_identity' | 'binding' | 'bound' | 'failed' | 'stopped';

/** ListenerStatus is reported on /config_dump and in events. */
export interface ListenerStatus {
  name: string;
  address: string;
  port: number;
  state: ListenerState;
  error?: string;
}

interface Entry {
  key: string;
  config: Listener;
  status: ListenerStatus;
  running: RunningListener | undefined;
}

function keyOf(l: Listener): string {
  return `${l.name}|${l.address}|${l.port}|${l.direction}|${l.protocol}`;
}

export class ListenerManager {
  private entries = new Map<string, Entry>();

  constructor(
    private readonly ctx: ProxyContext,
    private readonly onStatus: (status: ListenerStatus) => void,
  ) {}

  /** apply binds, keeps and stops listeners so the set matches `snapshot`. */
  apply(snapshot: Snapshot): void {
    const next = new Map<string, Entry>();
    for (const l of snapshot.listeners) {
      const key = keyOf(l);
      const existing = this.entries.get(key);
      if (existing) {
        existing.config = l;
        next.set(key, existing);
        this.entries.delete(key);
        continue;
      }
      const entry: Entry = {
        key,
        config: l,
        status: { name: l.name, address: l.address, port: l.port, state: 'binding' },
        running: undefined,
      };
      next.set(key, entry);
    }
    for (const old of this.entries.values()) this.stop(old);
    this.entries = next;
    for (const e of next.values()) if (!e.running && e.status.state !== 'failed') this.start(e);
  }

  /** identityChanged starts inbound listeners that were waiting for a certificate. */
  identityChanged(): void {
    for (const e of this.entries.values()) if (e.status.state === 'waiting_for_identity') this.start(e);
  }

  private context(entry: Entry): ListenerContext {
    return { ...this.ctx, name: entry.config.name, config: () => entry.config };
  }

  private start(entry: Entry): void {
    const l = entry.config;
    if (l.direction === 'INBOUND' && !this.ctx.identity.serverOptions()) {
      this.setState(entry, 'waiting_for_identity');
      return;
    }
    const ctx = this.context(entry);
    let running: RunningListener;
    if (l.direction === 'INBOUND') running = new InboundListener(ctx);
    else if (l.protocol === 'TCP') running = new TcpListener(ctx);
    else running = new OutboundHttpListener(ctx);
    entry.running = running;
    this.setState(entry, 'binding');
    running.server.once('error', (err: Error) => {
      entry.running = undefined;
      const e = new ProxyError(
        ProxyErrorCode.Listen,
        `listener ${l.name} cannot bind ${l.address}:${l.port}: ${err.message}`,
        { cause: err },
      );
      this.setState(entry, 'failed', e.message);
    });
    running.server.listen({ host: l.address, port: l.port }, () => this.setState(entry, 'bound'));
  }

  private stop(entry: Entry): void {
    entry.running?.stop();
    entry.running = undefined;
    this.setState(entry, 'stopped');
  }

  private setState(entry: Entry, state: ListenerState, error?: string): void {
    entry.status = { ...entry.status, state, ...(error ? { error } : {}) };
    if (!error) delete entry.status.error;
    this.ctx.metrics.listenerUp.get(entry.config.name).set(state === 'bound' ? 1 : 0);
    this.onStatus(entry.status);
  }

  /** statuses lists every listener of the current snapshot. */
  statuses(): ListenerStatus[] {
    return [...this.entries.values()].map((e) => e.status);
  }

  /** allBound is true when every listener is accepting connections. */
  allBound(): boolean {
    for (const e of this.entries.values()) if (e.status.state !== 'bound') return false;
    return true;
  }

  /** address returns where a listener is bound (useful when the config asked for port 0 in tests). */
  boundPort(name: string): number | undefined {
    for (const e of this.entries.values()) {
      if (e.config.name !== name || !e.running) continue;
      const a = e.running.server.address();
      return a && typeof a === 'object' ? a.port : undefined;
    }
    return undefined;
  }

  close(): void {
    for (const e of this.entries.values()) this.stop(e);
    this.entries.clear();
  }
}
