/**
 * AppClient drives one deployed sample app from the runner: reset and read its metrics, and ask it
 * to call another service (`POST /call`), the way the original harness did.
 * @module
 */
import type { Metrics } from './app/store.js';
import { withDeadline } from './deadline.js';
import { AppError } from './errors.js';

/** CallBody is what `/call` takes; the original harness always sends `body` and `headers`. */
export interface CallBody {
  url: string;
  method: string;
  body: string;
  headers: Record<string, string>;
}

/** CallAnswer is the sample app's answer to `/call`: 200 after a downstream response, 500 on a transport error. */
export interface CallAnswer {
  status: number;
  text: string;
}

const REQUEST_TIMEOUT_MS = 30_000;

export class AppClient {
  readonly name: string;
  readonly url: string;

  constructor(name: string, url: string) {
    this.name = name;
    this.url = url;
  }

  async resetMetrics(signal: AbortSignal): Promise<void> {
    const res = await this.#send('/metrics', { method: 'DELETE' }, signal);
    if (res.status !== 200) throw new AppError(`${this.name}: DELETE /metrics answered ${res.status}`);
  }

  async metrics(signal: AbortSignal): Promise<Metrics> {
    const { status, text } = await this.#send('/metrics', { method: 'GET' }, signal);
    if (status !== 200) throw new AppError(`${this.name}: GET /metrics answered ${status}: ${text.trim()}`);
    try {
      const value = JSON.parse(text) as Partial<Metrics>;
      return {
        ReqReceived: value.ReqReceived ?? [],
        RespSucceeded: value.RespSucceeded ?? [],
        RespFailed: value.RespFailed ?? [],
      };
    } catch {
      throw new AppError(
        `${this.name}: GET /metrics answered something that is not JSON: ${text.slice(0, 80)}`,
      );
    }
  }

  async call(body: CallBody, signal: AbortSignal): Promise<CallAnswer> {
    return this.#send(
      '/call',
      { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } },
      signal,
    );
  }

  async #send(
    path: string,
    init: RequestInit,
    signal: AbortSignal,
  ): Promise<{ status: number; text: string }> {
    try {
      return await withDeadline(signal, REQUEST_TIMEOUT_MS, async (s) => {
        const res = await fetch(`${this.url}${path}`, { ...init, signal: s });
        return { status: res.status, text: await res.text() };
      });
    } catch (error) {
      if (signal.aborted) throw signal.reason;
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      throw new AppError(
        `cannot reach ${this.name} at ${this.url}${path}: ${cause?.code ?? cause?.message ?? (error as Error).message}`,
        error,
      );
    }
  }
}
