/**
 * Exact binomial arithmetic for the weighted-split checks. A split of n requests with backend share
 * p gives a count X ~ Binomial(n, p) on that backend (each request is routed independently). A
 * check accepts X inside the equal-tailed interval [lo, hi] with P(X < lo) ≤ α/2 and
 * P(X > hi) ≤ α/2, so a correct mesh fails it with probability ≤ α. `requiredRequests` finds the
 * smallest n for which that interval also rejects a wrong share (say 50/50 instead of 75/25) with
 * probability ≥ 1 − β. All sums are exact over the probability mass function, computed in log space
 * so that n in the thousands neither overflows nor underflows where it matters.
 * @module
 */

/** AcceptanceInterval is the range of counts a check accepts. */
export interface AcceptanceInterval {
  n: number;
  p: number;
  alpha: number;
  lo: number;
  hi: number;
}

/** binomialPmf returns P(X = k) for k = 0..n. */
export function binomialPmf(n: number, p: number): number[] {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`binomialPmf: n must be an integer ≥ 0, got ${n}`);
  if (!(p >= 0 && p <= 1)) throw new RangeError(`binomialPmf: p must be in [0, 1], got ${p}`);
  if (p === 0 || p === 1) return Array.from({ length: n + 1 }, (_, k) => (k === (p === 0 ? 0 : n) ? 1 : 0));
  const logP = Math.log(p);
  const logQ = Math.log1p(-p);
  const out = new Array<number>(n + 1);
  let logChoose = 0; // log C(n, k), updated as k grows
  for (let k = 0; k <= n; k++) {
    if (k > 0) logChoose += Math.log(n - k + 1) - Math.log(k);
    out[k] = Math.exp(logChoose + k * logP + (n - k) * logQ);
  }
  return out;
}

/** acceptanceInterval is the equal-tailed interval of Binomial(n, p) that holds X with probability ≥ 1 − α. */
export function acceptanceInterval(n: number, p: number, alpha: number): AcceptanceInterval {
  if (!(alpha > 0 && alpha < 1))
    throw new RangeError(`acceptanceInterval: alpha must be in (0, 1), got ${alpha}`);
  const pmf = binomialPmf(n, p);
  let lo = 0;
  for (let tail = 0; lo < n && tail + pmf[lo]! <= alpha / 2; lo++) tail += pmf[lo]!;
  let hi = n;
  for (let tail = 0; hi > lo && tail + pmf[hi]! <= alpha / 2; hi--) tail += pmf[hi]!;
  return { n, p, alpha, lo, hi };
}

/** acceptanceProbability is P(lo ≤ X ≤ hi) for X ~ Binomial(n, p): how often the check passes at share p. */
export function acceptanceProbability(
  interval: Pick<AcceptanceInterval, 'n' | 'lo' | 'hi'>,
  p: number,
): number {
  const pmf = binomialPmf(interval.n, p);
  let sum = 0;
  for (let k = interval.lo; k <= interval.hi; k++) sum += pmf[k]!;
  return Math.min(1, sum);
}

/**
 * requiredRequests is the smallest n (up to `max`) whose α-interval for share p accepts share
 * `wrong` with probability below β, i.e. a check of n requests that a correct mesh fails with
 * probability ≤ α and a mesh splitting at `wrong` passes with probability < β.
 */
export function requiredRequests(
  p: number,
  wrong: number,
  alpha: number,
  beta: number,
  max = 20_000,
): number {
  if (p === wrong) throw new RangeError('requiredRequests: the wrong share must differ from p');
  // Power grows with n but not monotonically (the interval moves in whole counts), so scan.
  for (let n = 1; n <= max; n++) {
    if (acceptanceProbability(acceptanceInterval(n, p, alpha), wrong) < beta) return n;
  }
  throw new RangeError(`requiredRequests: no n ≤ ${max} separates ${p} from ${wrong}`);
}
