// classifyTunnelBytes: what the first bytes of a CONNECT tunnel say it carries.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { classifyTunnelBytes } from './sniff.js';

test('HTTP/1 request lines, the HTTP/2 preface and other bytes are told apart', () => {
  const c = (s: string | Buffer) => classifyTunnelBytes(typeof s === 'string' ? Buffer.from(s, 'latin1') : s);
  assert.equal(c('GET / HTTP/1.1\r\n'), 'http1');
  assert.equal(c('M-SEARCH * HTTP/1.1'), 'http1');
  assert.equal(c('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n'), 'h2');
  assert.equal(c('PRI * HTTP/2.0'), undefined, 'a partial preface waits for more');
  assert.equal(c('GE'), undefined, 'a partial method waits for more');
  assert.equal(c(Buffer.from([0x16, 0x03, 0x01, 0x02, 0x00])), 'tcp', 'TLS ClientHello');
  assert.equal(c('*1\r\n$4\r\nPING\r\n'), 'tcp', 'RESP (Redis)');
  assert.equal(c('get / HTTP/1.1'), 'tcp', 'methods are upper case');
  assert.equal(c('ABCDEFGHIJKLMNOPQRSTUVWXYZ'), 'tcp', 'no space within a method-sized prefix');
  assert.equal(c(''), undefined);
});
