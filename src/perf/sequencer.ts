/**
 * The sequencer wakes an open-loop schedule so it can release the slots that are due: on 1 ms timer
 * ticks (`timer`), or (`spin`) on a timer until just before the next slot and then on every
 * event-loop turn, which still polls sockets, until the slot is due.
 * @module
 */
import type { Sequencer } from './options.js';

/** Closer than this to the next slot, the spin sequencer polls instead of sleeping. */
const SPIN_WINDOW_MS = 1.5;
/** How late a Node timer may fire; the spin sequencer wakes this much before the slot. */
const TIMER_SLACK_MS = 1;

/**
 * startSequencer calls `tick` now and whenever slots may be due; `msToNextSlot` says how long until
 * the next one. It returns the function that stops it (safe to call from inside `tick`).
 */
export function startSequencer(kind: Sequencer, tick: () => void, msToNextSlot: () => number): () => void {
  if (kind === 'timer') {
    const interval = setInterval(tick, 1);
    tick();
    return () => clearInterval(interval);
  }
  let stopped = false;
  let timer: NodeJS.Timeout | null = null;
  let immediate: NodeJS.Immediate | null = null;
  const spin = (): void => {
    timer = null;
    immediate = null;
    tick();
    if (stopped) return;
    const wait = msToNextSlot();
    if (wait > SPIN_WINDOW_MS) timer = setTimeout(spin, wait - TIMER_SLACK_MS);
    else immediate = setImmediate(spin);
  };
  spin();
  return () => {
    stopped = true;
    if (timer) clearTimeout(timer);
    if (immediate) clearImmediate(immediate);
  };
}
