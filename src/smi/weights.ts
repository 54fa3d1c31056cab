/**
 * TrafficSplit weights are relative: 1000/500 sends two thirds and one third. This turns them
 * into shares that sum to 1.
 * @module
 */
import type { TrafficSplitBackend } from './model.js';

/** BackendShare is a backend with its fraction of the traffic. */
export interface BackendShare extends TrafficSplitBackend {
  /** weight / sum of weights; 0 for weight 0, and for every backend when all weights are 0. */
  share: number;
}

/** normaliseWeights computes each backend's share of the traffic. */
export function normaliseWeights(backends: readonly TrafficSplitBackend[]): BackendShare[] {
  const total = backends.reduce((sum, b) => sum + b.weight, 0);
  return backends.map((b) => ({ ...b, share: total === 0 ? 0 : b.weight / total }));
}
