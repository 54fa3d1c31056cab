/**
 * Durations in Go's `time.ParseDuration` syntax ("30s", "1m30s", "250ms", "1.5h"), the syntax
 * fortio flags and SMP `duration` fields use, parsed to and printed from milliseconds.
 * @module
 */

const unitMs: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  μs: 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};

/** parseGoDuration returns milliseconds, or undefined when the text is not a non-negative Go duration. */
export function parseGoDuration(text: string): number | undefined {
  const s = text.trim();
  if (s === '0') return 0;
  if (s === '' || s.startsWith('-')) return undefined;
  const part = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/y;
  let pos = s.startsWith('+') ? 1 : 0;
  let total = 0;
  let parts = 0;
  while (pos < s.length) {
    part.lastIndex = pos;
    const m = part.exec(s);
    if (!m) return undefined;
    total += Number(m[1]) * unitMs[m[2]!]!;
    pos = part.lastIndex;
    parts++;
  }
  return parts > 0 && Number.isFinite(total) ? total : undefined;
}

/** formatGoDuration prints milliseconds as Go's Duration.String does ("1m30s", "1.5s", "250ms"). */
export function formatGoDuration(ms: number): string {
  if (ms === 0) return '0s';
  const ns = Math.round(ms * 1e6);
  if (ns < 1000) return `${ns}ns`;
  if (ns < 1e6) return `${trim(ns / 1e3)}µs`;
  if (ns < 1e9) return `${trim(ns / 1e6)}ms`;
  const totalSeconds = ns / 1e9;
  const hours = Math.floor(totalSeconds / 3600);
  const minutes = Math.floor((totalSeconds - hours * 3600) / 60);
  const seconds = totalSeconds - hours * 3600 - minutes * 60;
  const sec = `${trim(Number(seconds.toFixed(9)))}s`;
  if (hours > 0) return `${hours}h${minutes}m${sec}`;
  if (minutes > 0) return `${minutes}m${sec}`;
  return sec;
}

function trim(n: number): string {
  return String(Number(n.toFixed(9)));
}
