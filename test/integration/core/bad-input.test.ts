import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProcessDefinition } from '../../../src/domain/types.js';
import { Harness, shellTask } from '../../helpers/harness.js';

interface ErrorBody {
  message: string;
  errors?: { field: string; problem: string }[];
}

const valid = (name: string): ProcessDefinition => ({
  process_definition_name: name,
  schedule: { cron_schedule: { minutes: '0', hours: '22', day_of_month: '*', month: '*', day_of_week: '?' } },
  task_definitions: [
    shellTask('a', 'true'),
    shellTask('b', 'true', { dependencies: [{ task_definition_name: 'a' }] }),
  ],
});

/** A valid definition named `name`, changed by `edit`. */
function broken(name: string, edit: (d: Record<string, unknown>, tasks: Record<string, unknown>[]) => void) {
  const def = structuredClone(valid(name)) as unknown as Record<string, unknown>;
  edit(def, def.task_definitions as Record<string, unknown>[]);
  return def;
}

const cron = (d: Record<string, unknown>) =>
  (d.schedule as { cron_schedule: Record<string, string> }).cron_schedule;

describe('bad input is rejected with a message naming the field, and nothing is stored', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await Harness.start();
  });
  afterAll(async () => h?.close());

  const cases: [string, unknown, RegExp][] = [
    [
      'missing field',
      broken('x', (_, t) => delete t[0]!.max_attempts),
      /^task_definitions\[0\]\.max_attempts: is required/,
    ],
    [
      'unknown field',
      broken('x', (d) => {
        d.colour = 'blue';
      }),
      /^colour: unknown field \(expected one of: process_definition_name, /,
    ],
    [
      'wrong enum value',
      broken('x', (d) => {
        d.overlap_action = 'queue';
      }),
      /^overlap_action: must be one of wait, terminate \(got "queue"\)/,
    ],
    [
      'dependency cycle',
      broken('x', (_, t) => {
        t[0]!.dependencies = [{ task_definition_name: 'b' }];
      }),
      /^task_definitions: dependency cycle: (a -> b -> a|b -> a -> b)$/,
    ],
    [
      'unknown dependency',
      broken('x', (_, t) => {
        t[1]!.dependencies = [{ task_definition_name: 'ghost' }];
      }),
      /^task_definitions\[1\]\.dependencies\[0\]\.task_definition_name: task 'b' depends on unknown task 'ghost'$/,
    ],
    [
      'duplicate task names',
      broken('x', (_, t) => {
        t[1]!.task_definition_name = 'a';
        t[1]!.dependencies = [];
      }),
      /^task_definitions\[1\]\.task_definition_name: duplicate task name 'a'$/,
    ],
    [
      'URL name differs from body name',
      broken('y', () => {}),
      /^process_definition_name: 'y' does not match the name in the URL \('x'\)$/,
    ],
    [
      'invalid cron field',
      broken('x', (d) => {
        cron(d).hours = '24';
      }),
      /^schedule\.cron_schedule\.hours: invalid value '24'/,
    ],
    [
      'cron that never fires',
      broken('x', (d) => {
        Object.assign(cron(d), { day_of_month: '31', month: '4' });
      }),
      /^schedule\.cron_schedule: cron expression .* never fires again$/,
    ],
    [
      'unknown time zone',
      broken('x', (d) => {
        cron(d).time_zone = 'Europe/Atlantis';
      }),
      /^schedule\.cron_schedule\.time_zone: unknown IANA time zone 'Europe\/Atlantis'$/,
    ],
    [
      'invalid e-mail address',
      broken('x', (d) => {
        d.notifications = [{ email: { name: 'Ops', email: 'ops-at-example.com' } }];
      }),
      /^notifications\[0\]\.email\.email: must be a valid email \(got "ops-at-example\.com"\)$/,
    ],
    [
      "invalid e-mail address in the original docs' subscriptions",
      broken('x', (d) => {
        d.subscriptions = [{ name: 'Ops', email: 'ops@', notify_when: 'always' }];
      }),
      /^subscriptions\[0\]\.email: must be a valid email/,
    ],
    [
      'unknown notify_when',
      broken('x', (d) => {
        d.notifications = [{ email: { name: 'Ops', email: 'ops@example.com', notify_when: 'sometimes' } }];
      }),
      /^notifications\[0\]\.email\.notify_when: must be one of always, on_failure, on_state_change, on_state_change_and_failures, never \(got "sometimes"\)$/,
    ],
    [
      'plain-http webhook outside loopback',
      broken('x', (d) => {
        d.notifications = [{ webhook: { url: 'http://hooks.example.com/sundial' } }];
      }),
      /^notifications\[0\]\.webhook\.url: must be an https URL; http is accepted only for loopback addresses/,
    ],
    [
      'plain-http Slack webhook outside loopback',
      broken('x', (d) => {
        d.notifications = [{ slack: { webhook_url: 'http://10.0.0.7/services/T0/B0/x' } }];
      }),
      /^notifications\[0\]\.slack\.webhook_url: must be an https URL/,
    ],
  ];

  it.each(cases)('%s', async (_, body, message) => {
    const res = await h.request<ErrorBody>('PUT', '/api/process_definitions/x', body);
    expect(res.status).toBe(400);
    expect(res.body.message).toMatch(message);
    expect(res.body.errors?.length).toBeGreaterThan(0);
    expect((await h.request('GET', '/api/process_definitions/x')).status).toBe(404);
    expect((await h.request('GET', '/api/process_definitions/y')).status).toBe(404);
  });

  it('malformed JSON, an empty body, and a body that is not an object', async () => {
    const bad = await h.request<ErrorBody>(
      'PUT',
      '/api/process_definitions/x',
      undefined,
      '{"process_definition_name": ',
    );
    expect(bad.status).toBe(400);
    expect(bad.body.message).toMatch(/^body: malformed JSON/);
    const empty = await h.request<ErrorBody>('PUT', '/api/process_definitions/x', undefined, '');
    expect(empty.status).toBe(400);
    expect(empty.body.message).toMatch(/^body: /);
    const notAnObject = await h.request<ErrorBody>('PUT', '/api/process_definitions/x', []);
    expect(notAnObject.status).toBe(400);
    expect(notAnObject.body.message).toBe('body: must be an object (got [])');
    expect((await h.request('GET', '/api/process_definitions/x')).status).toBe(404);
  });

  it('a rejected PUT leaves the stored version unchanged', async () => {
    await h.put(valid('kept'));
    const before = await h.request('GET', '/api/process_definitions/kept');
    const res = await h.request<ErrorBody>(
      'PUT',
      '/api/process_definitions/kept',
      broken('kept', (_, t) => {
        t[0]!.dependencies = [{ task_definition_name: 'b' }];
        t[1]!.max_attempts = 0;
      }),
    );
    expect(res.status).toBe(400);
    expect(res.body.errors?.map((e) => e.field)).toEqual(['task_definitions[1].max_attempts']);
    expect(await h.request('GET', '/api/process_definitions/kept')).toEqual(before);
  });

  it('a path id that is not a UUID is a 400 naming the parameter', async () => {
    for (const [path, field] of [
      ['/api/processes/not-a-uuid', 'process_id'],
      ['/api/processes/123/kill', 'process_id'],
      ['/api/processes/123/retry', 'process_id'],
      ['/api/tasks/nope', 'task_id'],
      ['/api/tasks/nope/succeed', 'task_id'],
      ['/api/tasks/nope/logs', 'task_id'],
    ] as const) {
      const method = /kill|retry|succeed/.test(path) ? 'POST' : 'GET';
      const res = await h.request<ErrorBody>(method, path);
      expect(res.status, path).toBe(400);
      expect(res.body.message, path).toMatch(new RegExp(`^${field}: must be a UUID`));
    }
  });

  it('unknown ids and names are a 404 with a JSON message', async () => {
    const id = '6f1c1f9e-1111-4222-8333-444455556666';
    for (const [method, path] of [
      ['GET', `/api/processes/${id}`],
      ['POST', `/api/processes/${id}/kill`],
      ['POST', `/api/processes/${id}/retry`],
      ['GET', `/api/tasks/${id}`],
      ['GET', `/api/tasks/${id}/logs`],
      ['POST', `/api/tasks/${id}/succeed`],
      ['POST', `/api/tasks/${id}/fail`],
      ['GET', '/api/process_definitions/nobody'],
      ['DELETE', '/api/process_definitions/nobody'],
      ['POST', '/api/process_definitions/nobody/trigger'],
      ['POST', '/api/process_definitions/nobody/pause'],
      ['GET', '/api/no_such_route'],
    ] as const) {
      const res = await h.request<ErrorBody>(method, path);
      expect(res.status, `${method} ${path}`).toBe(404);
      expect(res.body.message, `${method} ${path}`).toMatch(/not found|no route/);
    }
  });

  it('bad query parameters name the parameter', async () => {
    const res = await h.request<ErrorBody>(
      'GET',
      '/api/processes?allowed_statuses=running&allowed_statuses=done',
    );
    expect(res.status).toBe(400);
    expect(res.body.message).toBe("allowed_statuses: must be one of running, succeeded, failed (got 'done')");
    const max = await h.request<ErrorBody>('GET', '/api/processes?max_records=0');
    expect(max.status).toBe(400);
    expect(max.body.message).toMatch(/^max_records: must be an integer/);
  });
});
