/**
 * Clock is the proxy's only source of time, so outlier ejection, retry budgets and timeouts can be
 * tested on fake time (testing/fake_clock.ts).
 * @module
 */

/** Timer is a pending callback that can be re-armed for its original delay or cancelled. */
export interface Timer {
  /** refresh restarts the timer with its original delay, as Node's Timeout.refresh() does. */
  refresh(): void;
  cancel(): void;
}

export interface Clock {
  /** now returns milliseconds on a monotonic scale (fractions allowed). */
  now(): number;
  /** setTimer calls `fn` once after `ms` milliseconds unless cancelled. Timers never keep the process alive. */
  setTimer(fn: () => void, ms: number): Timer;
}

class NodeTimer implements Timer {
  constructor(private readonly handle: NodeJS.Timeout) {}
  refresh(): void {
    this.handle.refresh();
  }
  cancel(): void {
    clearTimeout(this.handle);
  }
}

/** systemClock reads performance.now() and uses Node timers (unref'd). */
export const systemClock: Clock = {
  now: () => performance.now(),
  setTimer(fn, ms) {
    const handle = setTimeout(fn, ms);
    handle.unref();
    return new NodeTimer(handle);
  },
};
