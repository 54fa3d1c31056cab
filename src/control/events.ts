/**
 * EventLog: the control plane's events, shaped like Kubernetes core/v1 Events (type, reason,
 * message, involved object, count, first and last time). SMI findings are observed after every
 * change: a finding that appears is recorded (or counted again if it had gone away), one that
 * persists is not repeated. Kept in memory, newest last, at most MAX_EVENTS.
 * @module
 */
import type { Finding } from './smi/findings.js';

/** MeshEvent is one event, as `GET /v1/events` and `meshplane get events` show it. */
export interface MeshEvent {
  type: 'Warning' | 'Normal';
  reason: string;
  message: string;
  involvedObject: { kind: string; namespace: string; name: string };
  /** How many times it appeared (it appears again after having gone away). */
  count: number;
  firstTimestamp: string;
  lastTimestamp: string;
  /** True while the condition still holds (an SMI finding of the current state). */
  active: boolean;
}

export const MAX_EVENTS = 500;

function keyOf(f: Pick<MeshEvent, 'reason' | 'message' | 'involvedObject'>): string {
  const o = f.involvedObject;
  return `${o.kind}/${o.namespace}/${o.name}\u0000${f.reason}\u0000${f.message}`;
}

export class EventLog {
  readonly #events = new Map<string, MeshEvent>();
  readonly #now: () => Date;

  constructor(now: () => Date = () => new Date()) {
    this.#now = now;
  }

  /** observe records the findings of the current state; those no longer found become inactive. */
  observe(findings: readonly Finding[]): void {
    const stamp = this.#now().toISOString();
    const current = new Set<string>();
    for (const f of findings) {
      const event = { ...f, involvedObject: { ...f.object } };
      const key = keyOf(event);
      current.add(key);
      const old = this.#events.get(key);
      if (old?.active) continue;
      this.#record(
        key,
        { type: f.type, reason: f.reason, message: f.message, involvedObject: event.involvedObject },
        stamp,
        old,
      );
    }
    for (const [key, e] of this.#events) if (e.active && !current.has(key) && e.count > 0) e.active = false;
  }

  /** record adds a one-off event (e.g. a change of the access mode). */
  record(event: Pick<MeshEvent, 'type' | 'reason' | 'message' | 'involvedObject'>): void {
    const key = keyOf(event);
    this.#record(key, event, this.#now().toISOString(), this.#events.get(key));
    this.#events.get(key)!.active = false;
  }

  #record(
    key: string,
    e: Pick<MeshEvent, 'type' | 'reason' | 'message' | 'involvedObject'>,
    stamp: string,
    old: MeshEvent | undefined,
  ): void {
    this.#events.delete(key);
    this.#events.set(key, {
      ...e,
      count: (old?.count ?? 0) + 1,
      firstTimestamp: old?.firstTimestamp ?? stamp,
      lastTimestamp: stamp,
      active: true,
    });
    while (this.#events.size > MAX_EVENTS) this.#events.delete(this.#events.keys().next().value!);
  }

  /** list returns events oldest first, optionally of one namespace (mesh-wide events are in every one). */
  list(namespace?: string): MeshEvent[] {
    return [...this.#events.values()]
      .filter((e) => namespace === undefined || [namespace, ''].includes(e.involvedObject.namespace))
      .map((e) => structuredClone(e));
  }
}
