/** "Did you mean" suggestions for misspelt field names, used by every input validator. */

/** editDistance is the Levenshtein distance between two short strings. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
    }
    previous = current;
  }
  return previous[b.length]!;
}

/**
 * suggestName picks the known name closest to `key`, or undefined when nothing is close.
 * Case and `_`/`-` are ignored, so `endpointURL` and `endpoint-url` both find `endpoint_urls`.
 */
export function suggestName(key: string, known: readonly string[]): string | undefined {
  const squash = (s: string) => s.toLowerCase().replace(/[_-]/g, '');
  const k = squash(key);
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const name of known) {
    const n = squash(name);
    const distance =
      (n.startsWith(k) || k.startsWith(n)) && Math.min(k.length, n.length) >= 3 ? 1 : editDistance(k, n);
    if (distance < bestDistance) [best, bestDistance] = [name, distance];
  }
  return best !== undefined && bestDistance <= Math.max(2, Math.floor(key.length / 3)) ? best : undefined;
}
