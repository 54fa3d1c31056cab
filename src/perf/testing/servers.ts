/**
 * Test servers on 127.0.0.1 (port 0): an HTTP server that records what it receives, raw TCP
 * servers for misbehaving peers, TLS servers, and a server in a child process for stalls that must
 * not freeze the test's own event loop. Every helper returns a close() that frees everything.
 */
import { spawn } from 'node:child_process';
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { createServer as createNetServer, type AddressInfo, type Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';

export interface RecordedRequest {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  rawHeaders: string[];
  body: Buffer;
  /** performance.now() in this process when the request head arrived. */
  at: number;
  /** Client certificate subject CN (TLS servers that request one). */
  clientCN?: string;
}

export interface TestServer {
  url: string;
  port: number;
  requests: RecordedRequest[];
  close(): Promise<void>;
}

type Handler = (req: IncomingMessage, res: ServerResponse, recorded: RecordedRequest) => void;

const defaultHandler: Handler = (_req, res) => {
  res.writeHead(200, { 'Content-Type': 'text/plain', 'Content-Length': '12' });
  res.end('hello world\n');
};

function recorder(requests: RecordedRequest[], handler: Handler) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    const at = performance.now();
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const socket = req.socket as TLSSocket;
      const peer = typeof socket.getPeerCertificate === 'function' ? socket.getPeerCertificate() : undefined;
      const recorded: RecordedRequest = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        rawHeaders: req.rawHeaders,
        body: Buffer.concat(chunks),
        at,
      };
      if (peer && peer.subject) recorded.clientCN = peer.subject.CN as string;
      requests.push(recorded);
      handler(req, res, recorded);
    });
  };
}

/** startHttpServer starts a keep-alive HTTP server that records every request. */
export async function startHttpServer(handler: Handler = defaultHandler): Promise<TestServer> {
  const requests: RecordedRequest[] = [];
  const server = createHttpServer({ keepAliveTimeout: 60_000 }, recorder(requests, handler));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/`,
    port,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** startHttpsServer starts a TLS server; with `ca` and requestCert it demands a client certificate. */
export async function startHttpsServer(
  tls: { cert: string; key: string; ca?: string; requestCert?: boolean },
  handler: Handler = defaultHandler,
): Promise<TestServer> {
  const requests: RecordedRequest[] = [];
  const server = createHttpsServer(
    {
      cert: tls.cert,
      key: tls.key,
      ca: tls.ca,
      requestCert: tls.requestCert ?? false,
      rejectUnauthorized: tls.requestCert ?? false,
      keepAliveTimeout: 60_000,
    },
    recorder(requests, handler),
  );
  server.on('tlsClientError', () => {});
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `https://127.0.0.1:${port}/`,
    port,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export interface RawServer {
  url: string;
  port: number;
  /** Connections accepted so far. */
  connections: number;
  close(): Promise<void>;
}

/** startRawServer accepts TCP connections and hands each socket to `onConnection`. */
export async function startRawServer(onConnection: (socket: Socket) => void): Promise<RawServer> {
  const sockets = new Set<Socket>();
  const state = { connections: 0 };
  const server = createNetServer((socket) => {
    state.connections++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    onConnection(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/`,
    port,
    get connections() {
      return state.connections;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** onEachRequest calls `reply` once per HTTP request head received on a raw socket (GET, no body). */
export function onEachRequest(socket: Socket, reply: (socket: Socket, index: number) => void): void {
  let pending = '';
  let index = 0;
  socket.setEncoding('latin1');
  socket.on('data', (chunk: string) => {
    pending += chunk;
    let end: number;
    while ((end = pending.indexOf('\r\n\r\n')) >= 0) {
      pending = pending.slice(end + 4);
      reply(socket, index++);
    }
  });
}

/** closedPort returns a loopback port nothing listens on (it was bound, then released). */
export async function closedPort(): Promise<number> {
  const server = createNetServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export interface ChildServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

/**
 * startStallingServer runs an HTTP server in a child process that freezes its event loop for
 * `stallMs` once every `periodMs` (like a GC pause), so the stall cannot freeze the generator.
 */
export async function startStallingServer(stallMs: number, periodMs: number): Promise<ChildServer> {
  const code = `
    const http = require('node:http');
    const server = http.createServer({ keepAliveTimeout: 60000 }, (req, res) => {
      res.writeHead(200, { 'Content-Length': '2' }); res.end('ok');
    });
    server.listen(0, '127.0.0.1', () => {
      process.stdout.write(server.address().port + '\\n');
      setInterval(() => { const end = Date.now() + ${stallMs}; while (Date.now() < end); }, ${periodMs});
    });
    process.stdin.on('end', () => process.exit(0));
    process.stdin.resume();
  `;
  const child = spawn(process.execPath, ['-e', code], { stdio: ['pipe', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('error', reject);
    child.stdout!.setEncoding('utf8').once('data', (s: string) => resolve(Number(s.trim())));
  });
  return {
    url: `http://127.0.0.1:${port}/`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.stdin!.end();
        setTimeout(() => child.kill('SIGKILL'), 2000).unref();
      }),
  };
}

/** startChildServer runs a plain keep-alive HTTP server in a child process (its CPU is not the generator's). */
export function startChildServer(): Promise<ChildServer> {
  return startStallingServer(0, 3_600_000);
}
