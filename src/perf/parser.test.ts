import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ResponseParser } from './parser.js';

interface Seen {
  status: number;
  headerBytes: number;
  totalBytes: number;
  keepAlive: boolean;
}

function parser(noBody = false): { p: ResponseParser; seen: Seen[] } {
  const seen: Seen[] = [];
  const p = new ResponseParser({
    onResponse: (status, headerBytes, totalBytes, keepAlive) =>
      seen.push({ status, headerBytes, totalBytes, keepAlive }),
  });
  p.noBody = noBody;
  return { p, seen };
}

/** feed parses `text` split at every possible point, and in one piece, and checks all agree. */
function feedEverySplit(text: string, noBody = false): Seen[] {
  const bytes = Buffer.from(text, 'latin1');
  const whole = parser(noBody);
  assert.ok(whole.p.execute(bytes, 0, bytes.length), whole.p.error);
  for (let cut = 1; cut < bytes.length; cut++) {
    const split = parser(noBody);
    assert.ok(split.p.execute(bytes, 0, cut), `cut ${cut}: ${split.p.error}`);
    // The second piece arrives in a reused buffer with junk around it, like the shared read buffer.
    const reused = Buffer.concat([Buffer.from('JUNK'), bytes.subarray(cut), Buffer.from('JUNK')]);
    assert.ok(split.p.execute(reused, 4, 4 + bytes.length - cut), `cut ${cut}: ${split.p.error}`);
    assert.deepEqual(split.seen, whole.seen, `cut at ${cut}`);
  }
  return whole.seen;
}

test('Content-Length bodies, several responses back to back (pipelining)', () => {
  const one = 'HTTP/1.1 200 OK\r\nContent-Length: 5\r\nServer: x\r\n\r\nhello';
  const two = 'HTTP/1.1 404 Not Found\r\ncontent-length:0\r\n\r\n';
  const seen = feedEverySplit(one + two + one);
  assert.deepEqual(
    seen.map((s) => [s.status, s.totalBytes, s.keepAlive]),
    [
      [200, one.length, true],
      [404, two.length, true],
      [200, one.length, true],
    ],
  );
  assert.equal(seen[0]!.headerBytes, one.length - 5);
});

test('chunked bodies with extensions and trailers', () => {
  const text =
    'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n' +
    '5;name=value\r\nhello\r\n' +
    'A\r\n0123456789\r\n' +
    '0\r\nX-Trailer: yes\r\n\r\n' +
    'HTTP/1.1 201 Created\r\nTRANSFER-ENCODING: gzip, chunked\r\n\r\n0\r\n\r\n';
  const seen = feedEverySplit(text);
  assert.deepEqual(
    seen.map((s) => s.status),
    [200, 201],
  );
  assert.equal(seen[0]!.totalBytes + seen[1]!.totalBytes, text.length);
});

test('HEAD, 204 and 304 responses have no body even with a Content-Length', () => {
  assert.equal(
    feedEverySplit(
      'HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 7\r\n\r\n',
      true,
    ).length,
    2,
  );
  const seen = feedEverySplit(
    'HTTP/1.1 204 No Content\r\nContent-Length: 10\r\n\r\nHTTP/1.1 304 Not Modified\r\n\r\n',
  );
  assert.deepEqual(
    seen.map((s) => s.status),
    [204, 304],
  );
});

test('1xx informational responses are skipped; the final response counts once', () => {
  const seen = feedEverySplit('HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok');
  assert.deepEqual(
    seen.map((s) => s.status),
    [200],
  );
});

test('Connection: close and HTTP/1.0 decide keep-alive', () => {
  const seen = feedEverySplit(
    'HTTP/1.1 200 OK\r\nConnection: Close\r\nContent-Length: 0\r\n\r\n' +
      'HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n' +
      'HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 0\r\n\r\n',
  );
  assert.deepEqual(
    seen.map((s) => s.keepAlive),
    [false, false, true],
  );
});

test('a body without length ends at close', () => {
  const { p, seen } = parser();
  const text = Buffer.from('HTTP/1.1 200 OK\r\n\r\nstreamed until the end');
  assert.ok(p.execute(text, 0, text.length));
  assert.equal(seen.length, 0);
  assert.ok(p.finish());
  assert.equal(seen.length, 1);
  assert.equal(seen[0]!.totalBytes, text.length);
  assert.equal(seen[0]!.keepAlive, false);
});

test('a truncated response is not a clean end', () => {
  const { p } = parser();
  const text = Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc');
  assert.ok(p.execute(text, 0, text.length));
  assert.equal(p.finish(), false);
});

test('malformed responses are refused with a reason', () => {
  const cases: Array<[string, RegExp]> = [
    ['GARBAGE\r\n\r\n', /malformed status line/],
    ['HTTP/2.0 200 OK\r\n\r\n', /malformed status line/],
    ['HTTP/1.1 2x0 OK\r\n\r\n', /malformed status line/],
    ['HTTP/1.1 200 OK\r\nContent-Length: 12a\r\n\r\n', /invalid Content-Length/],
    ['HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n', /conflicting Content-Length/],
    ['HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n', /invalid byte/],
    ['HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabXY', /not followed by CRLF/],
    ['HTTP/1.1 101 Switching Protocols\r\n\r\n', /upgrades are not supported/],
  ];
  for (const [text, reason] of cases) {
    const { p } = parser();
    const b = Buffer.from(text);
    assert.equal(p.execute(b, 0, b.length), false, text);
    assert.match(p.error, reason);
  }
});

test('an endless response head is refused', () => {
  const { p } = parser();
  const head = Buffer.from(`HTTP/1.1 200 OK\r\nX-Big: ${'a'.repeat(70 * 1024)}`);
  assert.equal(p.execute(head, 0, head.length), false);
  assert.match(p.error, /larger than 64 KiB/);
});
