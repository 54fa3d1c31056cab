/**
 * The sample app's in-memory record of what it received and what its calls returned, in the
 * JSON shape of the original learn-layer5 service (`GET /metrics`).
 * @module
 */

/** CallRecord is one answered call: the target, the method and the headers the caller asked for. */
export interface CallRecord {
  URL: string;
  Method: string;
  /** The `headers` object of the `/call` body as given, or null when the body had none. */
  Headers: Record<string, unknown> | null;
}

/** Metrics is the body of `GET /metrics`; field order and names are the original's. */
export interface Metrics {
  ReqReceived: string[];
  RespSucceeded: CallRecord[];
  RespFailed: CallRecord[];
}

/** MetricsStore keeps the counters of one app process; `DELETE /metrics` empties it. */
export class MetricsStore {
  #metrics: Metrics = MetricsStore.empty();

  static empty(): Metrics {
    return { ReqReceived: [], RespSucceeded: [], RespFailed: [] };
  }

  received(serviceName: string): void {
    this.#metrics.ReqReceived.push(serviceName);
  }

  succeeded(record: CallRecord): void {
    this.#metrics.RespSucceeded.push(record);
  }

  failed(record: CallRecord): void {
    this.#metrics.RespFailed.push(record);
  }

  reset(): void {
    this.#metrics = MetricsStore.empty();
  }

  snapshot(): Metrics {
    return structuredClone(this.#metrics);
  }

  /** toJson writes the metrics as Go's json.Encoder does: HTML-safe escapes and a trailing newline. */
  toJson(): string {
    return `${goJson(this.#metrics)}\n`;
  }
}

/** goJson is JSON.stringify with the escapes Go's encoder adds (`<`, `>`, `&`, U+2028, U+2029). */
export function goJson(value: unknown): string {
  return JSON.stringify(value).replace(
    /[<>&\u2028\u2029]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}
