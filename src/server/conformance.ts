/**
 * SMI conformance results in the management plane: the stored record (Meshery's `SmiResult`
 * columns plus the full meshplane document), the checks an upload goes through, and the
 * Meshery-shaped JSON the API returns. An upload is either meshplane's `ConformanceResult`
 * (`meshplane mesh validate -o json`) or the result JSON a Meshery adapter emits.
 * @module
 */
import { randomUUID } from 'node:crypto';
import type { ConformanceDocument } from '../conformance/index.js';
import { InvalidInputError } from '../errors/index.js';

/** ConformanceSpec is one specification's row: Meshery's `more_details` entry with every field present. */
export interface ConformanceSpec {
  smi_specification: string;
  smi_version: string;
  /** seconds, as text ("0.674") */
  time: string;
  /** the specification's step count, as text */
  assertions: string;
  capability: 'FULL' | 'HALF' | 'NONE';
  status: 'PASSED' | 'FAILED';
  result: string;
  reason: string;
}

/** ConformanceResult is one stored conformance run. */
export interface ConformanceResult {
  id: string;
  /** when the run started, RFC 3339 */
  date: string;
  meshName: string;
  meshVersion: string;
  /** the driver that ran it (`local`, `none`); '' for a Meshery adapter's result */
  driver: string;
  /** Meshery's status: completed, running (interrupted), deleting (teardown failed)… */
  status: string;
  casesPassed: number;
  totalCases: number;
  /** as the run scored it, e.g. "11.86" */
  passingPercentage: string;
  specs: ConformanceSpec[];
  uploadedAt: string;
}

/** StoredConformance is a record with the full meshplane document (null for a Meshery result). */
export interface StoredConformance {
  result: ConformanceResult;
  document: ConformanceDocument | null;
}

const MESHERY_STATUSES = ['deploying', 'installing', 'connecting', 'running', 'deleting', 'completed'];
const CAPABILITIES = ['FULL', 'HALF', 'NONE'] as const;
const SPEC_STATUSES = ['PASSED', 'FAILED'] as const;
const STEP_STATUSES = ['passed', 'failed', 'skipped'];
const MESHERY_KEYS = [
  'id',
  'ID',
  'date',
  'mesh_name',
  'mesh_version',
  'cases_passed',
  'passing_percentage',
  'status',
  'more_details',
];
const DETAIL_KEYS = [
  'smi_specification',
  'smi_version',
  'time',
  'assertions',
  'result',
  'reason',
  'capability',
  'status',
];

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

function object(field: string, value: unknown): Json {
  if (!isObject(value)) throw new InvalidInputError(field, value, 'an object');
  return value;
}

function text(field: string, value: unknown, options: { required?: boolean; max?: number } = {}): string {
  if (value === undefined || value === null) {
    if (options.required) throw new InvalidInputError(field, value ?? undefined, 'a string');
    return '';
  }
  if (typeof value !== 'string') throw new InvalidInputError(field, value, 'a string');
  const max = options.max ?? 10_000;
  if (value.length > max) throw new InvalidInputError(field, value, `at most ${max} characters`);
  if (options.required && value.trim() === '')
    throw new InvalidInputError(field, value, 'a non-empty string');
  return value;
}

/** count reads a count written as a number or as Meshery's decimal string ("7"). */
function count(field: string, value: unknown): number {
  const n = typeof value === 'string' && /^\d+$/.test(value.trim()) ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0)
    throw new InvalidInputError(field, value, 'a whole number ≥ 0, or one as a string ("7")');
  return n;
}

/** seconds reads a duration in seconds written as a number or as text ("0.674"); '' when absent. */
function seconds(field: string, value: unknown): string {
  if (value === undefined || value === null || value === '') return '';
  const s = typeof value === 'number' ? String(value) : value;
  if (typeof s !== 'string' || !/^\d+(\.\d+)?$/.test(s.trim()))
    throw new InvalidInputError(field, value, 'seconds, such as "0.674"');
  return s.trim();
}

function percentage(field: string, value: unknown): string {
  const s = typeof value === 'number' ? String(value) : value;
  if (typeof s !== 'string' || !/^\d{1,3}(\.\d+)?$/.test(s.trim()) || Number(s) > 100)
    throw new InvalidInputError(field, value, 'a percentage from 0 to 100, such as "11.86"');
  return s.trim();
}

function time(field: string, value: unknown): string {
  const s = text(field, value, { required: true, max: 40 });
  if (
    !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(s) ||
    Number.isNaN(Date.parse(s))
  )
    throw new InvalidInputError(field, value, 'an RFC 3339 time such as 2026-01-02T03:04:05Z');
  return new Date(s).toISOString();
}

function oneOf<T extends string>(field: string, value: unknown, allowed: readonly T[]): T {
  if (typeof value !== 'string' || !allowed.includes(value as T))
    throw new InvalidInputError(field, value, `one of ${allowed.join(', ')}`);
  return value as T;
}

const ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$/;

function id(field: string, value: unknown): string {
  if (typeof value !== 'string' || !ID.test(value))
    throw new InvalidInputError(field, value, 'an id of letters, digits, ".", "_", ":" or "-" (at most 100)');
  return value;
}

function readDetails(field: string, value: unknown): ConformanceSpec[] {
  if (!Array.isArray(value)) throw new InvalidInputError(field, value, 'a list of specification results');
  if (value.length > 100) throw new InvalidInputError(field, value.length, 'at most 100 specifications');
  return value.map((raw, i) => {
    const at = `${field}[${i}]`;
    const d = object(at, raw);
    for (const key of Object.keys(d))
      if (!DETAIL_KEYS.includes(key))
        throw new InvalidInputError(`${at}.${key}`, d[key], `one of the fields ${DETAIL_KEYS.join(', ')}`);
    return {
      smi_specification: text(`${at}.smi_specification`, d.smi_specification, { required: true, max: 200 }),
      smi_version: text(`${at}.smi_version`, d.smi_version, { max: 200 }),
      time: seconds(`${at}.time`, d.time),
      assertions: d.assertions === undefined ? '' : String(count(`${at}.assertions`, d.assertions)),
      capability: oneOf(`${at}.capability`, d.capability, CAPABILITIES),
      status: oneOf(`${at}.status`, d.status, SPEC_STATUSES),
      result: text(`${at}.result`, d.result),
      reason: text(`${at}.reason`, d.reason),
    };
  });
}

/** readMeshery checks a Meshery adapter's result (`field` is its path in the upload). */
function readMeshery(body: Json, field: string, now: string, driver: string): ConformanceResult {
  const at = (key: string) => (field ? `${field}.${key}` : key);
  for (const key of Object.keys(body))
    if (!MESHERY_KEYS.includes(key))
      throw new InvalidInputError(at(key), body[key], `one of the fields ${MESHERY_KEYS.join(', ')}`);
  const rawId = body.id ?? body.ID;
  const specs = readDetails(at('more_details'), body.more_details);
  const casesPassed = count(at('cases_passed'), body.cases_passed);
  const totalCases = specs.reduce((sum, s) => sum + Number(s.assertions || 0), 0);
  if (casesPassed > totalCases && specs.every((s) => s.assertions !== ''))
    throw new InvalidInputError(
      at('cases_passed'),
      body.cases_passed,
      `at most the ${totalCases} assertions listed`,
    );
  return {
    id: rawId === undefined || rawId === '' ? randomUUID() : id(at('id'), rawId),
    date: time(at('date'), body.date),
    meshName: text(at('mesh_name'), body.mesh_name, { required: true, max: 200 }),
    meshVersion: text(at('mesh_version'), body.mesh_version, { max: 200 }),
    driver,
    status: body.status === undefined ? 'completed' : oneOf(at('status'), body.status, MESHERY_STATUSES),
    casesPassed,
    totalCases,
    passingPercentage: percentage(at('passing_percentage'), body.passing_percentage),
    specs,
    uploadedAt: now,
  };
}

/** checkDocument checks the parts of meshplane's document the UI reads: suites and their steps. */
function checkDocument(doc: Json): void {
  const suites = doc.suites;
  if (!Array.isArray(suites)) throw new InvalidInputError('suites', suites, 'a list of suite results');
  suites.forEach((raw, i) => {
    const suite = object(`suites[${i}]`, raw);
    text(`suites[${i}].name`, suite.name, { required: true, max: 200 });
    if (!Array.isArray(suite.steps))
      throw new InvalidInputError(`suites[${i}].steps`, suite.steps, 'a list of steps');
    suite.steps.forEach((rawStep, j) => {
      const at = `suites[${i}].steps[${j}]`;
      const step = object(at, rawStep);
      count(`${at}.number`, step.number);
      text(`${at}.name`, step.name, { required: true, max: 200 });
      text(`${at}.summary`, step.summary);
      oneOf(`${at}.status`, step.status, STEP_STATUSES);
      if (!Array.isArray(step.reasons) || step.reasons.some((r) => typeof r !== 'string'))
        throw new InvalidInputError(`${at}.reasons`, step.reasons, 'a list of strings');
    });
  });
}

/**
 * readConformanceUpload checks an uploaded result: meshplane's `ConformanceResult` document
 * (`kind: ConformanceResult`) or a Meshery adapter's result JSON.
 * @throws InvalidInputError naming the field
 */
export function readConformanceUpload(body: unknown, now = new Date().toISOString()): StoredConformance {
  const doc = object('body', body);
  if (doc.kind === undefined && doc.apiVersion === undefined) {
    return { result: readMeshery(doc, '', now, ''), document: null };
  }
  if (doc.apiVersion !== 'meshplane.dev/v1alpha1' || doc.kind !== 'ConformanceResult') {
    throw new InvalidInputError(
      'kind',
      doc.kind,
      'ConformanceResult of apiVersion meshplane.dev/v1alpha1 (`meshplane mesh validate -o json`), or a Meshery adapter result without apiVersion and kind',
    );
  }
  const meshery = object('meshery', doc.meshery);
  const result = readMeshery(meshery, 'meshery', now, text('driver', doc.driver, { max: 100 }));
  if (id('id', doc.id) !== result.id)
    throw new InvalidInputError('meshery.id', meshery.id, `the document's id (${JSON.stringify(doc.id)})`);
  const totals = object('totals', doc.totals);
  result.totalCases = count('totals.steps', totals.steps);
  if (result.casesPassed > result.totalCases)
    throw new InvalidInputError(
      'meshery.cases_passed',
      meshery.cases_passed,
      `at most totals.steps (${result.totalCases})`,
    );
  result.date = time('startedAt', doc.startedAt);
  checkDocument(doc);
  return { result, document: doc as unknown as ConformanceDocument };
}

/** conformanceJson is a record in Meshery's `SmiResult` shape, with meshplane's extra fields after it. */
export function conformanceJson(r: ConformanceResult): Record<string, unknown> {
  return {
    id: r.id,
    date: r.date,
    mesh_name: r.meshName,
    mesh_version: r.meshVersion,
    cases_passed: String(r.casesPassed),
    passing_percentage: r.passingPercentage,
    status: r.status,
    more_details: r.specs,
    driver: r.driver,
    total_cases: r.totalCases,
    uploaded_at: r.uploadedAt,
  };
}
