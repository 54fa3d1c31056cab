/** FakeClock: a Clock whose time moves only when a test calls advance(). */
import type { Clock, Timer } from '../clock.js';

interface Pending {
  due: number;
  ms: number;
  fn: () => void;
  live: boolean;
}

export class FakeClock implements Clock {
  private time = 0;
  private pending: Pending[] = [];

  now(): number {
    return this.time;
  }

  setTimer(fn: () => void, ms: number): Timer {
    const p: Pending = { due: this.time + ms, ms, fn, live: true };
    this.pending.push(p);
    return {
      refresh: () => {
        p.due = this.time + p.ms;
        if (!p.live) {
          p.live = true;
          this.pending.push(p);
        }
      },
      cancel: () => {
        p.live = false;
      },
    };
  }

  /** advance moves time forward by `ms`, firing due timers in order. */
  advance(ms: number): void {
    const end = this.time + ms;
    for (;;) {
      const next = this.pending.filter((p) => p.live && p.due <= end).sort((a, b) => a.due - b.due)[0];
      if (!next) break;
      this.time = next.due;
      next.live = false;
      this.pending = this.pending.filter((p) => p !== next);
      next.fn();
    }
    this.time = end;
  }
}
