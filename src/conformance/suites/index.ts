/**
 * The suites in the order they run, and lookup by name.
 * @module
 */
import { trafficAccess } from './traffic_access.js';
import { trafficMetrics } from './traffic_metrics.js';
import { trafficSpec } from './traffic_spec.js';
import { trafficSplitSuite } from './traffic_split.js';
import type { Suite, SuiteName } from './types.js';

export const SUITES: readonly Suite[] = [trafficAccess, trafficSplitSuite, trafficSpec, trafficMetrics];

export const SUITE_NAMES: readonly SuiteName[] = SUITES.map((s) => s.name);

export { SPLIT_CHECK_ALPHA, SPLIT_REQUESTS } from './traffic_split.js';
export { KNOWN_TRAFFIC, KNOWN_CALLS, FAILING_CALL, SPLIT_BACKENDS } from './traffic_metrics.js';
export { appObjects, sampleWorkloads, APP_PORT, SERVICE_ACCOUNTS } from './manifests.js';
export type * from './types.js';
export { APP_NAMES } from './types.js';
