// Unit tests of the HTTP/1.1 head parsers and body framing.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  BodyFramer,
  ParseError,
  findHeader,
  findHeaderValues,
  parseRequestHead,
  parseResponseHead,
} from './parser.js';

const req = (s: string, dropXfcc = false) => parseRequestHead(Buffer.from(s, 'latin1'), dropXfcc);

test('request head: absolute-form drops Host and hop-by-hop headers, keeps the rest verbatim', () => {
  const h = req(
    'GET http://web/x?y=1 HTTP/1.1\r\nHost: web\r\nConnection: keep-alive, X-Trace\r\nX-Trace: 1\r\nAccept: */*\r\nProxy-Connection: keep-alive\r\nKeep-Alive: timeout=5\r\nTE: trailers\r\nProxy-Authorization: Basic x\r\n\r\nrest',
  )!;
  assert.equal(h.method, 'GET');
  assert.equal(h.target, 'http://web/x?y=1');
  assert.equal(h.host, 'web');
  assert.equal(h.forwarded, 'Accept: */*\r\n');
  assert.equal(h.keepAlive, true);
  assert.equal(h.headLength, Buffer.byteLength(h.block) + 'GET http://web/x?y=1 HTTP/1.1\r\n'.length + 2);
});

test('request head: framing, keep-alive and expect facts', () => {
  const h = req(
    'POST / HTTP/1.1\r\nhost: a\r\ncontent-length: 12\r\nexpect: 100-continue\r\nconnection: close\r\n\r\n',
  )!;
  assert.equal(h.contentLength, 12);
  assert.equal(h.expectContinue, true);
  assert.equal(h.keepAlive, false);
  assert.equal(h.forwarded, 'host: a\r\ncontent-length: 12\r\nexpect: 100-continue\r\n');
  const c = req('POST / HTTP/1.1\r\nhost: a\r\ntransfer-encoding: gzip, chunked\r\n\r\n')!;
  assert.equal(c.chunked, true);
  assert.equal(req('GET / HTTP/1.0\r\n\r\n')!.keepAlive, false);
  assert.equal(req('GET / HTTP/1.0\r\nconnection: keep-alive\r\n\r\n')!.keepAlive, true);
  assert.equal(
    req('GET / HTTP/1.1\r\nupgrade: websocket\r\nconnection: upgrade\r\n\r\n')!.upgrade,
    'websocket',
  );
  assert.equal(
    req('GET / HTTP/1.1\r\nx-forwarded-client-cert: forged\r\nhost: a\r\n\r\n', true)!.forwarded,
    'host: a\r\n',
  );
});

test('request head: incomplete returns undefined; smuggling shapes and junk are refused', () => {
  assert.equal(req('GET / HTTP/1.1\r\nhost: a\r\n'), undefined);
  for (const bad of [
    'GET / HTTP/1.1\r\ncontent-length: 1\r\ntransfer-encoding: chunked\r\n\r\n',
    'GET / HTTP/1.1\r\ncontent-length: 1\r\ncontent-length: 2\r\n\r\n',
    'GET / HTTP/1.1\r\ntransfer-encoding: gzip\r\n\r\n',
    'GET / HTTP/1.1\r\ncontent-length: -1\r\n\r\n',
    'GET / HTTP/1.1\r\nbad header\r\n\r\n',
    'GET / HTTP/1.1\r\nname : v\r\n\r\n',
    'GET / HTTP/1.1\r\n folded: v\r\n\r\n',
    'GET /HTTP/1.1\r\n\r\n',
    'GET / HTTP/2.0\r\n\r\n',
  ]) {
    assert.throws(() => req(bad), ParseError, bad);
  }
  assert.throws(() => req(`GET / HTTP/1.1\r\nx: ${'a'.repeat(70000)}`), /too large/);
});

test('response head: unchanged heads are marked so raw bytes can be forwarded', () => {
  const plain = parseResponseHead(Buffer.from('HTTP/1.1 200 OK\r\ncontent-length: 5\r\n\r\nhello'))!;
  assert.equal(plain.unchanged, true);
  assert.equal(plain.contentLength, 5);
  assert.equal(plain.keepAlive, true);
  const ka = parseResponseHead(
    Buffer.from('HTTP/1.1 204 No Content\r\nConnection: keep-alive\r\nKeep-Alive: timeout=5\r\n\r\n'),
  )!;
  assert.equal(ka.unchanged, false);
  assert.equal(ka.keepAliveTimeoutMs, 5000);
  assert.equal(ka.forwarded, '');
  const close = parseResponseHead(Buffer.from('HTTP/1.1 200 OK\r\nconnection: close\r\n\r\n'))!;
  assert.equal(close.keepAlive, false);
  assert.throws(() => parseResponseHead(Buffer.from('HTTX/1.1 200 OK\r\n\r\n')), ParseError);
});

test('BodyFramer finds the end of chunked bodies across any split, trailers included', () => {
  const body = Buffer.from('5;ext=1\r\nhello\r\nA\r\n0123456789\r\n0\r\nx-trailer: 1\r\n\r\nNEXT');
  const end = body.length - 4;
  for (let split = 1; split < body.length; split++) {
    const f = new BodyFramer('chunked');
    const first = f.feed(body, 0, split);
    const at = first >= 0 ? first : f.feed(body, split, body.length);
    assert.equal(at, end, `split at ${split}`);
    assert.equal(f.done, true);
  }
  assert.throws(() => new BodyFramer('chunked').feed(Buffer.from('zz\r\n'), 0, 4), ParseError);
  assert.throws(() => new BodyFramer('chunked').feed(Buffer.from('1\r\nab'), 0, 5), ParseError);
});

test('BodyFramer counts Content-Length bodies and leaves close-delimited ones open', () => {
  const f = new BodyFramer('length', 10);
  assert.equal(f.feed(Buffer.alloc(6), 0, 6), -1);
  assert.equal(f.feed(Buffer.alloc(8), 0, 8), 4);
  assert.equal(new BodyFramer('close').feed(Buffer.alloc(3), 0, 3), -1);
  assert.equal(new BodyFramer('none').done, true);
});

test('findHeader reads a header by lower-case name, joining repeats; findHeaderValues keeps them apart', () => {
  const block = 'Host: a\r\nX-User: alice\r\nx-user: bob\r\nX-Username: no\r\n';
  assert.equal(findHeader(block, 'x-user'), 'alice, bob');
  assert.equal(findHeader(block, 'host'), 'a');
  assert.equal(findHeader(block, 'missing'), undefined);
  assert.deepEqual(findHeaderValues(block, 'x-user'), ['alice', 'bob']);
  assert.deepEqual(findHeaderValues(block, 'missing'), []);
});
