/**
 * Validation and defaulting of one manifest document into a Resource. Every error names the file,
 * the document, the resource and the field. Cross-resource checks (references, selectors) are in
 * ../apply.ts because they need the rest of the mesh.
 * @module
 */
import { PROXY_ADMIN_PORT, PROXY_INBOUND_PORT, PROXY_OUTBOUND_PORT } from '../../config/index.js';
import { CONTROL_ERR_UNKNOWN_KIND } from '../errors.js';
import { FieldReader, type Obj } from './fields.js';
import type {
  AppProtocol,
  ObjectMeta,
  ReadinessProbe,
  Resource,
  ServicePort,
  Upstream,
  WorkloadResource,
} from './types.js';

export const DEFAULT_NAMESPACE = 'default';
export const DEFAULT_SERVICE_ACCOUNT = 'default';
/** Ports the sidecar holds on every workload address; apps and upstream listeners must avoid them. */
export const SIDECAR_PORTS = [PROXY_ADMIN_PORT, PROXY_OUTBOUND_PORT, PROXY_INBOUND_PORT];
export const MAX_REPLICAS = 64;

export const KNOWN_KINDS = ['v1/Service', 'v1/ServiceAccount', 'meshplane.dev/v1alpha1/Workload'];
/** SMI_KINDS_HINT names the SMI kinds (read by src/smi) in the unknown-kind message. */
const SMI_KINDS_HINT =
  'split.smi-spec.io TrafficSplit, access.smi-spec.io TrafficTarget, specs.smi-spec.io HTTPRouteGroup|TCPRoute|UDPRoute';

const appProtocols: Record<string, AppProtocol> = {
  http: 'http',
  http2: 'http2',
  h2c: 'http2',
  'kubernetes.io/h2c': 'http2',
  grpc: 'grpc',
  tcp: 'tcp',
};

/**
 * validateDocument turns one manifest object of a control-plane kind into a Resource, or throws
 * InvalidInputError; `where` names the file, document and line.
 */
export function validateDocument(doc: unknown, where: string): Resource {
  const base = new FieldReader(where);
  const obj = base.object(doc, '(document)')!;
  const apiVersion = base.string(obj.apiVersion, 'apiVersion')!;
  const kind = base.string(obj.kind, 'kind')!;
  const meta = base.object(obj.metadata, 'metadata')!;
  const name = base.dnsLabel(meta.name, 'metadata.name');
  const namespace =
    meta.namespace === undefined ? DEFAULT_NAMESPACE : base.dnsLabel(meta.namespace, 'metadata.namespace');
  const r = new FieldReader(`${where}: ${kind} "${namespace}/${name}"`);
  if (!KNOWN_KINDS.includes(`${apiVersion}/${kind}`)) {
    r.fail(
      'kind',
      `${apiVersion}/${kind}`,
      `one of ${KNOWN_KINDS.join(', ')}, or an SMI kind (${SMI_KINDS_HINT})`,
      CONTROL_ERR_UNKNOWN_KIND,
    );
  }
  const metadata: ObjectMeta = {
    name,
    namespace,
    labels: r.stringMap(meta.labels, 'metadata.labels'),
    annotations: r.stringMap(meta.annotations, 'metadata.annotations'),
  };
  switch (kind) {
    case 'ServiceAccount':
      return { apiVersion: 'v1', kind, metadata };
    case 'Service':
      return validateService(r, obj, metadata);
    default:
      return validateWorkload(r, obj, metadata);
  }
}

function validateService(r: FieldReader, obj: Obj, metadata: ObjectMeta): Resource {
  const spec = r.object(obj.spec, 'spec')!;
  r.knownKeys(spec, 'spec', ['selector', 'ports', 'type', 'clusterIP']);
  const selector = r.stringMap(spec.selector, 'spec.selector');
  if (Object.keys(selector).length === 0) {
    r.fail('spec.selector', spec.selector, 'a non-empty label selector, e.g. {app: web}');
  }
  const rawPorts = spec.ports;
  if (!Array.isArray(rawPorts) || rawPorts.length === 0) {
    r.fail('spec.ports', rawPorts, 'a non-empty list of ports');
  }
  const ports: ServicePort[] = rawPorts.map((p: unknown, i: number) => {
    const field = `spec.ports[${i}]`;
    const port = r.object(p, field)!;
    r.knownKeys(port, field, ['name', 'port', 'targetPort', 'protocol', 'appProtocol']);
    const number = r.int(port.port, `${field}.port`, 1, 65535);
    const name =
      port.name === undefined
        ? rawPorts.length === 1
          ? ''
          : r.fail(`${field}.name`, undefined, 'a port name (required when a Service has several ports)')
        : r.dnsLabel(port.name, `${field}.name`, 15);
    const protocol = port.protocol ?? 'TCP';
    if (protocol !== 'TCP')
      r.fail(`${field}.protocol`, protocol, '"TCP" (the only transport the mesh carries)');
    const named = Object.keys(appProtocols).find((p) => name === p || name.startsWith(`${p}-`));
    const appProtocolText = r.string(port.appProtocol, `${field}.appProtocol`, true) ?? named ?? 'http';
    const appProtocol = appProtocols[appProtocolText];
    if (!appProtocol) {
      r.fail(`${field}.appProtocol`, appProtocolText, `one of ${Object.keys(appProtocols).join(', ')}`);
    }
    const targetPort = r.int(
      port.targetPort,
      `${field}.targetPort`,
      1,
      65535,
      number,
      'an integer port from 1 to 65535',
    );
    return { name, port: number, targetPort, protocol: 'TCP', appProtocol };
  });
  const seen = new Set<number>();
  const seenNames = new Set<string>();
  ports.forEach((p, i) => {
    if (seen.has(p.port)) r.fail(`spec.ports[${i}].port`, p.port, 'a port not listed twice');
    if (p.name && seenNames.has(p.name)) r.fail(`spec.ports[${i}].name`, p.name, 'a name not used twice');
    seen.add(p.port);
    seenNames.add(p.name);
  });
  return { apiVersion: 'v1', kind: 'Service', metadata, spec: { selector, ports } };
}

function validateWorkload(r: FieldReader, obj: Obj, metadata: ObjectMeta): WorkloadResource {
  if (metadata.name.length > 50)
    r.fail('metadata.name', metadata.name, 'at most 50 characters for a Workload');
  const spec = r.object(obj.spec, 'spec')!;
  r.knownKeys(spec, 'spec', [
    'serviceAccount',
    'replicas',
    'command',
    'env',
    'port',
    'workingDir',
    'readinessProbe',
    'upstreams',
  ]);
  const serviceAccount =
    spec.serviceAccount === undefined
      ? DEFAULT_SERVICE_ACCOUNT
      : r.dnsLabel(spec.serviceAccount, 'spec.serviceAccount');
  const replicas = r.int(spec.replicas, 'spec.replicas', 0, MAX_REPLICAS, 1);
  if (!Array.isArray(spec.command) || spec.command.length === 0) {
    r.fail('spec.command', spec.command, 'a non-empty list of strings: the program and its arguments');
  }
  const command = spec.command.map((c: unknown, i: number) => r.string(c, `spec.command[${i}]`)!);
  if (command[0] === '') r.fail('spec.command[0]', '', 'a program name or path');
  const port = r.int(spec.port, 'spec.port', 1, 65535, undefined, portExpectation());
  if (SIDECAR_PORTS.includes(port)) r.fail('spec.port', port, portExpectation());
  const workingDir = r.string(spec.workingDir, 'spec.workingDir', true);
  return {
    apiVersion: 'meshplane.dev/v1alpha1',
    kind: 'Workload',
    metadata,
    spec: {
      serviceAccount,
      replicas,
      command,
      env: readEnv(r, spec.env),
      port,
      ...(workingDir === undefined ? {} : { workingDir }),
      readinessProbe: readProbe(r, spec.readinessProbe, port),
      upstreams: readUpstreams(r, spec.upstreams, metadata.namespace, port),
    },
  };
}

function portExpectation(): string {
  return `an integer port from 1 to 65535 other than the sidecar ports ${SIDECAR_PORTS.join(', ')}`;
}

/** readEnv accepts a mapping (NAME: value) or Kubernetes' list form ([{name, value}]). */
function readEnv(r: FieldReader, value: unknown): Record<string, string> {
  if (value === undefined || value === null) return {};
  const env: Record<string, string> = {};
  const entries: [string, unknown, string][] = Array.isArray(value)
    ? value.map((e: unknown, i: number) => {
        const item = r.object(e, `spec.env[${i}]`)!;
        return [r.string(item.name, `spec.env[${i}].name`)!, item.value ?? '', `spec.env[${i}].value`];
      })
    : Object.entries(r.object(value, 'spec.env')!).map(([k, v]) => [k, v, `spec.env.${k}`]);
  for (const [name, v, field] of entries) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name))
      r.fail(field, name, 'an environment variable name ([A-Za-z_][A-Za-z0-9_]*)');
    env[name] = r.string(v, field)!;
  }
  return env;
}

function readProbe(r: FieldReader, value: unknown, appPort: number): ReadinessProbe {
  const probe = r.object(value, 'spec.readinessProbe', true) ?? {};
  const f = 'spec.readinessProbe';
  r.knownKeys(probe, f, [
    'httpGet',
    'tcpSocket',
    'initialDelaySeconds',
    'periodSeconds',
    'timeoutSeconds',
    'successThreshold',
    'failureThreshold',
  ]);
  const out: ReadinessProbe = {
    initialDelaySeconds: r.seconds(probe.initialDelaySeconds, `${f}.initialDelaySeconds`, 0),
    periodSeconds: r.seconds(probe.periodSeconds, `${f}.periodSeconds`, 1, 0.1),
    timeoutSeconds: r.seconds(probe.timeoutSeconds, `${f}.timeoutSeconds`, 1, 0.1),
    successThreshold: r.int(probe.successThreshold, `${f}.successThreshold`, 1, 100, 1),
    failureThreshold: r.int(probe.failureThreshold, `${f}.failureThreshold`, 1, 100, 2),
  };
  if (probe.httpGet !== undefined && probe.tcpSocket !== undefined) {
    r.fail(`${f}.tcpSocket`, probe.tcpSocket, 'either httpGet or tcpSocket, not both');
  }
  if (probe.httpGet !== undefined) {
    const http = r.object(probe.httpGet, `${f}.httpGet`)!;
    const path = r.string(http.path, `${f}.httpGet.path`, true) ?? '/';
    if (!path.startsWith('/')) r.fail(`${f}.httpGet.path`, path, 'a path starting with /');
    out.httpGet = { path, port: r.int(http.port, `${f}.httpGet.port`, 1, 65535, appPort) };
  } else if (probe.tcpSocket !== undefined) {
    const tcp = r.object(probe.tcpSocket, `${f}.tcpSocket`)!;
    out.tcpSocket = { port: r.int(tcp.port, `${f}.tcpSocket.port`, 1, 65535, appPort) };
  }
  return out;
}

function readUpstreams(r: FieldReader, value: unknown, namespace: string, appPort: number): Upstream[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) r.fail('spec.upstreams', value, 'a list of {service, port, localPort}');
  const used = new Set<number>([...SIDECAR_PORTS, appPort]);
  return value.map((u: unknown, i: number) => {
    const f = `spec.upstreams[${i}]`;
    const item = r.object(u, f)!;
    r.knownKeys(item, f, ['service', 'namespace', 'port', 'localPort']);
    const localPort = r.int(item.localPort, `${f}.localPort`, 1, 65535);
    if (used.has(localPort)) {
      r.fail(`${f}.localPort`, localPort, 'a port not used by the app, the sidecar or another upstream');
    }
    used.add(localPort);
    return {
      service: r.dnsLabel(item.service, `${f}.service`),
      namespace: item.namespace === undefined ? namespace : r.dnsLabel(item.namespace, `${f}.namespace`),
      port: r.int(item.port, `${f}.port`, 1, 65535),
      localPort,
    };
  });
}
