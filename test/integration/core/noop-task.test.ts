import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dependsOn, Harness, latestTasks, shellTask } from '../../helpers/harness.js';

describe('noop_command', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await Harness.start();
  });
  afterAll(async () => h?.close());

  it('succeeds at once and works as a join point between shell tasks', async () => {
    const noop = (name: string, deps: string[]) => ({
      ...shellTask(name, 'unused', { dependencies: dependsOn(...deps) }),
      executable: { noop_command: {} },
    });
    await h.put({
      process_definition_name: 'join',
      task_definitions: [
        shellTask('a', 'echo a'),
        shellTask('b', 'echo b'),
        noop('both', ['a', 'b']),
        shellTask('after', 'echo after', { dependencies: dependsOn('both') }),
      ],
    });
    const run = await h.triggerAndWait('join');
    expect(run.status).toBe('succeeded');
    const t = latestTasks(run);
    expect(t.get('both')).toMatchObject({ status: 'succeeded', executable: { noop_command: {} } });
    expect(Date.parse(t.get('both')!.start_time)).toBeGreaterThanOrEqual(Date.parse(t.get('a')!.end_time!));
    expect(t.get('after')!.status).toBe('succeeded');
  });

  it('rejects a noop_command with fields', async () => {
    const res = await h.request('PUT', '/api/process_definitions/bad-noop', {
      process_definition_name: 'bad-noop',
      task_definitions: [{ ...shellTask('x', 'unused'), executable: { noop_command: { script: 'echo' } } }],
    });
    expect(res.status).toBe(400);
  });
});
