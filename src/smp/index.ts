/**
 * Public surface of the SMP (Service Mesh Performance) model: the spec's messages as TypeScript
 * types, codecs for binary protobuf / JSON / YAML, the `perf apply -f` test-file reader, Go
 * duration text, Timestamps, and builders for results and environments. Pure: no I/O.
 * @module
 */
export type {
  ApplicationMetadata,
  ApplicationProtocol,
  EnvironmentConfig,
  EnvironmentNode,
  GatewayUsage,
  IndividualWorkload,
  Latency,
  MeshControlPlane,
  MeshPolicy,
  MeshTelemetry,
  MeshType,
  PerformanceTestClient,
  PerformanceTestConfig,
  PerformanceTestResult,
  Protocol,
  ServiceMesh,
  ServiceMeshConfig,
  SmpMessageName,
  SmpMessages,
  TrafficMetadata,
} from './types.js';
export { SMP_MESSAGE_NAMES } from './types.js';
export {
  decodeSmp,
  encodeSmp,
  formatSmp,
  parseSmp,
  smpFromJson,
  smpToJson,
  type DecodeOptions,
} from './codec.js';
export type { JsonStyle, WriteOptions } from './writer.js';
export type { TextFormat } from './text.js';
export {
  parsePerformanceTestFile,
  readPerformanceTestFile,
  type PerformanceTestFile,
  type ReadFileOptions,
} from './config_file.js';
export { KNOWN_PROTOCOLS, validatePerformanceTestConfig, type ValidateOptions } from './config_validate.js';
export { buildPerformanceTestResult, SMP_VERSION, type LatencyMicros, type ResultInput } from './result.js';
export { buildEnvironmentConfig, type EnvironmentInput, type HostFacts } from './environment.js';
export { formatGoDuration, parseGoDuration } from './duration.js';
export {
  formatRfc3339,
  parseRfc3339,
  timestampFromDate,
  timestampToDate,
  timestampToMillis,
  type Timestamp,
} from './timestamp.js';
export { SMP_ERR_BINARY, SMP_ERR_SYNTAX } from './errors.js';
export { writtenKey } from './reader.js';
export { SMP_PROTO_FILES, protoDir } from './schema.js';
