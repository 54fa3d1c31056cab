import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InvalidInputError } from '../../errors/index.js';
import { AddressPool } from './address_pool.js';
import { AddressesExhaustedError } from '../errors.js';

test('addresses come from the range, skip its ends, and are not re-used at once', () => {
  const pool = new AddressPool('127.40.0.0/30');
  assert.equal(pool.allocate(), '127.40.0.1');
  assert.equal(pool.allocate(), '127.40.0.2');
  assert.throws(() => pool.allocate(), AddressesExhaustedError);
  pool.release('127.40.0.1');
  assert.equal(pool.allocate(), '127.40.0.1');
  const wide = new AddressPool('127.40.1.0/24');
  const a = wide.allocate();
  wide.release(a);
  assert.notEqual(wide.allocate(), a, 'moves on instead of handing back the address just freed');
});

test('127.0.0.1 is never handed out', () => {
  const pool = new AddressPool('127.0.0.0/30');
  assert.equal(pool.allocate(), '127.0.0.2');
});

test('ranges outside 127.0.0.0/8 or without a usable prefix are refused', () => {
  for (const bad of ['10.0.0.0/8', '127.0.0.0/31', '127.0.0.0', '127.300.0.0/16', '127.0.0.0/7']) {
    assert.throws(
      () => new AddressPool(bad),
      (e: unknown) => e instanceof InvalidInputError && e.field === 'addressRange',
      bad,
    );
  }
});
