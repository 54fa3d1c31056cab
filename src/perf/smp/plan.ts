/**
 * SMP `PerformanceTestConfig` → load runs. Every client and every endpoint URL becomes one run
 * (Meshery ran only the first URL of the first client), with the client's connections, rps,
 * headers, cookies, body, content type, protocol, generator and CA certificate. Each run goes
 * through prepareRun with the SMP field names as the user wrote them (`test.clients[1].rps`), so a
 * bad file fails before anything runs. `meshplane perf apply -f` and the management plane both
 * plan with this module.
 * @module
 */
import { parse as parseYaml } from 'yaml';
import { InvalidInputError } from '../../errors/index.js';
import {
  writtenKey,
  type MeshType,
  type PerformanceTestClient,
  type PerformanceTestFile,
} from '../../smp/index.js';
import { unsupportedProtocol } from '../errors.js';
import type { FieldNames, GeneratorName, LoadModel, ResolvedRunOptions, RunOptions } from '../options.js';
import { prepareRun } from '../runner.js';

/** SmpRun is one run of a plan: one endpoint URL of one client. */
export interface SmpRun {
  /** Index of the client in `clients`, from 0. */
  client: number;
  /** Index of the URL in the client's `endpoint_urls`, from 0. */
  endpoint: number;
  /** Field path of the client as written, e.g. `test.clients[1]` or `clients[0]`. */
  path: string;
  /** The config's name, with `#<client>.<endpoint>` (from 1) when the file asks for several runs. */
  name: string;
  /** What to run; `prepared` is the same, validated. */
  options: RunOptions;
  /** SMP field names of the options, for errors the caller raises later. */
  names: FieldNames;
  prepared: ResolvedRunOptions;
}

/** SmpPlan is what one config asks for, in order: client by client, URL by URL. */
export interface SmpPlan {
  /** `PerformanceTestConfig.id`; each result's `test_id` refers to it. */
  testId: string;
  name: string;
  /** The config's own labels, carried into each result. */
  labels: Record<string, string>;
  /** Mesh label from the test file's `mesh.type` (`linkerd`, `istio`…), '' when none is given. */
  mesh: string;
  /** `mesh.version` of the test file, '' when none is given. */
  meshVersion: string;
  runs: SmpRun[];
}

/** DefaultRunOptions are applied to every run before a client's own `additional_options`. */
export type DefaultRunOptions = Omit<RunOptions, 'url'>;

export interface SmpPlanOptions {
  /** File name or other origin, prefixed to error messages. */
  source?: string;
  /** Settings an SMP config has no field for: warm-up, timeout, TLS (CLI flags, API query). */
  defaults?: DefaultRunOptions;
  /** How to name the defaults in errors, e.g. `{ warmup: '--warmup' }`. */
  defaultNames?: FieldNames;
}

/** SMP_MESH_LABELS name each `ServiceMesh.Type` the way run labels and tables show it. */
export const SMP_MESH_LABELS: Record<MeshType, string> = {
  INVALID_MESH: '',
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

/** `load_generator` values (free text in SMP) and the generator each runs; Meshery's files say fortio. */
const GENERATORS: Record<string, GeneratorName> = {
  '': 'meshplane',
  meshplane: 'meshplane',
  fortio: 'meshplane',
  wrk: 'wrk',
  hey: 'hey',
};

/**
 * ADDITIONAL_OPTIONS are the keys a client's `additional_options` (a JSON or YAML mapping) may set:
 * what SMP has no field for.
 */
const ADDITIONAL_OPTIONS = [
  'method',
  'warmup',
  'timeout',
  'pipeline',
  'load_model',
  'requests',
  'insecure',
] as const;
type AdditionalKey = (typeof ADDITIONAL_OPTIONS)[number];
const ADDITIONAL_FIELDS: Record<AdditionalKey, keyof FieldNames> = {
  method: 'method',
  warmup: 'warmup',
  timeout: 'timeout',
  pipeline: 'pipeline',
  load_model: 'loadModel',
  requests: 'requests',
  insecure: 'tls',
};

/**
 * planSmpRuns turns a validated test file into runs and checks each with prepareRun.
 * @throws InvalidInputError naming the SMP field (e.g. `test.clients[1].protocol`), before anything runs
 */
export function planSmpRuns(file: PerformanceTestFile, options: SmpPlanOptions = {}): SmpPlan {
  const { config } = file;
  const { source } = options;
  const base = file.shape === 'test-file' ? 'test' : '';
  const at = (obj: object, camel: string, snake: string, parent: string) => {
    const key = writtenKey(obj, camel, snake);
    return parent ? `${parent}.${key}` : key;
  };
  const clientsPath = at(config, 'clients', 'clients', base);
  const durationPath = at(config, 'duration', 'duration', base);
  const many = config.clients.length > 1 || config.clients.some((c) => c.endpointUrls.length > 1);

  const runs: SmpRun[] = [];
  config.clients.forEach((client, ci) => {
    const path = `${clientsPath}[${ci}]`;
    const field = (camel: string, snake: string) => at(client, camel, snake, path);
    if (client.protocol !== 'PROTOCOL_HTTP') {
      throw unsupportedProtocol(field('protocol', 'protocol'), client.protocol, source);
    }
    if (client.internal) {
      throw new InvalidInputError(
        field('internal', 'internal'),
        true,
        'false: the load runs from this host, outside the mesh (a client inside the mesh is not supported yet)',
        source,
      );
    }
    const generator = GENERATORS[client.loadGenerator.trim().toLowerCase()];
    if (generator === undefined) {
      throw new InvalidInputError(
        field('loadGenerator', 'load_generator'),
        client.loadGenerator,
        "one of meshplane, wrk, hey (fortio runs meshplane's own generator; wrk2 and nighthawk are not supported)",
        source,
      );
    }
    const additionalPath = field('additionalOptions', 'additional_options');
    const extra = readAdditionalOptions(client, additionalPath, source);

    client.endpointUrls.forEach((url, ui) => {
      const name = `${config.name}${many ? ` #${ci + 1}.${ui + 1}` : ''}`;
      const https = /^https:/i.test(url);
      const names: FieldNames = {
        ...options.defaultNames,
        url: `${field('endpointUrls', 'endpoint_urls')}[${ui}]`,
        connections: field('connections', 'connections'),
        qps: field('rps', 'rps'),
        headers: field('headers', 'headers'),
        cookies: field('cookies', 'cookies'),
        body: field('body', 'body'),
        contentType: field('contentType', 'content_type'),
        duration: durationPath,
        generator: field('loadGenerator', 'load_generator'),
        'tls.ca': client.sslCertificate
          ? field('sslCertificate', 'ssl_certificate')
          : (options.defaultNames?.['tls.ca'] ?? 'tls.ca'),
      };
      for (const key of Object.keys(extra.options) as AdditionalKey[]) {
        names[ADDITIONAL_FIELDS[key]] = `${additionalPath}.${key}`;
      }
      const run: RunOptions = {
        ...options.defaults,
        url,
        headers: client.headers,
        cookies: client.cookies,
        connections: client.connections,
        qps: client.rps,
        duration: file.durationNanos / 1e6,
        generator,
        labels: `${name} -_- ${url}`,
        ...extra.run,
      };
      if (client.body !== '') run.body = client.body;
      if (client.contentType !== '') run.contentType = client.contentType;
      // TLS settings matter only to https:// URLs; a client may mix both schemes.
      if (https) {
        const tls = { ...options.defaults?.tls };
        if (client.sslCertificate) tls.ca = client.sslCertificate;
        if (extra.insecure !== undefined) tls.insecure = extra.insecure;
        if (Object.keys(tls).length > 0) run.tls = tls;
      } else {
        delete run.tls;
      }
      const prepared = prepareRun(run, names, source);
      runs.push({ client: ci, endpoint: ui, path, name, options: run, names, prepared });
    });
  });

  const meshType = file.mesh?.type ?? 'INVALID_MESH';
  return {
    testId: config.id,
    name: config.name,
    labels: { ...config.labels },
    mesh: SMP_MESH_LABELS[meshType] ?? meshType.toLowerCase(),
    meshVersion: file.mesh?.version ?? '',
    runs,
  };
}

interface AdditionalOptions {
  /** The keys given, as written. */
  options: Partial<Record<AdditionalKey, unknown>>;
  /** Those keys as RunOptions. */
  run: Partial<RunOptions>;
  insecure?: boolean;
}

/** readAdditionalOptions parses `additional_options`: empty, or a JSON/YAML mapping of ADDITIONAL_OPTIONS keys. */
function readAdditionalOptions(
  client: PerformanceTestClient,
  path: string,
  source?: string,
): AdditionalOptions {
  const text = client.additionalOptions.trim();
  if (text === '') return { options: {}, run: {} };
  const expected = `a JSON or YAML mapping with keys from ${ADDITIONAL_OPTIONS.join(', ')}, e.g. {"method": "PUT", "warmup": "0s"}`;
  let value: unknown;
  try {
    value = parseYaml(text);
  } catch {
    throw new InvalidInputError(path, client.additionalOptions, expected, source);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new InvalidInputError(path, client.additionalOptions, expected, source);
  }
  const out: AdditionalOptions = { options: {}, run: {} };
  for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
    const name = key === 'loadModel' ? 'load_model' : key;
    if (!(ADDITIONAL_OPTIONS as readonly string[]).includes(name)) {
      throw new InvalidInputError(
        `${path}.${key}`,
        v,
        `one of the keys ${ADDITIONAL_OPTIONS.join(', ')}`,
        source,
      );
    }
    out.options[name as AdditionalKey] = v;
    switch (name as AdditionalKey) {
      case 'method':
        out.run.method = v as string;
        break;
      case 'warmup':
        out.run.warmup = v as string;
        break;
      case 'timeout':
        out.run.timeout = v as string;
        break;
      case 'pipeline':
        out.run.pipeline = v as number;
        break;
      case 'load_model':
        out.run.loadModel = v as LoadModel;
        break;
      case 'requests':
        out.run.requests = v as number;
        break;
      case 'insecure':
        if (typeof v !== 'boolean') throw new InvalidInputError(`${path}.${key}`, v, 'true or false', source);
        out.insecure = v;
        break;
    }
  }
  return out;
}
