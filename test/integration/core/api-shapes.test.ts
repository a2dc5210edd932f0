import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProcessDefinition } from '../../../src/domain/types.js';
import { Harness, shellTask, type WireProcess } from '../../helpers/harness.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/;

// Required fields of the original API's models (sundial-api-v2.json).
const PROCESS_FIELDS = ['process_id', 'process_definition_name', 'start_time', 'status', 'task'];
const TASK_FIELDS = [
  'task_id',
  'process_id',
  'process_definition_name',
  'task_definition_name',
  'start_time',
  'previous_attempt_count',
  'log_entries',
  'metadata_entries',
  'status',
];

describe('API shapes (wire-compatible with the original Sundial)', () => {
  let h: Harness;
  let ok: WireProcess;
  let failed: WireProcess;
  const definition: ProcessDefinition = {
    process_definition_name: 'shapes',
    process_description: 'wire shapes',
    overlap_action: 'wait',
    schedule: {
      cron_schedule: { minutes: '0', hours: '22', day_of_month: '*', month: '*', day_of_week: '?' },
    },
    notifications: [{ email: { name: 'Ops', email: 'ops@example.com', notify_when: 'on_failure' } }],
    task_definitions: [
      shellTask('hello', 'echo hi; echo "**metadata:k=v"', {
        max_runtime_seconds: 60,
        backoff_exponent: 2,
        require_explicit_success: false,
      }),
    ],
  };

  beforeAll(async () => {
    h = await Harness.start();
    await h.put(definition);
    ok = await h.triggerAndWait('shapes');
    await h.put({
      process_definition_name: 'shapes-failing',
      task_definitions: [shellTask('nope', 'exit 1')],
    });
    failed = await h.triggerAndWait('shapes-failing');
  });
  afterAll(async () => h?.close());

  it('returns a definition as it was submitted, adding when its schedule next runs', async () => {
    type Read = ProcessDefinition & { next_run_time?: string };
    const read = (await h.request<Read>('GET', '/api/process_definitions/shapes')).body;
    const { next_run_time, ...submitted } = read;
    expect(submitted).toEqual(definition);
    expect(next_run_time).toMatch(/T22:00:00\.000Z$/);
    expect(Date.parse(next_run_time!) - Date.now()).toBeLessThanOrEqual(24 * 3600_000);
    const all = await h.request<Read[]>('GET', '/api/process_definitions');
    expect(all.body.map((d) => [d.process_definition_name, d.next_run_time])).toEqual([
      ['shapes', next_run_time],
      ['shapes-failing', undefined],
    ]);
    // A client that sends back what it read is not refused for the added field.
    expect((await h.request('PUT', '/api/process_definitions/shapes', read)).status).toBe(200);
  });

  it('a process has the original fields and carries its attempts in `task`', async () => {
    const res = await h.request<Record<string, unknown>>('GET', `/api/processes/${ok.process_id}`);
    expect(res.status).toBe(200);
    for (const f of PROCESS_FIELDS) expect(res.body, f).toHaveProperty(f);
    expect(res.body.process_id).toMatch(UUID);
    expect(res.body.start_time).toMatch(ISO);
    expect(res.body.status).toBe('succeeded');
    expect(res.body.task).toHaveLength(1);
  });

  it('a task has the original fields, with log and metadata entries', async () => {
    const task = ok.task[0] as unknown as Record<string, unknown>;
    for (const f of TASK_FIELDS) expect(task, f).toHaveProperty(f);
    expect(task.process_id).toBe(ok.process_id);
    expect(task.previous_attempt_count).toBe(0);
    expect(task.end_time).toMatch(ISO);
    const log = (task.log_entries as Record<string, unknown>[]).find((l) => l.message === 'hi');
    expect(log).toEqual({
      log_entry_id: expect.stringMatching(UUID),
      when: expect.stringMatching(ISO),
      source: 'stdout',
      message: 'hi',
    });
    expect(task.metadata_entries).toEqual([
      {
        metadata_entry_id: expect.stringMatching(UUID),
        when: expect.stringMatching(ISO),
        key: 'k',
        value: 'v',
      },
    ]);
    const byId = await h.request('GET', `/api/tasks/${task.task_id}`);
    expect(byId.body).toEqual(task);
  });

  it('filters processes and tasks by allowed_statuses, repeated or comma-separated', async () => {
    const ids = async (query: string) =>
      (await h.request<WireProcess[]>('GET', `/api/processes?${query}`)).body.map((p) => p.process_id).sort();
    expect(await ids('allowed_statuses=succeeded')).toEqual([ok.process_id]);
    expect(await ids('allowed_statuses=failed')).toEqual([failed.process_id]);
    const both = [ok.process_id, failed.process_id].sort();
    expect(await ids('allowed_statuses=succeeded&allowed_statuses=failed')).toEqual(both);
    expect(await ids('allowed_statuses=succeeded,failed')).toEqual(both);
    expect(await ids('allowed_statuses=running')).toEqual([]);
    expect(await ids('process_definition_name=shapes-failing')).toEqual([failed.process_id]);

    const tasks = async (query: string) =>
      (await h.request<{ task_definition_name: string }[]>('GET', `/api/tasks?${query}`)).body.map(
        (t) => t.task_definition_name,
      );
    expect(await tasks('allowed_statuses=failed')).toEqual(['nope']);
    expect((await tasks('allowed_statuses=failed&allowed_statuses=succeeded')).sort()).toEqual([
      'hello',
      'nope',
    ]);
    expect(await tasks('process_definition_name=shapes&task_definition_name=hello')).toEqual(['hello']);
  });

  it('serves an OpenAPI 3.1 document whose schemas include process_definition', async () => {
    const res = await h.request<{
      openapi: string;
      info: { title: string };
      paths: Record<string, Record<string, { responses: object }>>;
      components: { schemas: Record<string, { type?: string; properties?: object }> };
    }>('GET', '/api/openapi.json');
    expect(res.status).toBe(200);
    expect(res.body.openapi).toMatch(/^3\.1\./);
    expect(res.body.info.title).toBeTruthy();
    const schema = res.body.components.schemas.process_definition;
    expect(schema?.type).toBe('object');
    expect(Object.keys(schema?.properties ?? {})).toEqual(
      expect.arrayContaining(['process_definition_name', 'task_definitions', 'schedule', 'overlap_action']),
    );
    expect(
      res.body.paths['/api/process_definitions/{process_definition_name}']?.put?.responses,
    ).toBeDefined();
    // every $ref points at a schema that exists
    const refs = JSON.stringify(res.body).match(/#\/components\/schemas\/[\w]+/g) ?? [];
    for (const ref of new Set(refs))
      expect(res.body.components.schemas).toHaveProperty(ref.split('/').pop()!);
  });
});
