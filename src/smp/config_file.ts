/**
 * The file `meshplane perf apply -f` reads: an SMP `PerformanceTestConfig`, bare or in Meshery's
 * test-file shape (`test:` + `mesh:`), as YAML or JSON, validated and returned in canonical form.
 * @module
 */
import { InvalidInputError } from '../errors/index.js';
import { smpFromJson } from './codec.js';
import { validatePerformanceTestConfig } from './config_validate.js';
import { unknownFieldError } from './errors.js';
import { isRecord } from './reader.js';
import { suggestName } from '../errors/index.js';
import { parseText, type TextFormat } from './text.js';
import type { PerformanceTestConfig, ServiceMesh } from './types.js';

/** PerformanceTestFile is a validated test file: everything a load generator needs to run it. */
export interface PerformanceTestFile {
  /** The config, with every client, endpoint URL, header, cookie, body and protocol kept. */
  config: PerformanceTestConfig;
  /** `config.duration` parsed, in integer nanoseconds (always > 0). */
  durationNanos: number;
  /** The mesh under test, from the test-file shape's `mesh:` (undefined for a bare config). */
  mesh?: ServiceMesh;
  /** `bare` = a PerformanceTestConfig document; `test-file` = Meshery's `test:` + `mesh:` shape. */
  shape: 'bare' | 'test-file';
  /** How the text was written (`json` when it starts with `{`). */
  format: TextFormat;
}

/** ReadFileOptions names the input for error messages. */
export interface ReadFileOptions {
  source?: string;
}

const TEST_FILE_KEYS = ['test', 'mesh'];

/** parsePerformanceTestFile reads YAML or JSON text; see readPerformanceTestFile. */
export function parsePerformanceTestFile(text: string, options: ReadFileOptions = {}): PerformanceTestFile {
  const { value, format } = parseText(text, options.source);
  return readPerformanceTestFile(value, { ...options, format });
}

/**
 * readPerformanceTestFile reads an already-parsed document (e.g. an API request body). A document
 * with a top-level `test` or `mesh` key is Meshery's test-file shape; anything else is a bare config.
 * @throws InvalidInputError naming the field path, e.g. `test.clients[1].endpoint_urls[0]`
 */
export function readPerformanceTestFile(
  value: unknown,
  options: ReadFileOptions & { format?: TextFormat } = {},
): PerformanceTestFile {
  const { source } = options;
  const format = options.format ?? 'json';
  if (!isRecord(value)) {
    throw new InvalidInputError(
      '(document)',
      value ?? undefined,
      'a PerformanceTestConfig or a test file (test:, mesh:)',
      source,
    );
  }
  if (!('test' in value) && !('mesh' in value)) {
    const config = smpFromJson('PerformanceTestConfig', value, { source });
    const durationNanos = validatePerformanceTestConfig(config, { source });
    return { config, durationNanos, shape: 'bare', format };
  }
  for (const [key, v] of Object.entries(value)) {
    if (!TEST_FILE_KEYS.includes(key)) {
      throw unknownFieldError(key, v, 'a test file (test, mesh)', suggestName(key, TEST_FILE_KEYS), source);
    }
  }
  if (value.test == null) throw new InvalidInputError('test', undefined, 'a PerformanceTestConfig', source);
  const config = smpFromJson('PerformanceTestConfig', value.test, { source, path: 'test' });
  const durationNanos = validatePerformanceTestConfig(config, { source, path: 'test' });
  const mesh =
    value.mesh == null ? undefined : smpFromJson('ServiceMesh', value.mesh, { source, path: 'mesh' });
  return { config, durationNanos, ...(mesh ? { mesh } : {}), shape: 'test-file', format };
}
