/**
 * The `window` of TrafficMetrics is a Kubernetes `metav1.Duration`, written as Go's
 * `Duration.String` (`30s`, `1m0s`, `1.5s`).
 * @module
 */

/** formatWindow writes a whole number of milliseconds as Go duration text. */
export function formatWindow(ms: number): string {
  if (!Number.isSafeInteger(ms) || ms < 0)
    throw new RangeError(`formatWindow: ${ms} is not a whole number of ms ≥ 0`);
  if (ms === 0) return '0s';
  if (ms < 1000) return `${ms}ms`;
  const hours = Math.floor(ms / 3_600_000);
  const minutes = Math.floor((ms % 3_600_000) / 60_000);
  const rest = ms % 60_000;
  const seconds = `${Math.floor(rest / 1000)}${
    rest % 1000
      ? `.${String(rest % 1000)
          .padStart(3, '0')
          .replace(/0+$/, '')}`
      : ''
  }s`;
  if (hours) return `${hours}h${minutes}m${seconds}`;
  if (minutes) return `${minutes}m${seconds}`;
  return seconds;
}
