/** Component schemas of the OpenAPI document (openapi.ts): the bodies the API takes and returns. */
import { runStatuses } from '../model.js';
import { generators } from '../settings.js';

export type Schema = Record<string, unknown>;
export const ref = (name: string): Schema => ({ $ref: `#/components/schemas/${name}` });

export const schemas: Record<string, Schema> = {
  Error: {
    type: 'object',
    required: ['error'],
    properties: {
      error: {
        type: 'object',
        required: ['code', 'message'],
        properties: {
          code: { type: 'string', description: 'stable code, see docs/errors.md' },
          message: { type: 'string' },
          field: { type: 'string', description: 'the offending input field (400 only)' },
        },
      },
    },
  },
  RunSettings: {
    type: 'object',
    description: 'Every field is optional on input except url; defaults are in docs/server.md.',
    properties: {
      name: { type: 'string' },
      mesh: { type: 'string' },
      url: { type: 'string', format: 'uri' },
      method: { type: 'string', default: 'GET' },
      concurrency: { type: 'integer', minimum: 1, default: 4 },
      qps: { type: 'number', minimum: 0, default: 100, description: '0 = as fast as possible (closed loop)' },
      durationMs: { type: 'integer', default: 10000 },
      duration: { type: 'string', description: 'input only: Go duration text in place of durationMs' },
      warmupMs: { type: 'integer', default: 2000 },
      warmup: { type: 'string', description: 'input only: Go duration text in place of warmupMs' },
      loadModel: { type: 'string', enum: ['open', 'closed'] },
      timeoutMs: { type: 'integer', default: 5000 },
      timeout: { type: 'string', description: 'input only: Go duration text in place of timeoutMs' },
      headers: { type: 'object', additionalProperties: { type: 'string' } },
      cookies: { type: 'object', additionalProperties: { type: 'string' } },
      body: { type: 'string' },
      contentType: { type: 'string' },
      generator: { type: 'string', enum: [...generators] },
      labels: { type: 'object', additionalProperties: { type: 'string' } },
    },
  },
  Run: {
    type: 'object',
    properties: {
      id: { type: 'string' },
      name: { type: 'string' },
      mesh: { type: 'string' },
      status: { type: 'string', enum: [...runStatuses] },
      settings: ref('RunSettings'),
      profileId: { type: ['string', 'null'] },
      scheduleId: { type: ['string', 'null'] },
      testId: { type: ['string', 'null'] },
      createdAt: { type: 'string', format: 'date-time' },
      startedAt: { type: ['string', 'null'], format: 'date-time' },
      finishedAt: { type: ['string', 'null'], format: 'date-time' },
      error: { type: ['string', 'null'] },
      summary: {
        type: ['object', 'null'],
        description: 'headline figures; latencies in microseconds',
        properties: Object.fromEntries(
          [
            'requestedQps',
            'actualQps',
            'durationMs',
            'requestCount',
            'errorCount',
            'p50Us',
            'p99Us',
            'p999Us',
            'maxUs',
          ].map((k) => [k, { type: 'number' }]),
        ),
      },
    },
  },
  LiveState: {
    type: ['object', 'null'],
    description: 'where an unfinished run is: queued at a position, or running with progress',
    properties: {
      state: { type: 'string', enum: ['queued', 'running'] },
      position: { type: 'integer' },
      progress: ref('RunProgress'),
    },
  },
  RunProgress: {
    type: 'object',
    properties: {
      phase: { type: 'string', enum: ['warmup', 'measure'] },
      elapsedMs: { type: 'number' },
      remainingMs: {
        type: 'number',
        description: 'measured time still ahead, ms (the whole duration during warm-up)',
      },
      warmupRemainingMs: { type: 'number', description: 'warm-up time still ahead, ms (0 once measuring)' },
      requests: { type: 'integer' },
      errors: { type: 'integer' },
      currentRate: { type: 'number' },
    },
  },
  RunPage: {
    type: 'object',
    properties: {
      page: { type: 'integer' },
      pageSize: { type: 'integer' },
      totalCount: { type: 'integer' },
      items: { type: 'array', items: ref('Run') },
    },
  },
  HistogramView: {
    type: 'object',
    description: 'a latency histogram binned for charts (µs), with its percentiles',
    properties: {
      count: { type: 'integer' },
      minUs: { type: 'number' },
      meanUs: { type: 'number' },
      maxUs: { type: 'number' },
      percentiles: {
        type: 'array',
        items: {
          type: 'object',
          properties: { percentile: { type: 'number' }, valueUs: { type: 'number' } },
        },
      },
      bins: {
        type: 'array',
        items: {
          type: 'object',
          properties: {
            startUs: { type: 'number' },
            endUs: { type: 'number' },
            count: { type: 'integer' },
            cumulativePercent: { type: 'number' },
          },
        },
      },
    },
  },
  RunResult: {
    type: 'object',
    properties: {
      run: ref('Run'),
      report: {
        type: 'object',
        description: 'RunReport: rates, counts, status codes, errors, latency summary, generator diagnostics',
      },
      environment: {
        type: 'object',
        description: 'host CPU model, cores, memory, OS, Node and meshplane versions',
      },
      histogram: ref('HistogramView'),
      histograms: { type: 'object', additionalProperties: ref('HistogramView') },
    },
  },
  Comparison: {
    type: 'object',
    properties: {
      runs: {
        type: 'array',
        items: {
          type: 'object',
          properties: {
            run: ref('Run'),
            report: { type: 'object' },
            environment: { type: 'object' },
            histogram: ref('HistogramView'),
          },
        },
      },
      warnings: {
        type: 'array',
        items: { type: 'string' },
        description: 'settings that differ between the runs',
      },
    },
  },
  StreamMessage: {
    type: 'object',
    properties: {
      status: { type: 'string', enum: ['info', 'error', 'success'] },
      message: { type: 'string' },
      result: { type: 'object', description: 'the Meshery result (fortio runner_results) on success' },
      runId: { type: 'string' },
      state: { type: 'string', enum: [...runStatuses] },
      position: { type: 'integer' },
      progress: ref('RunProgress'),
    },
  },
  Profile: {
    type: 'object',
    properties: {
      id: { type: 'string' },
      name: { type: 'string' },
      settings: ref('RunSettings'),
      createdAt: { type: 'string' },
      updatedAt: { type: 'string' },
      lastRunAt: { type: ['string', 'null'] },
      totalRuns: { type: 'integer' },
    },
  },
  ProfileInput: {
    description:
      "meshplane's {name, settings}, or Meshery's PerformanceProfile fields (one endpoint, one load generator)",
    oneOf: [
      {
        type: 'object',
        required: ['name', 'settings'],
        properties: { name: { type: 'string' }, settings: ref('RunSettings') },
      },
      {
        type: 'object',
        required: ['name', 'endpoints'],
        properties: {
          name: { type: 'string' },
          endpoints: { type: 'array', items: { type: 'string' }, maxItems: 1 },
          load_generators: { type: 'array', items: { type: 'string' }, maxItems: 1 },
          service_mesh: { type: 'string' },
          concurrent_request: { type: 'integer' },
          qps: { type: 'number' },
          duration: { type: 'string' },
          request_headers: { type: 'object' },
          request_cookies: { type: 'object' },
          request_body: { type: 'string' },
          content_type: { type: 'string' },
        },
      },
    ],
  },
  Schedule: {
    type: 'object',
    properties: {
      id: { type: 'string' },
      profileId: { type: 'string' },
      cron: {
        type: 'string',
        description: '5 or 6 fields ([seconds] minutes hours day-of-month month day-of-week)',
      },
      timezone: { type: 'string' },
      enabled: { type: 'boolean' },
      lastFiredAt: { type: ['string', 'null'] },
      lastRunId: { type: ['string', 'null'] },
      nextRunAt: { type: ['string', 'null'] },
    },
  },
  ScheduleInput: {
    type: 'object',
    properties: {
      profileId: { type: 'string', description: 'also profile_id' },
      cron: { type: 'string', description: 'also cron_expression' },
      timezone: { type: 'string' },
      enabled: { type: 'boolean' },
    },
  },
};
