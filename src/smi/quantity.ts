/**
 * Kubernetes resource quantities (`500m`, `1`, `1.5`, `2k`, `1Ki`, `1e3`), as TrafficSplit
 * v1alpha1 writes backend weights and TrafficMetrics writes values.
 * @module
 */

const DECIMAL_SUFFIX: Record<string, number> = {
  n: -9,
  u: -6,
  m: -3,
  '': 0,
  k: 3,
  M: 6,
  G: 9,
  T: 12,
  P: 15,
  E: 18,
};
const BINARY_SUFFIX: Record<string, bigint> = {
  Ki: 2n ** 10n,
  Mi: 2n ** 20n,
  Gi: 2n ** 30n,
  Ti: 2n ** 40n,
  Pi: 2n ** 50n,
  Ei: 2n ** 60n,
};
const QUANTITY = /^([+-]?)(\d+\.?\d*|\.\d+)(?:(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE])|[eE]([+-]?\d+))?$/;

/** Exact rational value of a quantity: numerator / 10^scale. */
interface Exact {
  numerator: bigint;
  scale: number;
}

function parseExact(text: string): Exact | undefined {
  const m = QUANTITY.exec(text.trim());
  if (!m) return undefined;
  const [, sign, number, suffix = '', exponent] = m;
  const [whole = '', frac = ''] = number!.split('.');
  let numerator = BigInt((whole || '0') + frac) * (sign === '-' ? -1n : 1n);
  let scale = frac.length;
  if (suffix in BINARY_SUFFIX) numerator *= BINARY_SUFFIX[suffix]!;
  else scale -= exponent !== undefined ? Number(exponent) : DECIMAL_SUFFIX[suffix]!;
  return { numerator, scale };
}

/**
 * quantityToMilli returns the quantity in thousandths (`500m` → 500, `1` → 1000, `1.5` → 1500),
 * or undefined when the text is not a quantity or is finer than 1m.
 */
export function quantityToMilli(text: string): number | undefined {
  const exact = parseExact(text);
  if (!exact) return undefined;
  const shift = 3 - exact.scale;
  let milli: bigint;
  if (shift >= 0) milli = exact.numerator * 10n ** BigInt(shift);
  else {
    const div = 10n ** BigInt(-shift);
    if (exact.numerator % div !== 0n) return undefined;
    milli = exact.numerator / div;
  }
  return milli > BigInt(Number.MAX_SAFE_INTEGER) || milli < -BigInt(Number.MAX_SAFE_INTEGER)
    ? undefined
    : Number(milli);
}

/** quantityToNumber returns the quantity's value as a JavaScript number (may round). */
export function quantityToNumber(text: string): number | undefined {
  const exact = parseExact(text);
  return exact ? Number(exact.numerator) / 10 ** exact.scale : undefined;
}

/**
 * formatMilliQuantity writes thousandths in Kubernetes' canonical decimal form: the largest
 * suffix that keeps the mantissa whole (`1500` → `1500m`, `12000` → `12`, `2000000` → `2k`).
 */
export function formatMilliQuantity(milli: number): string {
  if (!Number.isSafeInteger(milli)) throw new RangeError(`formatMilliQuantity: ${milli} is not an integer`);
  if (milli === 0) return '0';
  const suffixes = ['m', '', 'k', 'M', 'G', 'T', 'P', 'E'];
  let value = milli;
  let i = 0;
  while (i < suffixes.length - 1 && value % 1000 === 0) {
    value /= 1000;
    i++;
  }
  return `${value}${suffixes[i]}`;
}
