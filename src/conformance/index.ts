/**
 * Public surface of the SMI conformance suite: the sample app, the suites (steps as data), the
 * runner and its MeshDriver interface with the no-mesh and local-mesh drivers, scoring in the
 * learn-layer5/Meshery shapes, and the text/JSON/YAML/JUnit reports.
 * @module
 */
export type {
  DriverCall,
  Instance,
  MeshDriver,
  MeshInfo,
  MetricsAnswer,
  SampleWorkload,
  ServedApi,
  SettleResult,
} from './driver.js';
export { NoMeshDriver } from './drivers/no_mesh.js';
export { LocalMeshDriver, type LocalMeshDriverOptions } from './drivers/local_mesh.js';
export { runConformance, selectSuites, claimsOf, type RunOptions } from './runner.js';
export type { ConformanceRun, StepResult, StepStatus, SuiteResult } from './result.js';
export {
  scoreRun,
  capabilityOf,
  failedStepOf,
  failureMessage,
  PASSED_MESSAGE,
  type Capability,
  type CommonError,
  type ConformanceResponse,
  type Detail,
  type MesheryDetail,
  type MesheryResult,
  type ResultStatus,
  type Score,
} from './score.js';
export {
  conformanceDocument,
  formatRun,
  formatStep,
  OUTPUT_FORMATS,
  type ConformanceDocument,
  type OutputFormat,
} from './report.js';
export { junitXml, xmlEscape } from './junit.js';
export { acceptanceInterval, acceptanceProbability, binomialPmf, requiredRequests } from './binomial.js';
export { SUITES, SUITE_NAMES, SPLIT_CHECK_ALPHA, SPLIT_REQUESTS, KNOWN_TRAFFIC } from './suites/index.js';
export type { Step, Suite, SuiteName, Check, Claims } from './suites/index.js';
export {
  SampleApp,
  SAMPLE_APP_MAIN,
  readProxySettings,
  type CallRecord,
  type Metrics,
  type SampleAppOptions,
} from './app/index.js';
export { CONFORMANCE_ERR_APP, CONFORMANCE_ERR_DRIVER, CONFORMANCE_ERR_NOT_READY } from './errors.js';
