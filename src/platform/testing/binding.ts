/** A ControlPlaneBinding that records what the platform reports, for tests. */
import { randomBytes } from 'node:crypto';
import type { ControlPlaneBinding, InstanceIdentity, InstanceStatus } from '../types.js';

export class RecordingBinding implements ControlPlaneBinding {
  readonly tokens = new Map<string, string>();
  readonly latest = new Map<string, InstanceStatus>();
  readonly history: InstanceStatus[] = [];
  readonly removed: string[] = [];

  async bootstrapToken(identity: InstanceIdentity): Promise<string> {
    const token = randomBytes(16).toString('hex');
    this.tokens.set(identity.instanceId, token);
    return token;
  }

  instanceChanged(status: InstanceStatus): void {
    this.latest.set(status.id, status);
    this.history.push(status);
  }

  instanceRemoved(id: string): void {
    this.removed.push(id);
    this.latest.delete(id);
  }
}
