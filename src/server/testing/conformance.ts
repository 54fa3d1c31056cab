/**
 * Real conformance results for the management plane's tests: the SMI suites run against the sample
 * apps with no mesh (NoMeshDriver: real processes on loopback), which fails the steps it should.
 * @module
 */
import {
  conformanceDocument,
  NoMeshDriver,
  runConformance,
  type ConformanceDocument,
  type SuiteName,
} from '../../conformance/index.js';

/** noMeshResult runs the suites without a mesh (repeated calls scaled to 10 %) and returns the document. */
export async function noMeshResult(
  suites: SuiteName[] = ['traffic-access', 'traffic-spec', 'traffic-metrics'],
): Promise<ConformanceDocument> {
  const driver = new NoMeshDriver();
  try {
    return conformanceDocument(await runConformance(driver, { suites, trafficScale: 0.1 }));
  } finally {
    await driver.close();
  }
}

/** MESHERY_ADAPTER_RESULT is shaped like what a Meshery adapter emitted for a mesh it tested (values made up). */
export const MESHERY_ADAPTER_RESULT = {
  id: '7b6c8bfe-1d2a-4d8e-9a51-0c1f2e3d4a5b',
  date: '2021-03-04T05:06:07Z',
  mesh_name: 'Open Service Mesh',
  mesh_version: 'v0.7.0',
  cases_passed: '21',
  passing_percentage: '87.50',
  status: 'completed',
  more_details: [
    {
      smi_specification: 'traffic-access',
      smi_version: 'v0.6.0/v1alpha3',
      time: '51.3',
      assertions: '7',
      result: 'All test passed',
      capability: 'FULL',
      status: 'PASSED',
    },
    {
      smi_specification: 'traffic-split',
      smi_version: 'v0.6.0/v1alpha4',
      time: '88.1',
      assertions: '11',
      result: 'step 9 failed',
      reason: 'failed in step 9-assert-75-25',
      capability: 'HALF',
      status: 'FAILED',
    },
    {
      smi_specification: 'traffic-spec',
      smi_version: 'v0.6.0/v1alpha4',
      time: '40.2',
      assertions: '6',
      result: 'All test passed',
      capability: 'FULL',
      status: 'PASSED',
    },
  ],
};
