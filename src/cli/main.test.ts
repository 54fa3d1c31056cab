import assert from 'node:assert/strict';
import { test } from 'node:test';
import { main } from './main.js';
import type { IO } from './io.js';

function captureIO(): IO & { out: () => string; err: () => string } {
  let out = '';
  let err = '';
  return {
    stdout: { write: (s: string) => (out += s) },
    stderr: { write: (s: string) => (err += s) },
    env: {},
    out: () => out,
    err: () => err,
  };
}

test('--version prints the package version', async () => {
  const io = captureIO();
  assert.equal(await main(['--version'], io), 0);
  assert.match(io.out(), /^\d+\.\d+\.\d+\n$/);
});

test('an unknown command fails with a usage hint and a non-zero code', async () => {
  const io = captureIO();
  assert.notEqual(await main(['no-such-command'], io), 0);
  assert.match(io.err(), /unknown command 'no-such-command'|too many arguments/);
});
