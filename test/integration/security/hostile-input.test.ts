import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProcessDefinition } from '../../../src/domain/types.js';
import { upsertDefinition } from '../../../src/storage/stores/definitions-store.js';
import { Harness, shellTask } from '../../helpers/harness.js';

interface ErrorBody {
  message: string;
  errors?: { field: string; problem: string }[];
}

const definition = (name: string, taskName = 'a', script = 'true'): ProcessDefinition => ({
  process_definition_name: name,
  task_definitions: [shellTask(taskName, script)],
});

const put = (h: Harness, def: unknown, name: string) =>
  h.request<ErrorBody>('PUT', `/api/process_definitions/${encodeURIComponent(name)}`, def);

describe('hostile input is a 400 naming the field, and stores nothing', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await Harness.start({ aws: false });
  });
  afterAll(async () => h?.close());

  it.each([
    [
      'NUL in a script',
      definition('nul', 'a', 'echo a\u0000b'),
      /^task_definitions\[0\]\.executable\.shell_script_command\.script: must not contain a NUL/,
    ],
    [
      'lone surrogate in a script',
      definition('sur', 'a', 'echo \ud800'),
      /^task_definitions\[0\]\.executable\.shell_script_command\.script: must not contain a lone UTF-16 surrogate/,
    ],
    [
      'NUL in a task name',
      definition('nul2', 'a\u0000'),
      /^task_definitions\[0\]\.task_definition_name: must not contain a NUL/,
    ],
    [
      'lone low surrogate in the description',
      { ...definition('sur2'), process_description: 'x\udc00' },
      /^process_description: must not contain a lone/,
    ],
    ['NUL in a key', { ...definition('key'), 'k\u0000': 1 }, /^body: a key must not contain a NUL/],
  ])('%s', async (_what, def, message) => {
    const name = (def as ProcessDefinition).process_definition_name;
    const res = await put(h, def, name);
    expect(res.status).toBe(400);
    expect(res.body.message).toMatch(message);
    expect((await h.request('GET', `/api/process_definitions/${name}`)).status).toBe(404);
  });

  it('a script with a well-formed surrogate pair (an emoji) is stored', async () => {
    expect((await put(h, definition('emoji', 'a', 'echo 🌞'), 'emoji')).status).toBe(200);
  });

  it('nesting deeper than 32 levels is refused before anything walks it', async () => {
    const deep = `${'['.repeat(100_000)}"x"${']'.repeat(100_000)}`;
    const raw = JSON.stringify(definition('deep')).replace(/}$/, `,"process_description":${deep}}`);
    const res = await h.request<ErrorBody>('PUT', '/api/process_definitions/deep', undefined, raw);
    expect(res.status).toBe(400);
    expect(res.body.message).toMatch(/^process_description\[0\](\[0\])+: is nested deeper than 32 levels/);
  });

  it('prototype-pollution keys are refused', async () => {
    const raw = `{"process_definition_name":"pp","__proto__":{"isAdmin":true},"task_definitions":[]}`;
    const res = await h.request<ErrorBody>('PUT', '/api/process_definitions/pp', undefined, raw);
    expect(res.status).toBe(400);
    expect(res.body.message).toMatch(/forbidden prototype property/);
    expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
  });

  it.each([
    ['<script>x</script>', 'process_definition_name'],
    ['../../etc/passwd', 'process_definition_name'],
    ['a;rm -rf /', 'process_definition_name'],
    ["x' or '1'='1", 'process_definition_name'],
    [' leading-space', 'process_definition_name'],
    ['x'.repeat(201), 'process_definition_name'],
  ])('the unsafe definition name %j is refused', async (name, field) => {
    // Injected, not fetched: a client's URL normalisation would turn `..` into another path.
    const url = `/api/process_definitions/${encodeURIComponent(name).replace(/\./g, '%2E')}`;
    const res = await h.sundial.api.inject({ method: 'PUT', url, payload: definition(name) });
    expect(res.statusCode).toBe(400);
    expect(res.json<ErrorBody>().errors?.map((e) => e.field)).toContain(field);
    expect((await h.request('GET', '/api/process_definitions')).body).not.toContainEqual(
      expect.objectContaining({ process_definition_name: name }),
    );
  });

  it('`..` as a name or an id is never taken for one (URL normalisation leaves another path, which is no route)', async () => {
    for (const url of [
      '/api/process_definitions/%2E%2E',
      '/api/processes/%2e%2e/retry',
      '/api/tasks/../tasks/x/fail',
    ]) {
      const res = await h.sundial.api.inject({
        method: url.includes('definitions') ? 'PUT' : 'POST',
        url,
        payload: definition('..'),
      });
      expect([400, 404]).toContain(res.statusCode);
    }
    const names = (await h.request<ProcessDefinition[]>('GET', '/api/process_definitions')).body;
    expect(names.map((d) => d.process_definition_name)).not.toContain('..');
  });

  it('an unsafe task name is refused, a safe one with spaces, dots and 200 characters is not', async () => {
    const bad = await put(h, definition('tasky', '$(reboot)'), 'tasky');
    expect(bad.status).toBe(400);
    expect(bad.body.message).toMatch(
      /^task_definitions\[0\]\.task_definition_name: may only contain letters/,
    );
    const long = `Nightly ETL v1.2_${'x'.repeat(183)}`;
    expect((await put(h, definition(long, 'load step.1'), long)).status).toBe(200);
  });

  it('a definition stored before the name rule keeps working (read, trigger, delete)', async () => {
    const legacy = 'legacy: <old> name';
    await upsertDefinition(h.sundial.db, definition(legacy, 'a/b'), new Date());
    const path = `/api/process_definitions/${encodeURIComponent(legacy)}`;
    expect((await h.request('GET', path)).status).toBe(200);
    const run = await h.triggerAndWait(legacy);
    expect(run.status).toBe('succeeded');
    expect((await h.request('POST', `${path}/pause`)).status).toBe(204);
    expect((await h.request('DELETE', path)).status).toBe(204);
  });

  it('NUL in a path or query value is a 400 naming it, not a failed query', async () => {
    const byName = await h.request<ErrorBody>('GET', '/api/process_definitions/a%00b');
    expect(byName.status).toBe(400);
    const query = await h.request<ErrorBody>('GET', '/api/tasks?task_definition_name=%00');
    expect(query.status).toBe(400);
    expect(query.body.message).toMatch(/^task_definition_name: must not contain a NUL/);
  });

  it.each(['/api/tasks/..%2F..%2Fetc%2Fpasswd/succeed', "/api/processes/1'%20or%20'1'='1/kill"])(
    'an id that is not a UUID is refused: %s',
    async (url) => {
      const res = await h.sundial.api.inject({ method: 'POST', url });
      expect(res.statusCode).toBe(400);
      expect(res.json<ErrorBody>().message).toMatch(/_id: must be a UUID/);
    },
  );
});
