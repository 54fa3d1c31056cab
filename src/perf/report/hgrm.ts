/** `.hgrm` output of a run's latency: the HdrHistogram percentile spectrum in milliseconds. */
import { toHgrm as spectrum, type Histogram, type HgrmStyle } from '../../stats/index.js';

/**
 * toHgrm prints a latency histogram (µs) as the classic `.hgrm` spectrum in ms, 5 ticks per half
 * distance: the HdrHistogram layout by default, or the one `wrk2 --latency` prints.
 */
export function toHgrm(histogram: Histogram, style: HgrmStyle = 'hdr'): string {
  return spectrum(histogram, { valueScale: 1000, ticksPerHalfDistance: 5, style });
}
