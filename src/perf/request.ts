/**
 * Request serialisation: every request of a run is identical, so its bytes are built once and the
 * hot path only writes a prepared Buffer (one copy, or k copies back to back for pipelining).
 * @module
 */
import type { ResolvedRunOptions } from './options.js';
import { VERSION } from './version.js';

/** buildRequest returns the exact HTTP/1.1 bytes sent for each request of a run. */
export function buildRequest(options: ResolvedRunOptions): Buffer {
  const { target, method, headers, cookies, body, contentType } = options;
  const lower = new Set(headers.map(([n]) => n.toLowerCase()));
  const lines = [`${method} ${target.path} HTTP/1.1`];
  if (!lower.has('host')) lines.push(`Host: ${target.hostHeader}`);
  if (!lower.has('user-agent')) lines.push(`User-Agent: meshplane/${VERSION}`);
  if (!lower.has('accept')) lines.push('Accept: */*');
  for (const [name, value] of headers) lines.push(`${name}: ${value}`);
  if (cookies.length > 0) lines.push(`Cookie: ${cookies.map(([n, v]) => `${n}=${v}`).join('; ')}`);
  if (contentType) lines.push(`Content-Type: ${contentType}`);
  // A body always carries its length; so do methods whose semantics expect one, even when empty.
  if (body) lines.push(`Content-Length: ${body.length}`);
  else if (method === 'POST' || method === 'PUT' || method === 'PATCH') lines.push('Content-Length: 0');
  const head = Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1');
  return body ? Buffer.concat([head, body]) : head;
}

/** RequestBatches holds 1..depth back-to-back copies of the request, so k requests cost one write. */
export class RequestBatches {
  readonly single: Buffer;
  private readonly batches: Buffer[];

  constructor(request: Buffer, depth: number) {
    this.single = request;
    this.batches = [Buffer.alloc(0)];
    for (let k = 1; k <= depth; k++)
      this.batches.push(k === 1 ? request : Buffer.concat(Array(k).fill(request)));
  }

  /** get returns k requests as one buffer (1 ≤ k ≤ depth). */
  get(k: number): Buffer {
    return this.batches[k]!;
  }
}
