/**
 * A small metrics registry (counters, gauges, fixed-bucket histograms) that renders Prometheus text
 * exposition format 0.0.4. Hot paths keep references to series objects, so recording is a field
 * increment; label lookup happens once per series.
 * @module
 */

/** LatencyRecorder is all the data path needs from a histogram: record one value in microseconds. */
export interface LatencyRecorder {
  record(us: number): void;
}

export class Counter {
  value = 0;
  inc(by = 1): void {
    this.value += by;
  }
}

export class Gauge {
  value = 0;
  set(v: number): void {
    this.value = v;
  }
  add(by: number): void {
    this.value += by;
  }
}

/** PrometheusHistogram counts microsecond values into fixed buckets and renders them in seconds. */
export class PrometheusHistogram implements LatencyRecorder {
  readonly counts: Float64Array;
  sumUs = 0;
  count = 0;

  constructor(readonly boundsUs: readonly number[]) {
    this.counts = new Float64Array(boundsUs.length + 1);
  }

  record(us: number): void {
    const b = this.boundsUs;
    let i = 0;
    while (i < b.length && us > b[i]!) i++;
    this.counts[i]!++;
    this.sumUs += us;
    this.count++;
  }
}

/** Default latency buckets: 50 µs to 10 s. */
export const LATENCY_BUCKETS_US = [
  50, 100, 250, 500, 1_000, 2_500, 5_000, 10_000, 25_000, 50_000, 100_000, 250_000, 500_000, 1_000_000,
  2_500_000, 5_000_000, 10_000_000,
];

type Kind = 'counter' | 'gauge' | 'histogram';

/** Family is one metric name with its series, keyed by label values. */
export class Family<S> {
  readonly series = new Map<string, { labels: string[]; value: S }>();

  constructor(
    readonly name: string,
    readonly help: string,
    readonly kind: Kind,
    readonly labelNames: readonly string[],
    private readonly make: () => S,
  ) {}

  /** get returns the series for these label values (in labelNames order), creating it once. */
  get(...labels: string[]): S {
    const key = labels.join('\u0000');
    let s = this.series.get(key);
    if (!s) {
      s = { labels, value: this.make() };
      this.series.set(key, s);
    }
    return s.value;
  }

  /** remove forgets one series (e.g. a cluster that left the config). */
  remove(...labels: string[]): void {
    this.series.delete(labels.join('\u0000'));
  }
}

function escapeLabel(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

function labelText(names: readonly string[], values: readonly string[], extra?: string): string {
  const parts: string[] = [];
  for (let i = 0; i < names.length; i++) {
    const v = values[i] ?? '';
    if (v !== '') parts.push(`${names[i]}="${escapeLabel(v)}"`);
  }
  if (extra) parts.push(extra);
  return parts.length ? `{${parts.join(',')}}` : '';
}

function num(v: number): string {
  if (Number.isInteger(v)) return String(v);
  return v.toPrecision(12).replace(/\.?0+$/, '');
}

export class MetricsRegistry {
  private readonly families: Family<Counter | Gauge | PrometheusHistogram>[] = [];

  counter(name: string, help: string, labelNames: readonly string[] = []): Family<Counter> {
    const f = new Family(name, help, 'counter', labelNames, () => new Counter());
    this.families.push(f);
    return f;
  }

  gauge(name: string, help: string, labelNames: readonly string[] = []): Family<Gauge> {
    const f = new Family(name, help, 'gauge', labelNames, () => new Gauge());
    this.families.push(f);
    return f;
  }

  histogram(
    name: string,
    help: string,
    labelNames: readonly string[] = [],
    boundsUs: readonly number[] = LATENCY_BUCKETS_US,
  ): Family<PrometheusHistogram> {
    const f = new Family(name, help, 'histogram', labelNames, () => new PrometheusHistogram(boundsUs));
    this.families.push(f);
    return f;
  }

  /** render writes every family in Prometheus text format 0.0.4. */
  render(): string {
    const out: string[] = [];
    for (const f of this.families) {
      out.push(`# HELP ${f.name} ${f.help}`, `# TYPE ${f.name} ${f.kind}`);
      for (const { labels, value } of f.series.values()) {
        if (value instanceof PrometheusHistogram) {
          let cumulative = 0;
          for (let i = 0; i <= value.boundsUs.length; i++) {
            cumulative += value.counts[i]!;
            const le = i < value.boundsUs.length ? num(value.boundsUs[i]! / 1e6) : '+Inf';
            out.push(`${f.name}_bucket${labelText(f.labelNames, labels, `le="${le}"`)} ${cumulative}`);
          }
          out.push(`${f.name}_sum${labelText(f.labelNames, labels)} ${num(value.sumUs / 1e6)}`);
          out.push(`${f.name}_count${labelText(f.labelNames, labels)} ${value.count}`);
        } else {
          out.push(`${f.name}${labelText(f.labelNames, labels)} ${num(value.value)}`);
        }
      }
    }
    return out.join('\n') + '\n';
  }
}
