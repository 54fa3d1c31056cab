// GrpcChannel against a real @grpc/grpc-js server over TLS: unary and bidirectional calls, large
// messages split across frames, statuses with percent-encoded details, deadlines, refused
// connections, and a server that requires a client certificate.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  Server,
  ServerCredentials,
  status,
  type sendUnaryData,
  type ServerDuplexStream,
  type ServerUnaryCall,
} from '@grpc/grpc-js';
import { TestCa } from '../proxy/testing/ca.js';
import { GrpcChannel, GrpcError, GrpcStatus, type GrpcTarget } from './grpc.js';

const bytes = { serialize: (b: Buffer) => b, deserialize: (b: Buffer) => b };
const service = {
  Unary: {
    path: '/test.Echo/Unary',
    requestStream: false,
    responseStream: false,
    requestSerialize: bytes.serialize,
    requestDeserialize: bytes.deserialize,
    responseSerialize: bytes.serialize,
    responseDeserialize: bytes.deserialize,
  },
  Chat: {
    path: '/test.Echo/Chat',
    requestStream: true,
    responseStream: true,
    requestSerialize: bytes.serialize,
    requestDeserialize: bytes.deserialize,
    responseSerialize: bytes.serialize,
    responseDeserialize: bytes.deserialize,
  },
};

const NAME = 'echo.test';

async function startServer(
  ca: TestCa,
  requireClientCert: boolean,
): Promise<{ port: number; server: Server }> {
  const id = ca.issue('', 1, [NAME]);
  const server = new Server();
  server.addService(service, {
    Unary: (call: ServerUnaryCall<Buffer, Buffer>, done: sendUnaryData<Buffer>) => {
      const text = call.request.toString();
      if (text === 'deny') done({ code: status.PERMISSION_DENIED, details: 'nö: 100% refused' });
      else if (text === 'hang') return;
      else done(null, Buffer.concat([Buffer.from('echo:'), call.request]));
    },
    Chat: (call: ServerDuplexStream<Buffer, Buffer>) => {
      call.on('data', (m: Buffer) => {
        if (m.toString() === 'bye') call.end();
        else call.write(Buffer.concat([Buffer.from('re:'), m]));
      });
    },
  });
  const creds = ServerCredentials.createSsl(
    Buffer.from(ca.certPem),
    [{ private_key: Buffer.from(id.keyPem), cert_chain: Buffer.from(id.certChainPem) }],
    requireClientCert,
  );
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', creds, (err, p) => (err ? reject(err) : resolve(p))),
  );
  return { port, server };
}

describe('GrpcChannel', () => {
  const ca = new TestCa();
  let plain: { port: number; server: Server };
  let mutual: { port: number; server: Server };
  const target = (port: number, extra: Partial<GrpcTarget> = {}): GrpcTarget => ({
    address: `127.0.0.1:${port}`,
    authority: NAME,
    ca: ca.certPem,
    ...extra,
  });

  before(async () => {
    plain = await startServer(ca, false);
    mutual = await startServer(ca, true);
  });
  after(() => {
    plain.server.forceShutdown();
    mutual.server.forceShutdown();
    ca.cleanup();
  });

  test('a unary call round-trips, also with a message larger than one HTTP/2 frame', async () => {
    const channel = new GrpcChannel(target(plain.port));
    try {
      assert.equal((await channel.unary('/test.Echo/Unary', Buffer.from('hi'), 5000)).toString(), 'echo:hi');
      const big = Buffer.alloc(300_000, 'x');
      const reply = await channel.unary('/test.Echo/Unary', big, 5000);
      assert.equal(reply.length, big.length + 5);
      assert.ok(reply.subarray(5).equals(big));
    } finally {
      channel.close();
    }
  });

  test('a failed call rejects with the status code and the decoded details', async () => {
    const channel = new GrpcChannel(target(plain.port));
    try {
      await assert.rejects(channel.unary('/test.Echo/Unary', Buffer.from('deny'), 5000), (e: unknown) => {
        assert.ok(e instanceof GrpcError);
        assert.equal(e.code, GrpcStatus.PERMISSION_DENIED);
        assert.equal(e.details, 'nö: 100% refused');
        return true;
      });
      await assert.rejects(
        channel.unary('/test.Nope/Missing', Buffer.from('x'), 5000),
        (e: GrpcError) => e.code === 12, // UNIMPLEMENTED, from a trailers-only response
      );
    } finally {
      channel.close();
    }
  });

  test('a call past its deadline rejects with DEADLINE_EXCEEDED', async () => {
    const channel = new GrpcChannel(target(plain.port));
    try {
      const started = Date.now();
      await assert.rejects(
        channel.unary('/test.Echo/Unary', Buffer.from('hang'), 200),
        (e: GrpcError) => e.code === GrpcStatus.DEADLINE_EXCEEDED,
      );
      assert.ok(Date.now() - started < 3000);
    } finally {
      channel.close();
    }
  });

  test('nothing listening, or no client certificate for a server that requires one, is UNAVAILABLE', async () => {
    const closed = new GrpcChannel(target(1));
    await assert.rejects(
      closed.unary('/test.Echo/Unary', Buffer.from('x'), 5000),
      (e: GrpcError) => e.code === GrpcStatus.UNAVAILABLE && /ECONNREFUSED/.test(e.details),
    );
    closed.close();
    const anonymous = new GrpcChannel(target(mutual.port));
    await assert.rejects(
      anonymous.unary('/test.Echo/Unary', Buffer.from('x'), 5000),
      (e: GrpcError) => e.code === GrpcStatus.UNAVAILABLE,
    );
    anonymous.close();
    const client = ca.issue('spiffe://cluster.local/ns/default/sa/client');
    const withCert = new GrpcChannel(target(mutual.port, { cert: client.certChainPem, key: client.keyPem }));
    assert.equal((await withCert.unary('/test.Echo/Unary', Buffer.from('m'), 5000)).toString(), 'echo:m');
    withCert.close();
  });

  test('a bidirectional stream carries messages both ways and ends with OK; cancel is silent', async () => {
    const channel = new GrpcChannel(target(plain.port));
    try {
      const got: string[] = [];
      const ended = new Promise<GrpcError | undefined>((resolve) => {
        const stream = channel.stream('/test.Echo/Chat', {
          onMessage: (m) => {
            got.push(m.toString());
            if (got.length === 3) stream.write(Buffer.from('bye'));
          },
          onEnd: resolve,
        });
        for (const m of ['a', 'b', 'c']) stream.write(Buffer.from(m));
      });
      assert.equal(await ended, undefined);
      assert.deepEqual(got, ['re:a', 're:b', 're:c']);

      let endCalls = 0;
      const stream = channel.stream('/test.Echo/Chat', {
        onMessage: () => stream.cancel(),
        onEnd: () => endCalls++,
      });
      stream.write(Buffer.from('x'));
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(endCalls, 0);
    } finally {
      channel.close();
    }
  });
});
