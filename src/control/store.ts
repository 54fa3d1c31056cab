/**
 * ResourceStore keeps the applied resources (the control plane's kinds and SMI's canonical model) in memory and in <state>/control/resources.json. Each
 * apply or delete is planned against the current state (apply.ts), written whole with one atomic
 * rename, and only then made visible; operations run one at a time.
 * @module
 */
import { readFile } from 'node:fs/promises';
import { planApply, planDelete, type ChangeResult, type Plan, type StoredResource } from './apply.js';
import { StateDirError } from './errors.js';
import { writeFileAtomic } from './files.js';
import type {
  Resource,
  ServiceAccountResource,
  ServiceResource,
  WorkloadResource,
} from './resources/types.js';
import { smiState, type SmiState } from './smi/state.js';

interface StoreFile {
  version: 1;
  resources: StoredResource[];
}

export class ResourceStore {
  readonly #file: string;
  #state = new Map<string, StoredResource>();
  #queue: Promise<unknown> = Promise.resolve();
  readonly #listeners: (() => void)[] = [];
  readonly #now: () => Date;

  private constructor(file: string, now: () => Date) {
    this.#file = file;
    this.#now = now;
  }

  static async open(file: string, now: () => Date = () => new Date()): Promise<ResourceStore> {
    const store = new ResourceStore(file, now);
    let text: string | undefined;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT')
        throw new StateDirError(`cannot read ${file}`, error);
    }
    if (text !== undefined) {
      try {
        const parsed = JSON.parse(text) as StoreFile;
        for (const entry of parsed.resources) {
          const r = entry.resource;
          store.#state.set(`${r.kind}/${r.metadata.namespace}/${r.metadata.name}`, entry);
        }
      } catch (error) {
        throw new StateDirError(`${file} is not a resource store: ${(error as Error).message}`, error);
      }
    }
    return store;
  }

  /** onChange is called after every apply or delete that changed something. */
  onChange(listener: () => void): void {
    this.#listeners.push(listener);
  }

  /** apply validates references and stores all resources, or throws and stores none. */
  apply(resources: Resource[], source: string): Promise<ChangeResult[]> {
    return this.#run(() => planApply(this.#state, resources, source, this.#now()));
  }

  /** delete removes all resources, or throws and removes none. */
  delete(resources: Resource[], source: string, ignoreNotFound = false): Promise<ChangeResult[]> {
    return this.#run(() => planDelete(this.#state, resources, source, ignoreNotFound));
  }

  entries(): StoredResource[] {
    return [...this.#state.values()];
  }

  resources(): Resource[] {
    return this.entries().map((e) => e.resource);
  }

  services(): ServiceResource[] {
    return this.resources().filter((r): r is ServiceResource => r.kind === 'Service');
  }

  workloads(): WorkloadResource[] {
    return this.resources().filter((r): r is WorkloadResource => r.kind === 'Workload');
  }

  serviceAccounts(): ServiceAccountResource[] {
    return this.resources().filter((r): r is ServiceAccountResource => r.kind === 'ServiceAccount');
  }

  /** smi returns the SMI resources by kind. */
  smi(): SmiState {
    return smiState(this.resources());
  }

  #run(plan: () => Plan): Promise<ChangeResult[]> {
    const result = this.#queue.then(async () => {
      const p = plan();
      if (p.changed) {
        const body: StoreFile = { version: 1, resources: [...p.next.values()] };
        await writeFileAtomic(this.#file, `${JSON.stringify(body, null, 2)}\n`, 0o600);
        this.#state = p.next;
        for (const listener of this.#listeners) listener();
      }
      return p.results;
    });
    this.#queue = result.catch(() => {});
    return result;
  }
}
