import type { JsonSchema } from '../domain/schema/json-schema.js';
import { definitionSchemas } from '../domain/schema/models.js';

type Op = {
  summary: string;
  body?: string;
  response?: JsonSchema;
  status?: number;
  query?: string[];
  /** Response headers, by name: what each says. */
  headers?: Record<string, string>;
};

const r = (name: string): JsonSchema => ({ $ref: `#/components/schemas/${name}` });
const list = (name: string): JsonSchema => ({ type: 'array', items: r(name) });

/** A process: the original API's fields (not spelled out here), plus what Sundial adds. */
const processResponse: JsonSchema = {
  type: 'object',
  properties: {
    next_after: {
      type: 'string',
      format: 'uuid',
      description: 'Only when a page of tasks was asked for and more follow: pass it as `after`',
    },
    notification_deliveries: {
      ...list('notification_delivery'),
      description:
        "Messages about the run's end and every attempt to deliver them; absent when there are none",
    },
    cost_usd: {
      type: 'number',
      minimum: 0,
      description:
        "The sum of its tasks' `cost.usd` (rounded to 1e-6); absent when no task has a cost (no price table)",
    },
    task: {
      type: 'array',
      description: "The original API's task fields, plus each task's `cost` when it has one",
      items: { type: 'object', properties: { cost: r('task_cost') } },
    },
  },
};

/** What a task's AWS resources cost, with a price table configured (`SUNDIAL_AWS_PRICES`). */
const taskCost: JsonSchema = {
  type: 'object',
  description:
    "What the task's AWS work cost at the price table's prices: EMR clusters it created (instances × " +
    'hours from creation to end, recorded as each cluster ends), a Batch job or ECS task (the vCPUs ' +
    'and memory it asked for × the time it ran), an EMR Serverless job run (the vCPU, memory and ' +
    "storage hours EMR Serverless billed). Absent without a price table, without the executor's " +
    'section in it, and for shell tasks',
  required: ['usd'],
  properties: {
    usd: { type: 'number', minimum: 0, description: 'US dollars; unpriced instance types count 0' },
    instance_hours: { type: 'number', minimum: 0, description: 'EMR clusters: instances × hours' },
    vcpu_hours: { type: 'number', minimum: 0, description: 'Batch, ECS, EMR Serverless: vCPUs × hours' },
    memory_gb_hours: {
      type: 'number',
      minimum: 0,
      description: 'Batch, ECS, EMR Serverless: GB of memory × hours',
    },
    storage_gb_hours: {
      type: 'number',
      minimum: 0,
      description: 'EMR Serverless: GB of disk billed (beyond the free 20 GB per worker) × hours',
    },
    unpriced: {
      type: 'array',
      items: { type: 'string' },
      description: 'Instance types missing from the price table (their hours are counted, not priced)',
    },
  },
};

/** One message about a run's end (see processResponse); documentation only, never a request body. */
const notificationDelivery: JsonSchema = {
  type: 'object',
  required: ['notification_id', 'kind', 'to', 'event', 'status', 'attempts'],
  properties: {
    notification_id: { type: 'string', format: 'uuid' },
    kind: { type: 'string', enum: ['email', 'pagerduty', 'webhook', 'slack'] },
    to: { type: 'string', description: 'the recipient, without secrets (routing keys, webhook tokens)' },
    event: { type: 'string', enum: ['succeeded', 'failed', 'trigger', 'resolve'] },
    status: { type: 'string', enum: ['pending', 'sent', 'failed', 'not_sent'] },
    next_attempt_time: { type: 'string', format: 'date-time', description: 'while pending' },
    attempts: {
      type: 'array',
      items: {
        type: 'object',
        required: ['attempt', 'start_time', 'result'],
        properties: {
          attempt: { type: 'integer', minimum: 1 },
          start_time: { type: 'string', format: 'date-time' },
          end_time: { type: 'string', format: 'date-time' },
          result: {
            type: 'string',
            enum: ['sending', 'sent', 'retrying', 'failed', 'not_sent', 'interrupted'],
          },
          detail: { type: 'string', description: "the receiver's answer or why it failed" },
        },
      },
    },
  },
};

/** What `POST …/trigger` recorded, and the run it became once the scheduler started it. */
const triggerRequest: JsonSchema = {
  type: 'object',
  required: [
    'trigger_request_id',
    'process_definition_name',
    'task_definition_names',
    'requested_at',
    'process_id',
  ],
  properties: {
    trigger_request_id: { type: 'string', format: 'uuid' },
    process_definition_name: { type: 'string' },
    task_definition_names: {
      type: ['array', 'null'],
      items: { type: 'string' },
      description: 'The tasks asked for; null for the whole process',
    },
    requested_at: { type: 'string', format: 'date-time' },
    process_id: {
      type: ['string', 'null'],
      format: 'uuid',
      description: 'Null while a run in progress holds the request back, or until the scheduler takes it',
    },
  },
};

const operations: Record<string, Record<string, Op>> = {
  '/api/process_definitions': {
    get: { summary: 'List process definitions', response: list('process_definition') },
  },
  '/api/process_definitions/{process_definition_name}': {
    get: { summary: 'Get a process definition', response: r('process_definition') },
    put: {
      summary: 'Create or replace a process definition',
      body: 'process_definition',
      response: r('process_definition'),
    },
    delete: { summary: 'Delete a process definition', status: 204 },
  },
  '/api/process_definitions/{process_definition_name}/trigger': {
    post: {
      summary: 'Start a run now (optionally only some tasks)',
      status: 204,
      query: ['task_definition_name'],
      headers: {
        'sundial-process-id':
          'the id of the run, once the scheduler started it (absent while a run in progress holds it back)',
        'sundial-trigger-request-id':
          'the id of the recorded trigger request: GET /api/trigger_requests/{id} follows it to its run',
      },
    },
  },
  '/api/trigger_requests': {
    get: {
      summary: 'Trigger requests whose runs have not started yet, oldest first (default 100, at most 1000)',
      response: list('trigger_request'),
      query: ['process_definition_name', 'limit'],
    },
  },
  '/api/trigger_requests/{trigger_request_id}': {
    get: {
      summary: 'A trigger request, with the run it became (`process_id`, null until that run starts)',
      response: r('trigger_request'),
    },
  },
  '/api/process_definitions/{process_definition_name}/pause': {
    post: { summary: 'Pause the schedule', status: 204 },
  },
  '/api/process_definitions/{process_definition_name}/resume': {
    post: { summary: 'Resume the schedule', status: 204 },
  },
  '/api/processes': {
    get: {
      summary: 'List processes, newest first',
      response: { type: 'array', items: processResponse },
      query: ['process_definition_name', 'start_time', 'end_time', 'max_records', 'allowed_statuses'],
    },
  },
  '/api/processes/{process_id}': {
    get: {
      summary:
        'Get a process with its tasks (log_entries: lines inlined per task, 0 to 500, default 500). ' +
        'With `limit` (1 to 1000) or `after` (a task id), `task` holds one page of at most `limit` ' +
        '(default 100) tasks in task name and attempt order after the task `after`, and `next_after` ' +
        'is the cursor of the next page while there is one; without either, every task',
      response: processResponse,
      query: ['log_entries', 'limit', 'after'],
    },
  },
  '/api/processes/{process_id}/task_definitions': {
    get: {
      summary: 'The task definitions the process was started with',
      response: list('task_definition'),
    },
  },
  '/api/definition_overview': {
    get: {
      summary:
        'Every definition with its `recent` (default 10) newest runs: { definition, recent_processes }',
      response: { type: 'array', items: { type: 'object' } },
      query: ['recent'],
    },
  },
  '/api/process_definitions/{process_definition_name}/history': {
    get: {
      summary: "A definition's runs, newest first: { processes, next_before } (pass next_before as before)",
      response: { type: 'object' },
      query: ['before', 'limit'],
    },
  },
  '/api/processes/{process_id}/retry': {
    post: { summary: 'Retry the failed tasks of a failed process', status: 204 },
  },
  '/api/processes/{process_id}/kill': { post: { summary: 'Kill a running process', status: 204 } },
  '/api/tasks': {
    get: {
      summary: 'List tasks',
      response: { type: 'array', items: { type: 'object' } },
      query: [
        'process_definition_name',
        'task_definition_name',
        'allowed_statuses',
        'start_time',
        'end_time',
        'limit',
      ],
    },
  },
  '/api/tasks/{task_id}': { get: { summary: 'Get a task', response: { type: 'object' } } },
  '/api/tasks/{task_id}/logs': {
    get: {
      summary:
        'Log lines after a cursor, or the last ones before one: { entries, next_cursor, complete, has_more_before }',
      response: { type: 'object' },
      query: ['after', 'before', 'limit'],
    },
  },
  '/api/tasks/{task_id}/logs/stream': {
    get: {
      summary:
        'Live log as Server-Sent Events (resume with Last-Event-ID or after; ends with an `end` event)',
      response: { type: 'string' },
      query: ['after'],
    },
  },
  '/api/processes/{process_id}/logs': {
    get: {
      summary: "Log lines of all the process's tasks after (or before) a cursor, merged in cursor order",
      response: { type: 'object' },
      query: ['after', 'before', 'limit'],
    },
  },
  '/api/processes/{process_id}/logs/stream': {
    get: {
      summary: "Live log of all the process's tasks as Server-Sent Events, until the process has finished",
      response: { type: 'string' },
      query: ['after'],
    },
  },
  '/api/tasks/{task_id}/log_entries': {
    post: { summary: 'Add log entries', body: 'log_entry[]', status: 204 },
  },
  '/api/tasks/{task_id}/metadata': {
    post: { summary: 'Add metadata entries', body: 'metadata_entry[]', status: 204 },
  },
  '/api/tasks/{task_id}/succeed': { post: { summary: 'The job reports success', status: 204 } },
  '/api/tasks/{task_id}/fail': { post: { summary: 'The job reports failure', status: 204 } },
};

const errorResponse = {
  description: 'The request was rejected; `message` names the field and the problem',
  content: { 'application/json': { schema: r('error') } },
};

/**
 * The OpenAPI 3.1 document, built from the same schemas that validate requests.
 *
 * @example
 * app.get('/api/openapi.json', async () => openApiDocument());
 */
export function openApiDocument(): JsonSchema {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const [path, ops] of Object.entries(operations)) {
    paths[path] = {};
    const pathParams = [...path.matchAll(/\{(\w+)\}/g)].map((m) => ({
      name: m[1],
      in: 'path',
      required: true,
      schema: { type: 'string', ...(m[1]!.endsWith('_id') && { format: 'uuid' }) },
    }));
    for (const [method, op] of Object.entries(ops)) {
      const body = op.body?.endsWith('[]') ? list(op.body.slice(0, -2)) : op.body && r(op.body);
      paths[path][method] = {
        summary: op.summary,
        parameters: [
          ...pathParams,
          ...(op.query ?? []).map((name) => ({ name, in: 'query', schema: { type: 'string' } })),
        ],
        ...(body && { requestBody: { required: true, content: { 'application/json': { schema: body } } } }),
        responses: {
          [op.status ?? 200]: op.response
            ? { description: 'OK', content: { 'application/json': { schema: op.response } } }
            : {
                description: 'Done',
                ...(op.headers && {
                  headers: Object.fromEntries(
                    Object.entries(op.headers).map(([name, description]) => [
                      name,
                      { description, schema: { type: 'string' } },
                    ]),
                  ),
                }),
              },
          400: errorResponse,
          404: errorResponse,
        },
      };
    }
  }
  const error = {
    type: 'object',
    required: ['message'],
    properties: {
      message: { type: 'string' },
      errors: {
        type: 'array',
        items: { type: 'object', properties: { field: { type: 'string' }, problem: { type: 'string' } } },
      },
    },
  };
  return {
    openapi: '3.1.0',
    info: {
      title: 'Sundial',
      version: '2.0.0',
      description: 'Wire-compatible with the original Sundial API v2.',
    },
    paths,
    components: {
      schemas: {
        ...definitionSchemas,
        error,
        notification_delivery: notificationDelivery,
        task_cost: taskCost,
        trigger_request: triggerRequest,
      },
    },
  };
}
