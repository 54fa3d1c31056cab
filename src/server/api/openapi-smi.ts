/** The SMI conformance part of the OpenAPI document (openapi.ts): paths and component schemas. */
import { conformanceOrderFields } from '../store/store.js';
import { ref, type Schema } from './openapi-schemas.js';

/** Helpers openapi.ts builds its paths with, handed over so both parts read the same. */
export interface PathHelpers {
  json: (schema: Schema, description?: string) => Schema;
  errors: (...codes: number[]) => Record<string, unknown>;
  idParam: (what: string) => Schema;
  query: (name: string, description: string, schema?: Schema) => Schema;
}

const text = { type: 'string' };

export const smiSchemas: Record<string, Schema> = {
  SmiSpecResult: {
    type: 'object',
    description: "One SMI specification's outcome (Meshery's more_details entry)",
    properties: {
      smi_specification: { type: 'string', description: 'e.g. traffic-split' },
      smi_version: { type: 'string', description: 'e.g. v0.6.0/v1alpha4' },
      time: { type: 'string', description: 'seconds, e.g. "4.640"' },
      assertions: { type: 'string', description: 'the specification’s step count' },
      capability: { type: 'string', enum: ['FULL', 'HALF', 'NONE'] },
      status: { type: 'string', enum: ['PASSED', 'FAILED'] },
      result: { type: 'string', description: '"All test passed", or the first failed step and why' },
      reason: { type: 'string', description: 'which step failed first, and which others did not pass' },
    },
  },
  SmiResult: {
    type: 'object',
    description: "A stored conformance run in Meshery's SmiResult shape, with meshplane's fields after it",
    properties: {
      id: text,
      date: { type: 'string', description: 'when the run started, RFC 3339' },
      mesh_name: text,
      mesh_version: text,
      cases_passed: { type: 'string' },
      passing_percentage: { type: 'string', description: 'e.g. "11.86"' },
      status: {
        type: 'string',
        description: 'completed; running (the run was interrupted); deleting (a teardown failed)',
      },
      more_details: { type: 'array', items: ref('SmiSpecResult') },
      driver: { type: 'string', description: 'local, none; empty for a Meshery adapter’s result' },
      total_cases: { type: 'integer' },
      uploaded_at: text,
    },
  },
  SmiResultUpload: {
    description:
      'meshplane’s ConformanceResult (`meshplane mesh validate -o json|yaml`), or the result JSON a Meshery adapter emits',
    oneOf: [
      {
        type: 'object',
        required: ['apiVersion', 'kind', 'id', 'startedAt', 'totals', 'suites', 'meshery'],
        properties: {
          apiVersion: { const: 'meshplane.dev/v1alpha1' },
          kind: { const: 'ConformanceResult' },
          id: text,
          startedAt: text,
          driver: text,
          totals: { type: 'object' },
          suites: { type: 'array', items: { type: 'object' } },
          meshery: ref('SmiResult'),
        },
      },
      ref('SmiResult'),
    ],
  },
};

export function smiPaths(h: PathHelpers): Record<string, unknown> {
  return {
    '/api/smi/results': {
      get: {
        summary: 'Conformance results in Meshery’s page shape {page, page_size, total_count, results}',
        parameters: [
          h.query('page', '0-based page number', { type: 'integer', minimum: 0, default: 0 }),
          h.query('pagesize', 'results per page (also pageSize, page_size)', {
            type: 'integer',
            minimum: 1,
            maximum: 500,
            default: 20,
          }),
          h.query('search', 'matched against id, mesh name and mesh version'),
          h.query(
            'order',
            `"<field> [asc|desc]"; field one of ${conformanceOrderFields.join(', ')}; default date desc`,
          ),
        ],
        responses: { 200: h.json({ type: 'object' }), ...h.errors(400) },
      },
      post: {
        summary: 'Store a conformance result (JSON or YAML)',
        requestBody: {
          required: true,
          content: {
            'application/json': { schema: ref('SmiResultUpload') },
            'application/yaml': { schema: ref('SmiResultUpload') },
          },
        },
        responses: { 201: h.json(ref('SmiResult'), 'Stored'), ...h.errors(400, 409) },
      },
    },
    '/api/smi/results/{id}': {
      get: {
        summary:
          'One conformance result, with meshplane’s whole document (steps and reasons) when it has one',
        parameters: [h.idParam('conformance result')],
        responses: {
          200: h.json({
            allOf: [
              ref('SmiResult'),
              { type: 'object', properties: { document: { type: ['object', 'null'] } } },
            ],
          }),
          ...h.errors(404),
        },
      },
      delete: {
        summary: 'Delete a conformance result',
        parameters: [h.idParam('conformance result')],
        responses: { 204: { description: 'Deleted' }, ...h.errors(404) },
      },
    },
  };
}
