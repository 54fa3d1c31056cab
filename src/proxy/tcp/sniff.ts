/**
 * sniffTunnel decides what a CONNECT tunnel carries from its first bytes: an HTTP/1.x request line,
 * the HTTP/2 preface, or anything else (TLS, a binary protocol). Many clients reach an HTTP proxy
 * only through CONNECT (undici's ProxyAgent, gRPC clients honouring http_proxy), so HTTP inside a
 * tunnel is handled per request like any other. Protocols where the server speaks first send nothing,
 * so after a short wait the tunnel falls back to TCP.
 * @module
 */
import type { Socket } from 'node:net';
import type { Clock } from '../clock.js';

/** How long a silent client is given before its tunnel is treated as opaque TCP. */
export const SNIFF_MS = 100;

const PREFACE = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n');
const METHOD_MAX = 20;

export interface TunnelHandlers {
  http1(initial: Buffer): void;
  h2(initial: Buffer): void;
  tcp(initial: Buffer): void;
}

type Verdict = 'http1' | 'h2' | 'tcp' | undefined;

/** classifyTunnelBytes returns what `b` starts with, or undefined while it cannot tell yet. */
export function classifyTunnelBytes(b: Buffer): Verdict {
  if (b.length === 0) return undefined;
  const n = Math.min(b.length, PREFACE.length);
  if (b.subarray(0, n).equals(PREFACE.subarray(0, n))) return b.length >= PREFACE.length ? 'h2' : undefined;
  for (let i = 0; i < Math.min(b.length, METHOD_MAX + 1); i++) {
    const c = b[i]!;
    if (c === 32) return i > 0 ? 'http1' : 'tcp';
    const token = (c >= 65 && c <= 90) || c === 45 || c === 95;
    if (!token) return 'tcp';
  }
  return b.length > METHOD_MAX ? 'tcp' : undefined;
}

export function sniffTunnel(socket: Socket, initial: Buffer, clock: Clock, handlers: TunnelHandlers): void {
  let buf = initial;
  let settled = false;
  const settle = (verdict: Exclude<Verdict, undefined>): void => {
    settled = true;
    timer.cancel();
    socket.removeListener('data', onData);
    handlers[verdict](buf);
  };
  const onData = (chunk: Buffer): void => {
    buf = buf.length === 0 ? chunk : Buffer.concat([buf, chunk]);
    const v = classifyTunnelBytes(buf);
    if (v) settle(v);
  };
  const timer = clock.setTimer(() => {
    if (!settled) settle(classifyTunnelBytes(buf) ?? 'tcp');
  }, SNIFF_MS);
  const first = classifyTunnelBytes(buf);
  if (first) {
    settled = true;
    timer.cancel();
    handlers[first](buf);
    return;
  }
  socket.on('data', onData);
}
