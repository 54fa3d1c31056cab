/**
 * Balancer picks an Endpoint among the healthy ones: RoundRobinBalancer (smooth weighted round robin,
 * as nginx does it) and LeastRequestBalancer (power of two choices over active requests / weight).
 * @module
 */
import type { Endpoint } from './endpoint.js';

export interface Balancer {
  /**
   * pick returns one of `endpoints` (never empty), avoiding `exclude` (the endpoint a retry is leaving)
   * when there is another choice.
   */
  pick(endpoints: readonly Endpoint[], exclude?: Endpoint): Endpoint;
}

export class RoundRobinBalancer implements Balancer {
  private next = 0;
  private readonly current = new Map<Endpoint, number>();

  constructor(private readonly weighted: boolean) {}

  pick(endpoints: readonly Endpoint[], exclude?: Endpoint): Endpoint {
    const n = endpoints.length;
    if (n === 1) return endpoints[0]!;
    const e = this.weighted ? this.smooth(endpoints) : endpoints[this.next++ % n]!;
    if (e !== exclude) return e;
    return this.weighted ? this.smooth(endpoints) : endpoints[this.next++ % n]!;
  }

  /** smooth: each endpoint gains its weight, the richest is picked and pays the total. */
  private smooth(endpoints: readonly Endpoint[]): Endpoint {
    let total = 0;
    let best: Endpoint | undefined;
    let bestWeight = -Infinity;
    for (const e of endpoints) {
      const w = (this.current.get(e) ?? 0) + e.weight;
      this.current.set(e, w);
      total += e.weight;
      if (w > bestWeight) {
        bestWeight = w;
        best = e;
      }
    }
    this.current.set(best!, bestWeight - total);
    return best!;
  }
}

export class LeastRequestBalancer implements Balancer {
  constructor(private readonly random: () => number = Math.random) {}

  pick(endpoints: readonly Endpoint[], exclude?: Endpoint): Endpoint {
    const n = endpoints.length;
    if (n === 1) return endpoints[0]!;
    const i = Math.floor(this.random() * n);
    let j = Math.floor(this.random() * (n - 1));
    if (j >= i) j++;
    const a = endpoints[i]!;
    const b = endpoints[j]!;
    if (a === exclude) return b;
    if (b === exclude) return a;
    return a.active / a.weight <= b.active / b.weight ? a : b;
  }
}
