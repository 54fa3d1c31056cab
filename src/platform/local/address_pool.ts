/**
 * AddressPool hands out loopback addresses ("pod IPs") from a CIDR range inside 127.0.0.0/8. It
 * skips the range's first and last address and 127.0.0.1, and moves on after each allocation rather
 * than re-using the address just freed, so a restarted replica rarely inherits a stale peer's address.
 * @module
 */
import { InvalidInputError } from '../../errors/index.js';
import { AddressesExhaustedError } from '../errors.js';

export const DEFAULT_ADDRESS_RANGE = '127.10.0.0/16';

export class AddressPool {
  readonly range: string;
  readonly #first: number;
  readonly #last: number;
  readonly #used = new Set<number>();
  #cursor: number;

  constructor(range: string = DEFAULT_ADDRESS_RANGE) {
    const m = /^127\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(range);
    const octets = m ? [127, Number(m[1]), Number(m[2]), Number(m[3])] : [];
    const prefix = m ? Number(m[4]) : NaN;
    if (!m || octets.some((o) => o > 255) || prefix < 8 || prefix > 30) {
      throw new InvalidInputError(
        'addressRange',
        range,
        'a CIDR range inside 127.0.0.0/8 with a prefix from /8 to /30, e.g. 127.10.0.0/16',
      );
    }
    const base = octets.reduce((n, o) => n * 256 + o, 0);
    const size = 2 ** (32 - prefix);
    const network = base - (base % size);
    this.range = range;
    this.#first = network + 1;
    this.#last = network + size - 2;
    this.#cursor = this.#first;
  }

  /** allocate returns a free address or throws AddressesExhaustedError. */
  allocate(): string {
    const count = this.#last - this.#first + 1;
    for (let i = 0; i < count; i++) {
      const candidate = this.#cursor;
      this.#cursor = candidate >= this.#last ? this.#first : candidate + 1;
      if (this.#used.has(candidate) || candidate === 0x7f000001) continue;
      this.#used.add(candidate);
      return toDotted(candidate);
    }
    throw new AddressesExhaustedError(this.range);
  }

  release(address: string): void {
    this.#used.delete(address.split('.').reduce((n, o) => n * 256 + Number(o), 0));
  }

  get inUse(): number {
    return this.#used.size;
  }
}

function toDotted(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}
