/**
 * MetricsScraper reads every sidecar's `/stats/prometheus` on its admin port (the registry knows each
 * instance's address and admin port), keeps the recent scrapes, and turns counters and histograms,
 * which count since the proxy started, into the traffic of a window:
 *
 *   window = now − the newest scrape at least `windowMs` old (so it covers at least the window);
 *            when there is none yet, everything since the proxy started (its counters began at 0).
 *
 * It scrapes every `intervalMs` in the background, and on demand whenever the API asks: an answer
 * always rests on a round that began after the question, so every request that finished before the
 * question is counted (a round already under way may have read some proxies earlier; the caller waits
 * for the round after it, which concurrent questions share). A proxy that does not answer within
 * `timeoutMs` is left out of that round; its error is kept for `mesh status`-style reporting.
 * @module
 */
import type { InstanceRecord } from '../registry.js';
import { parsePrometheusText } from './prometheus.js';
import { readProxyStats, subtractStats, type ProxyStats } from './proxy_stats.js';

export interface MetricsScraperOptions {
  /** Background scrape period; 0 turns the background scrapes off (default 5000). */
  intervalMs?: number;
  /** TrafficMetrics window (default 30000, the SDK's default). */
  windowMs?: number;
  /** Per-proxy scrape timeout (default 1000). */
  timeoutMs?: number;
  /** Clock in ms; injected by tests. */
  now?: () => number;
}

/** InstanceWindow is one proxy's traffic over its window. */
export interface InstanceWindow {
  instance: InstanceRecord;
  stats: ProxyStats;
  /** Length of the window in ms. */
  windowMs: number;
  /** When the newest scrape was taken (ms since the epoch). */
  at: number;
}

interface Scrape {
  at: number;
  stats: ProxyStats;
}

export const DEFAULT_METRICS_INTERVAL_MS = 5000;
export const DEFAULT_METRICS_WINDOW_MS = 30_000;

export class MetricsScraper {
  readonly windowMs: number;
  readonly #instances: () => InstanceRecord[];
  readonly #intervalMs: number;
  readonly #timeoutMs: number;
  readonly #now: () => number;
  readonly #history = new Map<string, Scrape[]>();
  readonly #errors = new Map<string, string>();
  #timer: NodeJS.Timeout | undefined;
  #round: Promise<void> | undefined;
  /** The round that starts when the current one ends, shared by everyone who asked meanwhile. */
  #nextRound: Promise<void> | undefined;

  constructor(instances: () => InstanceRecord[], options: MetricsScraperOptions = {}) {
    this.#instances = instances;
    this.#intervalMs = options.intervalMs ?? DEFAULT_METRICS_INTERVAL_MS;
    this.windowMs = options.windowMs ?? DEFAULT_METRICS_WINDOW_MS;
    this.#timeoutMs = options.timeoutMs ?? 1000;
    this.#now = options.now ?? Date.now;
  }

  start(): void {
    if (this.#intervalMs <= 0 || this.#timer) return;
    this.#timer = setInterval(() => void this.scrapeAll(), this.#intervalMs);
    this.#timer.unref();
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  /** errors returns the last scrape error of each proxy that failed its last scrape. */
  errors(): Map<string, string> {
    return new Map(this.#errors);
  }

  /** scrapeAll scrapes every running instance once (a round already under way is shared). */
  scrapeAll(): Promise<void> {
    this.#round ??= this.#scrapeRound().finally(() => (this.#round = undefined));
    return this.#round;
  }

  async #scrapeRound(): Promise<void> {
    const instances = this.#instances().filter((i) => i.phase === 'Running' || i.phase === 'CrashLoop');
    const live = new Set(instances.map((i) => i.id));
    for (const id of this.#history.keys()) if (!live.has(id)) this.#history.delete(id);
    for (const id of this.#errors.keys()) if (!live.has(id)) this.#errors.delete(id);
    await Promise.all(instances.map((i) => this.#scrape(i)));
  }

  /** freshRound resolves after a round that started after this call. */
  #freshRound(): Promise<void> {
    const current = this.#round;
    if (!current) return this.scrapeAll();
    const next = (): Promise<void> => {
      this.#nextRound = undefined;
      return this.scrapeAll();
    };
    this.#nextRound ??= current.then(next, next);
    return this.#nextRound;
  }

  async #scrape(instance: InstanceRecord): Promise<void> {
    const url = `http://${instance.address}:${instance.adminPort}/stats/prometheus`;
    let text: string;
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(this.#timeoutMs) });
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      text = await res.text();
    } catch (error) {
      this.#errors.set(instance.id, `${url}: ${(error as Error).message}`);
      return;
    }
    this.#errors.delete(instance.id);
    const at = this.#now();
    const history = this.#history.get(instance.id) ?? [];
    history.push({ at, stats: readProxyStats(parsePrometheusText(text).samples) });
    // Keep the newest scrape that is at least a window old (the next baseline) and everything after it.
    const cut = history.findLastIndex((s) => s.at <= at - this.windowMs);
    this.#history.set(instance.id, cut > 0 ? history.slice(cut) : history);
  }

  /** windows returns each scraped proxy's traffic over the window, from a round that began after the call. */
  async windows(): Promise<InstanceWindow[]> {
    await this.#freshRound();
    const out: InstanceWindow[] = [];
    for (const instance of this.#instances()) {
      const history = this.#history.get(instance.id);
      const latest = history?.at(-1);
      if (!history || !latest) continue;
      const baseline = history.findLast((s) => s.at <= latest.at - this.windowMs);
      const started = instance.startedAt ? Date.parse(instance.startedAt) : history[0]!.at;
      out.push({
        instance,
        stats: subtractStats(latest.stats, baseline?.stats),
        windowMs: Math.max(0, latest.at - (baseline?.at ?? started)),
        at: latest.at,
      });
    }
    return out;
  }
}
