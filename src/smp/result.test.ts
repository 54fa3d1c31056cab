import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InvalidInputError } from '../errors/index.js';
import { decodeSmp, encodeSmp, formatSmp, parseSmp } from './codec.js';
import { buildEnvironmentConfig } from './environment.js';
import { buildPerformanceTestResult, SMP_VERSION, type ResultInput } from './result.js';

const input: ResultInput = {
  startTime: new Date('2024-05-01T12:00:00Z'),
  endTime: Date.parse('2024-05-01T12:00:30.250Z'),
  actualQps: 499.5,
  latencyMicros: { min: 85, mean: 1234.5, p50: 1000, p90: 2500, p99: 12_345, max: 503_000 },
  labels: { generator: 'meshplane' },
  id: 'r1',
  testId: 'c1',
  meshConfigId: 'm1',
  envId: 'e1',
  detailsUri: 'http://127.0.0.1:9081/api/perf/results/r1',
};

test('buildPerformanceTestResult writes latencies in milliseconds and times as Timestamps', () => {
  const result = buildPerformanceTestResult(input);
  assert.deepEqual(result, {
    smpVersion: SMP_VERSION,
    id: 'r1',
    labels: { generator: 'meshplane' },
    startTime: { seconds: 1714564800, nanos: 0 },
    endTime: { seconds: 1714564830, nanos: 250_000_000 },
    latenciesMs: { min: 0.085, average: 1.2345, p50: 1, p90: 2.5, p99: 12.345, max: 503 },
    actualQps: 499.5,
    detailsUri: 'http://127.0.0.1:9081/api/perf/results/r1',
    testId: 'c1',
    meshConfigId: 'm1',
    envId: 'e1',
  });
  const yaml = formatSmp('PerformanceTestResult', result, 'yaml');
  assert.match(yaml, /latencies_ms:\n {2}min: 0\.085\n {2}average: 1\.2345\n {2}p50: 1\n/);
  assert.deepEqual(parseSmp('PerformanceTestResult', yaml), result);
  assert.deepEqual(decodeSmp('PerformanceTestResult', encodeSmp('PerformanceTestResult', result)), result);
});

test('buildPerformanceTestResult rejects inconsistent inputs', () => {
  const bad: [Partial<ResultInput>, RegExp][] = [
    [
      { endTime: Date.parse('2024-05-01T11:00:00Z') },
      /^endTime is \d+; expected a time not before startTime/,
    ],
    [{ actualQps: -1 }, /^actualQps is -1/],
    [{ actualQps: NaN }, /^actualQps/],
    [{ startTime: new Date('nope') }, /^startTime is null; expected a valid Date/],
    [
      { latencyMicros: { ...input.latencyMicros, p99: 1.5 } },
      /^latencyMicros\.p99 is 1\.5; expected an integer/,
    ],
    [{ latencyMicros: { ...input.latencyMicros, min: -1 } }, /^latencyMicros\.min is -1/],
    [
      { latencyMicros: { ...input.latencyMicros, p90: 900 } },
      /^latencyMicros\.p90 is 900; expected a value ≥ p50 \(1000\)/,
    ],
    [
      { latencyMicros: { ...input.latencyMicros, mean: 10 } },
      /^latencyMicros\.mean is 10; expected a value between min and max/,
    ],
  ];
  for (const [patch, pattern] of bad) {
    assert.throws(
      () => buildPerformanceTestResult({ ...input, ...patch }),
      (e: unknown) => e instanceof InvalidInputError && pattern.test(e.message),
      pattern.source,
    );
  }
});

test('buildEnvironmentConfig records host facts as SMP nodes', () => {
  const env = buildEnvironmentConfig({
    id: 'e1',
    hosts: [
      {
        cpuModel: 'AMD EPYC 7B13',
        cores: 2,
        memoryMb: 24_576,
        os: 'Linux 6.1.0 x86_64',
        hostname: 'bench-1',
      },
    ],
    labels: { purpose: 'ci' },
  });
  assert.deepEqual(env, {
    smpVersion: SMP_VERSION,
    id: 'e1',
    labels: { os: 'Linux 6.1.0 x86_64', hostname: 'bench-1', purpose: 'ci' },
    kubernetesVersion: '',
    nodes: [{ type: 'AMD EPYC 7B13', cores: 2, memMb: 24_576 }],
    individualWorkloads: [],
  });
  assert.deepEqual(decodeSmp('EnvironmentConfig', encodeSmp('EnvironmentConfig', env)), env);
  const two = buildEnvironmentConfig({
    hosts: [
      { cpuModel: 'a', cores: 1, memoryMb: 1, os: 'x' },
      { cpuModel: 'b', cores: 2, memoryMb: 2 },
    ],
  });
  assert.equal(two.nodes.length, 2);
  assert.deepEqual(two.labels, {});
  assert.throws(() => buildEnvironmentConfig({ hosts: [] }), /hosts is \[\]; expected at least one host/);
  assert.throws(
    () => buildEnvironmentConfig({ hosts: [{ cpuModel: 'a', cores: 0, memoryMb: 1 }] }),
    /hosts\[0\]\.cores is 0/,
  );
});
