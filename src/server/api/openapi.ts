/**
 * The OpenAPI 3.1 document of the management API, served at /api/openapi.json. Written by hand;
 * openapi.test.ts fails when a route is missing here or listed here without existing.
 * @module
 */
import { runStatuses } from '../model.js';
import { generators } from '../settings.js';
import { runOrderFields } from '../store/store.js';
import { ref, schemas, type Schema } from './openapi-schemas.js';
import { smiPaths, smiSchemas } from './openapi-smi.js';

const json = (schema: Schema, description = 'OK') => ({
  description,
  content: { 'application/json': { schema } },
});
const sse = {
  description: 'Server-Sent Events: one `data:` JSON StreamMessage per event until every run has finished',
  content: { 'text/event-stream': { schema: ref('StreamMessage') } },
};
const errors = (...codes: number[]) =>
  Object.fromEntries(codes.map((code) => [String(code), { $ref: `#/components/responses/Error${code}` }]));
const idParam = (what: string) => ({
  name: 'id',
  in: 'path',
  required: true,
  description: `${what} id`,
  schema: { type: 'string' },
});
const query = (name: string, description: string, schema: Schema = { type: 'string' }) => ({
  name,
  in: 'query',
  description,
  schema,
});
const pageParams = [
  query('page', '0-based page number', { type: 'integer', minimum: 0, default: 0 }),
  query('pageSize', 'entries per page (also `page_size`)', {
    type: 'integer',
    minimum: 1,
    maximum: 500,
    default: 20,
  }),
];
const runListParams = [
  ...pageParams,
  query('search', 'matched against name, mesh and URL'),
  query(
    'order',
    `"<field> [asc|desc]"; field one of ${runOrderFields.join(', ')} (or p50, p99, p99.9, qps, duration, test_start_time)`,
  ),
  query('status', 'only runs in this status', { type: 'string', enum: [...runStatuses] }),
];
const jsonBody = (schema: Schema) => ({ required: true, content: { 'application/json': { schema } } });

const mesheryQuery = [
  query('name', 'test name (generated when blank)'),
  query('mesh', 'mesh label'),
  query('url', 'target URL (required)'),
  query('qps', 'requests per second in total; 0 or -1 = as fast as possible', { type: 'number' }),
  query('c', 'concurrent connections', { type: 'integer' }),
  query('t', 'duration, a number of `dur` units', { type: 'number' }),
  query('dur', 'unit of t: h, m or s'),
  query('loadGenerator', `one of ${generators.join(', ')} (fortio = meshplane)`),
  query('headers', 'request headers as a JSON object'),
  query('cookies', 'cookies as a JSON object'),
  query('reqBody', 'request body'),
  query('contentType', 'content type of the body'),
  query('method', 'HTTP method (default GET)'),
  query('loadModel', 'open or closed'),
  query('warmup', 'warm-up excluded from the figures, e.g. 2s'),
  query('timeout', 'per-request timeout, e.g. 5s'),
];

const errorResponses = Object.fromEntries(
  [
    [400, 'bad input; `field` names it'],
    [401, 'missing or wrong bearer token'],
    [404, 'no such id'],
    [409, 'the object is in a state that forbids this'],
    [503, 'too many runs are waiting'],
  ].map(([code, description]) => [`Error${code}`, json(ref('Error'), description as string)]),
);

/** openApiDocument returns the API description for this server version. */
export function openApiDocument(version: string): Record<string, unknown> {
  const profiles = '/api/user/performance/profiles';
  return {
    openapi: '3.1.0',
    info: {
      title: 'meshplane management API',
      version,
      description:
        'Performance tests, results, comparisons, profiles and schedules; SMI conformance results. Errors share one envelope: {"error": {"code", "message", "field"}}.',
    },
    components: {
      schemas: { ...schemas, ...smiSchemas },
      responses: errorResponses,
      securitySchemes: {
        bearer: {
          type: 'http',
          scheme: 'bearer',
          description: 'required when the server was started with a token',
        },
      },
    },
    security: [{}, { bearer: [] }],
    paths: {
      '/api/system': {
        get: {
          summary: 'Server version, host environment, generators, store and queue',
          responses: { 200: json({ type: 'object' }) },
        },
      },
      '/api/openapi.json': {
        get: { summary: 'This document', responses: { 200: json({ type: 'object' }) } },
      },
      '/api/runs': {
        get: {
          summary: 'List runs (searchable, sortable, paged)',
          parameters: runListParams,
          responses: { 200: json(ref('RunPage')), ...errors(400) },
        },
        post: {
          summary: 'Queue a run; answers at once with the queued run',
          requestBody: jsonBody(ref('RunSettings')),
          responses: {
            202: json({ type: 'object', properties: { run: ref('Run'), live: ref('LiveState') } }, 'Queued'),
            ...errors(400, 503),
          },
        },
      },
      '/api/runs/{id}': {
        get: {
          summary: 'One run and, while unfinished, its live state',
          parameters: [idParam('run')],
          responses: {
            200: json({ type: 'object', properties: { run: ref('Run'), live: ref('LiveState') } }),
            ...errors(404),
          },
        },
        delete: {
          summary: 'Delete a finished run and its result',
          parameters: [idParam('run')],
          responses: { 204: { description: 'Deleted' }, ...errors(404, 409) },
        },
      },
      '/api/runs/{id}/events': {
        get: {
          summary: 'Live events of a run (queued position, progress, result)',
          parameters: [idParam('run')],
          responses: { 200: sse, ...errors(404) },
        },
      },
      '/api/runs/{id}/cancel': {
        post: {
          summary: 'Cancel a queued or running run (a running one keeps its partial result)',
          parameters: [idParam('run')],
          responses: { 200: json({ type: 'object', properties: { run: ref('Run') } }), ...errors(404, 409) },
        },
      },
      '/api/runs/{id}/result': {
        get: {
          summary: 'Report, environment and chart data of a finished run',
          parameters: [idParam('run')],
          responses: { 200: json(ref('RunResult')), ...errors(404) },
        },
      },
      '/api/compare': {
        get: {
          summary: 'Compare 2 or more runs: histograms on shared bins, headline figures, settings warnings',
          parameters: [query('ids', 'comma-separated run ids (2 to 50)')],
          responses: { 200: json(ref('Comparison')), ...errors(400, 404) },
        },
      },
      '/api/perf/load-test': {
        get: {
          summary: 'Run a test from query parameters and stream it (Meshery-compatible)',
          parameters: mesheryQuery,
          responses: {
            200: sse,
            202: json({ type: 'object' }, 'Queued (with Accept: application/json)'),
            ...errors(400, 503),
          },
        },
        post: {
          summary: 'Same as GET',
          parameters: mesheryQuery,
          responses: {
            200: sse,
            202: json({ type: 'object' }, 'Queued (with Accept: application/json)'),
            ...errors(400, 503),
          },
        },
      },
      '/api/perf/load-test-smps': {
        post: {
          summary:
            'Run an SMP PerformanceTestConfig (YAML or JSON; bare or Meshery test file): one run per client and endpoint',
          parameters: [query('mesh', 'mesh label for every run'), query('warmup', 'warm-up, e.g. 0s')],
          requestBody: {
            required: true,
            content: {
              'application/yaml': { schema: { type: 'object' } },
              'application/json': { schema: { type: 'object' } },
            },
          },
          responses: {
            200: sse,
            202: json({ type: 'object' }, 'Queued (with Accept: application/json)'),
            ...errors(400, 503),
          },
        },
      },
      '/api/perf/results': {
        get: {
          summary: 'Results in Meshery’s page shape {page, page_size, total_count, results}',
          parameters: runListParams,
          responses: { 200: json({ type: 'object' }), ...errors(400) },
        },
      },
      '/api/perf/result': {
        get: {
          summary:
            'Download a result: SMP PerformanceTestResult YAML (default) or JSON, fortio JSON, or .hgrm',
          parameters: [
            query('id', 'run id'),
            query('format', 'yaml | json | fortio | hgrm', {
              type: 'string',
              enum: ['yaml', 'json', 'fortio', 'hgrm'],
              default: 'yaml',
            }),
          ],
          responses: {
            200: {
              description: 'attachment; filename=result_<id>.yaml (.json, .fortio.json, .hgrm)',
              content: { 'application/yaml': {}, 'application/json': {}, 'text/plain': {} },
            },
            ...errors(400, 404, 409),
          },
        },
      },
      [profiles]: {
        get: {
          summary: 'List profiles',
          parameters: [...pageParams, query('search', 'matched against the name')],
          responses: { 200: json({ type: 'object' }) },
        },
        post: {
          summary: 'Save a profile',
          requestBody: jsonBody(ref('ProfileInput')),
          responses: { 201: json(ref('Profile'), 'Created'), ...errors(400) },
        },
      },
      [`${profiles}/{id}`]: {
        get: {
          summary: 'One profile',
          parameters: [idParam('profile')],
          responses: { 200: json(ref('Profile')), ...errors(404) },
        },
        put: {
          summary: 'Edit a profile (fields left out keep their value)',
          parameters: [idParam('profile')],
          requestBody: jsonBody(ref('ProfileInput')),
          responses: { 200: json(ref('Profile')), ...errors(400, 404) },
        },
        delete: {
          summary: 'Delete a profile and its schedules (its runs stay)',
          parameters: [idParam('profile')],
          responses: { 204: { description: 'Deleted' }, ...errors(404) },
        },
      },
      [`${profiles}/{id}/run`]: {
        get: {
          summary: 'Run the profile and stream it (Meshery-compatible)',
          parameters: [idParam('profile')],
          responses: { 200: sse, ...errors(404, 503) },
        },
        post: {
          summary: 'Queue a run of the profile',
          parameters: [idParam('profile')],
          responses: {
            202: json({ type: 'object', properties: { run: ref('Run'), live: ref('LiveState') } }, 'Queued'),
            ...errors(404, 503),
          },
        },
      },
      [`${profiles}/{id}/results`]: {
        get: {
          summary: 'Runs of the profile (its history)',
          parameters: [idParam('profile'), ...runListParams],
          responses: { 200: json(ref('RunPage')), ...errors(400, 404) },
        },
      },
      '/api/user/schedules': {
        get: {
          summary: 'List schedules with their next fire time',
          responses: {
            200: json({ type: 'object', properties: { items: { type: 'array', items: ref('Schedule') } } }),
          },
        },
        post: {
          summary: 'Schedule a profile with a cron expression',
          requestBody: jsonBody(ref('ScheduleInput')),
          responses: { 201: json(ref('Schedule'), 'Created'), ...errors(400) },
        },
      },
      '/api/user/schedules/{id}': {
        get: {
          summary: 'One schedule',
          parameters: [idParam('schedule')],
          responses: { 200: json(ref('Schedule')), ...errors(404) },
        },
        put: {
          summary: 'Change the cron expression, time zone or enabled flag',
          parameters: [idParam('schedule')],
          requestBody: jsonBody(ref('ScheduleInput')),
          responses: { 200: json(ref('Schedule')), ...errors(400, 404) },
        },
        delete: {
          summary: 'Delete a schedule',
          parameters: [idParam('schedule')],
          responses: { 204: { description: 'Deleted' }, ...errors(404) },
        },
      },
      ...smiPaths({ json, errors, idParam, query }),
    },
  };
}
