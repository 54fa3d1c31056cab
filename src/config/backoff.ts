/** Exponential back-off with jitter for reconnects and retries: base·2^attempt, capped, times [0.5, 1). */

export interface BackoffOptions {
  /** First delay before jitter, in ms. */
  initialMs?: number;
  /** Largest delay before jitter, in ms. */
  maxMs?: number;
  /** Random source in [0, 1); tests pass a fixed one. */
  random?: () => number;
}

/** ExponentialBackoff hands out growing delays until reset() after a success. */
export class ExponentialBackoff {
  readonly initialMs: number;
  readonly maxMs: number;
  #attempt = 0;
  readonly #random: () => number;

  constructor(options: BackoffOptions = {}) {
    this.initialMs = options.initialMs ?? 250;
    this.maxMs = options.maxMs ?? 10_000;
    this.#random = options.random ?? Math.random;
  }

  /** attempt is how many delays were handed out since the last reset. */
  get attempt(): number {
    return this.#attempt;
  }

  /** next returns the delay before the next try; half of it is random so reconnects spread out. */
  next(): number {
    const ceiling = Math.min(this.maxMs, this.initialMs * 2 ** Math.min(this.#attempt, 30));
    this.#attempt++;
    return Math.round(ceiling * (0.5 + this.#random() / 2));
  }

  reset(): void {
    this.#attempt = 0;
  }
}
