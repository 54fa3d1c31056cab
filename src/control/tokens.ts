/**
 * BootstrapTokens issues the per-instance secrets a sidecar presents on its first SignCertificate.
 * A token proves which instance the caller is, so the certificate's SPIFFE ID comes from the token's
 * record, not from what the caller claims. Tokens are good only for SignCertificate, for one instance,
 * until the instance is removed or a new token is issued for it. Only SHA-256 hashes are kept (in
 * memory and in a 0600 file in the state directory, so a restarted control plane still knows them).
 * @module
 */
import { createHash, randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { StateDirError } from './errors.js';
import { writeFileAtomic } from './files.js';

/** TokenSubject is the instance a token stands for. */
export interface TokenSubject {
  instanceId: string;
  namespace: string;
  workload: string;
  serviceAccount: string;
}

interface TokenRecord extends TokenSubject {
  hash: string;
  issuedAt: string;
}

export class BootstrapTokens {
  readonly #file: string;
  readonly #byHash = new Map<string, TokenRecord>();
  #writes: Promise<void> = Promise.resolve();

  private constructor(file: string) {
    this.#file = file;
  }

  static async open(file: string): Promise<BootstrapTokens> {
    const tokens = new BootstrapTokens(file);
    let text: string | undefined;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT')
        throw new StateDirError(`cannot read ${file}`, error);
    }
    if (text !== undefined) {
      try {
        for (const record of JSON.parse(text) as TokenRecord[]) tokens.#byHash.set(record.hash, record);
      } catch (error) {
        throw new StateDirError(`${file} is not a token list: ${(error as Error).message}`, error);
      }
    }
    return tokens;
  }

  /** issue makes a new token for an instance and revokes the instance's previous one. */
  async issue(subject: TokenSubject): Promise<string> {
    const token = randomBytes(32).toString('base64url');
    this.#revokeInMemory(subject.instanceId);
    this.#byHash.set(hash(token), { ...subject, hash: hash(token), issuedAt: new Date().toISOString() });
    await this.#persist();
    return token;
  }

  /** revoke forgets every token of an instance. */
  async revoke(instanceId: string): Promise<void> {
    if (this.#revokeInMemory(instanceId)) await this.#persist();
  }

  /** retainOnly revokes the tokens of every instance not in `instanceIds` (e.g. left over from a previous run). */
  async retainOnly(instanceIds: ReadonlySet<string>): Promise<void> {
    let removed = false;
    for (const [h, record] of this.#byHash) {
      if (!instanceIds.has(record.instanceId)) removed = this.#byHash.delete(h) || removed;
    }
    if (removed) await this.#persist();
  }

  /** verify returns the instance a token was issued to, or undefined for an unknown token. */
  verify(token: string): TokenSubject | undefined {
    if (!token) return undefined;
    const record = this.#byHash.get(hash(token));
    if (!record) return undefined;
    const { instanceId, namespace, workload, serviceAccount } = record;
    return { instanceId, namespace, workload, serviceAccount };
  }

  /** subject returns the instance record behind an instance's live token, if it has one. */
  subject(instanceId: string): TokenSubject | undefined {
    for (const record of this.#byHash.values()) {
      if (record.instanceId === instanceId) {
        const { namespace, workload, serviceAccount } = record;
        return { instanceId, namespace, workload, serviceAccount };
      }
    }
    return undefined;
  }

  /** size is how many live tokens there are. */
  get size(): number {
    return this.#byHash.size;
  }

  #revokeInMemory(instanceId: string): boolean {
    let removed = false;
    for (const [h, record] of this.#byHash) {
      if (record.instanceId === instanceId) removed = this.#byHash.delete(h);
    }
    return removed;
  }

  /** persist writes the whole list; writes are chained so the file always ends up with the latest. */
  #persist(): Promise<void> {
    const body = JSON.stringify([...this.#byHash.values()], null, 2);
    this.#writes = this.#writes.catch(() => {}).then(() => writeFileAtomic(this.#file, body, 0o600));
    return this.#writes;
  }
}

function hash(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
