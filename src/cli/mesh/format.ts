/** kubectl-like output: aligned tables, ages, and durations given on the command line. */
import { InvalidInputError } from '../../errors/index.js';

/** table aligns columns with three spaces between them, as kubectl does. */
export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!)))
      .join('   ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n') + '\n';
}

/** age renders how long ago `iso` was: 45s, 12m, 5h, 3d. */
export function age(iso: string | undefined, now = Date.now()): string {
  if (!iso) return '<unknown>';
  const s = Math.max(0, Math.floor((now - Date.parse(iso)) / 1000));
  if (s < 120) return `${s}s`;
  if (s < 7200) return `${Math.floor(s / 60)}m`;
  if (s < 172800) return `${Math.floor(s / 3600)}h`;
  return `${Math.floor(s / 86400)}d`;
}

/** until renders the time left before `iso`: 23h59m, 42s, or "expired". */
export function until(iso: string | undefined, now = Date.now()): string {
  if (!iso) return '-';
  const s = Math.floor((Date.parse(iso) - now) / 1000);
  if (s <= 0) return 'expired';
  if (s < 120) return `${s}s`;
  if (s < 7200) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

const units: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** parseDuration reads 1500ms, 30s, 5m, 24h or 7d into milliseconds. */
export function parseDuration(value: string, flag: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/.exec(value.trim());
  if (!m) throw new InvalidInputError(flag, value, 'a duration such as 30s, 15m, 24h');
  return Math.round(Number(m[1]) * units[m[2]!]!);
}
