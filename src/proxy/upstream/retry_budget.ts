/**
 * RetryBudget limits retries to a share of recent requests plus a floor per second, over a sliding
 * 10 s window of 1 s buckets (the shape of Finagle's and linkerd's retry budgets).
 * @module
 */
import type { Clock } from '../clock.js';

const BUCKETS = 10;
const BUCKET_MS = 1000;

export class RetryBudget {
  private readonly requests = new Float64Array(BUCKETS);
  private readonly retries = new Float64Array(BUCKETS);
  private epoch = -1;

  constructor(
    private readonly ratio: number,
    private readonly minPerSecond: number,
    private readonly clock: Clock,
  ) {}

  private bucket(): number {
    const epoch = Math.floor(this.clock.now() / BUCKET_MS);
    if (epoch !== this.epoch) {
      const gap = this.epoch < 0 ? BUCKETS : Math.min(BUCKETS, epoch - this.epoch);
      for (let k = 1; k <= gap; k++) {
        const i = (((this.epoch + k) % BUCKETS) + BUCKETS) % BUCKETS;
        this.requests[i] = 0;
        this.retries[i] = 0;
      }
      this.epoch = epoch;
    }
    return epoch % BUCKETS;
  }

  /** recordRequest counts one original (non-retry) request. */
  recordRequest(): void {
    this.requests[this.bucket()]!++;
  }

  /** tryRetry spends one retry if the budget allows it. */
  tryRetry(): boolean {
    const b = this.bucket();
    let requests = 0;
    let retries = 0;
    for (let i = 0; i < BUCKETS; i++) {
      requests += this.requests[i]!;
      retries += this.retries[i]!;
    }
    const allowed = this.minPerSecond * BUCKETS + this.ratio * requests;
    if (retries + 1 > allowed) return false;
    this.retries[b]!++;
    return true;
  }
}
