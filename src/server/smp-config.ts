/**
 * SMP `PerformanceTestConfig` → runs. Unlike Meshery, which ran only the first endpoint of the first
 * client, every client and every endpoint URL becomes a run, with its headers, cookies and body.
 * @module
 */
import { InvalidInputError } from '../errors/index.js';
import { readPerformanceTestFile, type PerformanceTestFile } from '../smp/index.js';
import type { RunSettings } from './model.js';
import { checkGenerator, parseSettings } from './settings.js';

/** PlannedRuns is what one SMP config asks for: a test id grouping the runs, and their settings. */
export interface PlannedRuns {
  testId: string;
  settings: RunSettings[];
}

const meshNames: Record<string, string> = {
  APP_MESH: 'app-mesh',
  CONSUL: 'consul',
  ISTIO: 'istio',
  KUMA: 'kuma',
  LINKERD: 'linkerd',
  TRAEFIK_MESH: 'traefik-mesh',
  OCTARINE: 'octarine',
  NETWORK_SERVICE_MESH: 'network-service-mesh',
  TANZU: 'tanzu',
  OPEN_SERVICE_MESH: 'open-service-mesh',
  NGINX_SERVICE_MESH: 'nginx-service-mesh',
  CILIUM_SERVICE_MESH: 'cilium-service-mesh',
};

/**
 * planRuns reads a parsed SMP document (bare config or Meshery's `test:` + `mesh:` file) into run
 * settings. `overrides` (mesh label, warm-up…) come from the request's query string.
 */
export function planRuns(
  document: unknown,
  overrides: Partial<RunSettings> = {},
  source?: string,
): PlannedRuns {
  const file: PerformanceTestFile = readPerformanceTestFile(document, source ? { source } : {});
  const { config } = file;
  const prefix = file.shape === 'test-file' ? 'test.' : '';
  const durationMs = Math.round(file.durationNanos / 1e6);
  const mesh =
    overrides.mesh ??
    (file.mesh && file.mesh.type !== 'INVALID_MESH' ? (meshNames[file.mesh.type] ?? '') : '');
  const settings: RunSettings[] = [];
  config.clients.forEach((client, ci) => {
    const at = `${prefix}clients[${ci}]`;
    if (client.protocol !== 'PROTOCOL_HTTP') {
      throw new InvalidInputError(
        `${at}.protocol`,
        client.protocol,
        'PROTOCOL_HTTP (1); other protocols are not supported yet',
        source,
      );
    }
    const generator = client.loadGenerator
      ? checkGenerator(`${at}.load_generator`, client.loadGenerator)
      : 'meshplane';
    client.endpointUrls.forEach((url, ui) => {
      const many = config.clients.length > 1 || client.endpointUrls.length > 1;
      const name = `${config.name || 'SMP test'}${many ? ` #${ci + 1}.${ui + 1}` : ''}`;
      settings.push(
        parseSettings(
          {
            name,
            mesh,
            url,
            concurrency: client.connections || 1,
            qps: client.rps,
            durationMs,
            headers: client.headers,
            cookies: client.cookies,
            body: client.body,
            contentType: client.contentType,
            generator,
            labels: { ...config.labels, ...(file.mesh?.version ? { mesh_version: file.mesh.version } : {}) },
            ...overrides,
          },
          undefined,
          `${at}.`,
        ),
      );
    });
  });
  return { testId: config.id, settings };
}
