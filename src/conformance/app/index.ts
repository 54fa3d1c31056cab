/**
 * The sample app as a library (tests, embedding) and where its entry point is on disk, so platforms
 * can run it as a workload: `node <SAMPLE_APP_MAIN>`.
 * @module
 */
import { fileURLToPath } from 'node:url';

export { SampleApp, SERVICE_NAME_HEADER, parseCall, type SampleAppOptions } from './server.js';
export { readProxySettings, proxyFor, type ProxySettings } from './proxy_env.js';
export { MetricsStore, type CallRecord, type Metrics } from './store.js';
export { wireFormat, canonicalHeaderKey } from './wire.js';

/** SAMPLE_APP_MAIN is the absolute path of the sample app's entry point (dist/conformance/app/main.js). */
export const SAMPLE_APP_MAIN = fileURLToPath(new URL('./main.js', import.meta.url));
