/**
 * GrpcChannel: the little of gRPC (over HTTP/2 with TLS) that a proxy needs to talk to its control
 * plane — unary calls and one bidirectional stream, no compression. It replaces @grpc/grpc-js on
 * the proxy side, whose channel stack (resolvers, balancers, zlib, keepalive) cost every sidecar
 * about 9 MB of memory for two methods. Framing and status follow the gRPC over HTTP/2 protocol:
 * length-prefixed messages, `grpc-status`/`grpc-message` in trailers (or in the headers of a
 * trailers-only response).
 * @module
 */
import {
  connect,
  constants,
  type ClientHttp2Session,
  type ClientHttp2Stream,
  type IncomingHttpHeaders,
} from 'node:http2';

/** gRPC status codes (the subset with a meaning here; others are passed through as numbers). */
export const GrpcStatus = {
  OK: 0,
  CANCELLED: 1,
  UNKNOWN: 2,
  INVALID_ARGUMENT: 3,
  DEADLINE_EXCEEDED: 4,
  PERMISSION_DENIED: 7,
  FAILED_PRECONDITION: 9,
  INTERNAL: 13,
  UNAVAILABLE: 14,
  UNAUTHENTICATED: 16,
} as const;

/** GrpcError is a call that ended with a non-OK status; `details` is the server's grpc-message. */
export class GrpcError extends Error {
  constructor(
    readonly code: number,
    readonly details: string,
  ) {
    super(`gRPC status ${code}: ${details}`);
    this.name = 'GrpcError';
  }
}

export interface GrpcTarget {
  /** host:port of the server. */
  address: string;
  /** TLS server name and :authority. */
  authority: string;
  /** PEM root(s) that sign the server's certificate. */
  ca: string;
  /** Client certificate chain and key for mutual TLS. */
  cert?: string;
  key?: string;
}

/** Handlers of a bidirectional stream; `onEnd` gets undefined for status OK. */
export interface GrpcStreamHandlers {
  onMessage(message: Buffer): void;
  onEnd(error: GrpcError | undefined): void;
}

/** GrpcStream is the sending side of a bidirectional call. */
export interface GrpcStream {
  write(message: Uint8Array): void;
  /** cancel ends the call (RST_STREAM CANCEL) without calling onEnd. */
  cancel(): void;
}

const HEADER_BYTES = 5; // compressed flag (1) + message length (4, big-endian)

export class GrpcChannel {
  readonly #session: ClientHttp2Session;
  readonly #authority: string;
  #error: Error | undefined;

  constructor(target: GrpcTarget) {
    this.#authority = target.authority;
    this.#session = connect(`https://${target.address}`, {
      ca: target.ca,
      ...(target.cert && target.key ? { cert: target.cert, key: target.key } : {}),
      servername: target.authority,
      ALPNProtocols: ['h2'],
    });
    // A session error fails its streams (each reports it); keep it for their status details.
    this.#session.on('error', (error) => (this.#error = error));
  }

  /** unary sends one request and resolves with the one response message. */
  unary(path: string, request: Uint8Array, timeoutMs: number): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      let response: Buffer | undefined;
      const timer = setTimeout(() => {
        stream.cancel();
        reject(new GrpcError(GrpcStatus.DEADLINE_EXCEEDED, `no response within ${timeoutMs} ms`));
      }, timeoutMs);
      const stream = this.#open(
        path,
        { 'grpc-timeout': `${Math.max(1, Math.ceil(timeoutMs))}m` },
        {
          onMessage: (message) => (response ??= message),
          onEnd: (error) => {
            clearTimeout(timer);
            if (error) reject(error);
            else if (!response)
              reject(new GrpcError(GrpcStatus.INTERNAL, 'the call ended without a response'));
            else resolve(response);
          },
        },
      );
      stream.write(request, true);
    });
  }

  /** stream opens a bidirectional call. */
  stream(path: string, handlers: GrpcStreamHandlers): GrpcStream {
    const call = this.#open(path, {}, handlers);
    return { write: (message) => call.write(message, false), cancel: () => call.cancel() };
  }

  /** close ends the connection once its calls are done (cancelled calls end at once). */
  close(): void {
    if (!this.#session.closed) this.#session.close();
  }

  #open(
    path: string,
    extra: Record<string, string>,
    handlers: GrpcStreamHandlers,
  ): { write(message: Uint8Array, last: boolean): void; cancel(): void } {
    const req: ClientHttp2Stream = this.#session.request({
      ':method': 'POST',
      ':path': path,
      ':authority': this.#authority,
      'content-type': 'application/grpc',
      te: 'trailers',
      ...extra,
    });
    let done = false;
    let status: { code: number; details: string } | undefined;
    let failure: string | undefined;
    const end = (error: GrpcError | undefined): void => {
      if (done) return;
      done = true;
      handlers.onEnd(error);
    };
    const readStatus = (headers: IncomingHttpHeaders): void => {
      const code = headers['grpc-status'];
      if (code === undefined) return;
      status = { code: Number(code), details: percentDecode(String(headers['grpc-message'] ?? '')) };
    };
    req.on('response', (headers) => {
      const httpStatus = headers[':status'];
      if (httpStatus !== 200) failure = `HTTP status ${httpStatus} from the server`;
      else if (!String(headers['content-type'] ?? '').startsWith('application/grpc'))
        failure = `content-type ${headers['content-type']} from the server`;
      readStatus(headers); // a trailers-only response carries its status here
    });
    req.on('trailers', readStatus);
    const reader = new MessageReader((message) => {
      if (!done) handlers.onMessage(message);
    });
    req.on('data', (chunk: Buffer) => {
      const bad = reader.push(chunk);
      if (bad && !failure) {
        failure = bad;
        req.close(constants.NGHTTP2_CANCEL);
      }
    });
    req.on('error', (error) => (failure ??= error.message));
    // The server has ended its side (with the status): end ours too, so the stream closes.
    req.on('end', () => {
      if (!req.writableEnded) req.end();
    });
    req.on('close', () => {
      if (status && !failure) {
        end(status.code === GrpcStatus.OK ? undefined : new GrpcError(status.code, status.details));
        return;
      }
      const why = failure ?? this.#error?.message ?? `stream closed (HTTP/2 code ${req.rstCode})`;
      end(new GrpcError(status?.code ?? GrpcStatus.UNAVAILABLE, status?.details || why));
    });
    return {
      write: (message, last) => {
        if (done || req.destroyed) return;
        const frame = Buffer.allocUnsafe(HEADER_BYTES + message.length);
        frame[0] = 0;
        frame.writeUInt32BE(message.length, 1);
        frame.set(message, HEADER_BYTES);
        if (last) req.end(frame);
        else req.write(frame);
      },
      cancel: () => {
        done = true;
        if (!req.destroyed) req.close(constants.NGHTTP2_CANCEL);
      },
    };
  }
}

/** MessageReader cuts length-prefixed gRPC messages out of DATA chunks. */
class MessageReader {
  #buffered: Buffer = Buffer.alloc(0);

  constructor(private readonly onMessage: (message: Buffer) => void) {}

  /** push adds bytes and emits every complete message; it returns an error text for bad framing. */
  push(chunk: Buffer): string | undefined {
    let buf = this.#buffered.length > 0 ? Buffer.concat([this.#buffered, chunk]) : chunk;
    while (buf.length >= HEADER_BYTES) {
      if (buf[0] !== 0) return 'a compressed message, which was not asked for';
      const length = buf.readUInt32BE(1);
      if (buf.length < HEADER_BYTES + length) break;
      this.onMessage(buf.subarray(HEADER_BYTES, HEADER_BYTES + length));
      buf = buf.subarray(HEADER_BYTES + length);
    }
    this.#buffered = buf;
    return undefined;
  }
}

function percentDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
