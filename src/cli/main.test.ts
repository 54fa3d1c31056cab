import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildProgram, main, registrarsFor } from './main.js';
import { captureIO } from './testing/io.js';

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

test('a command loads only its own area; help and unknown commands load every area', async () => {
  const names = async (argv: string[]): Promise<string[]> => {
    const program = buildProgram(captureIO(), () => {}, await registrarsFor(argv));
    return program.commands.map((c) => c.name()).sort();
  };
  assert.deepEqual(await names(['proxy', '--address', '127.0.0.1']), ['proxy']);
  assert.deepEqual(await names(['perf', 'run', 'http://x/']), ['perf']);
  assert.deepEqual(await names(['get', 'workloads']), ['apply', 'delete', 'get', 'logs']);
  const all = await names(['--help']);
  for (const name of ['perf', 'mesh', 'apply', 'get', 'proxy', 'server']) assert.ok(all.includes(name), name);
  assert.deepEqual(await names(['no-such-command']), all);
});
