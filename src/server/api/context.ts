/** ApiContext: what every route module reaches — the store, the run queue and the scheduler. */
import type { Environment } from '../model.js';
import type { RunQueue } from '../queue.js';
import type { Scheduler } from '../scheduler.js';
import type { Store } from '../store/store.js';

export interface ApiContext {
  store: Store;
  queue: RunQueue;
  scheduler: Scheduler;
  environment: () => Environment;
  /** load generators this server can drive */
  generators: readonly string[];
  version: string;
  log: (line: string) => void;
}
