import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dependsOn, latestTasks, shellTask, type WireProcess, waitFor } from '../../helpers/harness.js';
import { useHarness } from '../../helpers/use-harness.js';

/** Marks `me` as started, then succeeds only once `other` started too: proof that both ran at once. */
const rendezvous = (dir: string, me: string, other: string) =>
  `touch ${dir}/${me}; for i in $(seq 200); do [ -e ${dir}/${other} ] && exit 0; sleep 0.05; done; exit 1`;

/** Blocks until `file` exists. */
const waitForFile = (file: string) => `while [ ! -e ${file} ]; do sleep 0.05; done`;

const ms = (iso: string | undefined) => Date.parse(iso!);

function expectAfter(run: WireProcess, later: string, ...earlier: string[]) {
  const t = latestTasks(run);
  for (const e of earlier)
    expect(ms(t.get(later)!.start_time)).toBeGreaterThanOrEqual(ms(t.get(e)!.end_time));
}

describe('DAG runs', () => {
  const world = useHarness('sundial-dag-');

  it('runs independent tasks at the same time', async () => {
    await world.h.put({
      process_definition_name: 'parallel',
      task_definitions: [
        shellTask('left', rendezvous(world.dir, 'p-left', 'p-right')),
        shellTask('right', rendezvous(world.dir, 'p-right', 'p-left')),
      ],
    });
    const run = await world.h.triggerAndWait('parallel');
    expect(run.status).toBe('succeeded');
    const [left, right] = [latestTasks(run).get('left')!, latestTasks(run).get('right')!];
    expect(ms(left.start_time)).toBeLessThan(ms(right.end_time));
    expect(ms(right.start_time)).toBeLessThan(ms(left.end_time));
  });

  it('runs a diamond: the branches in parallel after the root, the join after both', async () => {
    await world.h.put({
      process_definition_name: 'diamond',
      task_definitions: [
        shellTask('root', 'echo root'),
        shellTask('b', rendezvous(world.dir, 'd-b', 'd-c'), { dependencies: dependsOn('root') }),
        shellTask('c', rendezvous(world.dir, 'd-c', 'd-b'), { dependencies: dependsOn('root') }),
        shellTask('join', 'echo join', { dependencies: dependsOn('b', 'c') }),
      ],
    });
    const run = await world.h.triggerAndWait('diamond');
    expect(run.status).toBe('succeeded');
    expect(run.task).toHaveLength(4);
    expectAfter(run, 'b', 'root');
    expectAfter(run, 'c', 'root');
    expectAfter(run, 'join', 'b', 'c');
  });

  it('never runs the join of a diamond whose branch failed, and fails the process', async () => {
    await world.h.put({
      process_definition_name: 'diamond-failure',
      task_definitions: [
        shellTask('root', 'true'),
        shellTask('b', 'exit 1', { dependencies: dependsOn('root') }),
        shellTask('c', 'true', { dependencies: dependsOn('root') }),
        shellTask('join', 'true', { dependencies: dependsOn('b', 'c') }),
      ],
    });
    const run = await world.h.triggerAndWait('diamond-failure');
    expect(run.status).toBe('failed');
    const t = latestTasks(run);
    expect([...t.keys()].sort()).toEqual(['b', 'c', 'root']);
    expect(t.get('b')!.status).toBe('failed');
    expect(t.get('c')!.status).toBe('succeeded');
  });

  it('runs a task with an optional dependency after that dependency failed', async () => {
    await world.h.put({
      process_definition_name: 'optional-dependency',
      task_definitions: [
        shellTask('flaky', 'exit 1'),
        shellTask('cleanup', 'echo cleaning', {
          dependencies: [{ task_definition_name: 'flaky', success_required: false }],
        }),
        shellTask('publish', 'true', { dependencies: dependsOn('flaky') }),
      ],
    });
    const run = await world.h.triggerAndWait('optional-dependency');
    const t = latestTasks(run);
    expect(t.get('cleanup')!.status).toBe('succeeded');
    expectAfter(run, 'cleanup', 'flaky');
    expect(t.has('publish')).toBe(false);
    expect(run.status).toBe('failed'); // flaky's latest attempt failed
  });

  it('runs only the named tasks of a filtered trigger, ignoring dependencies outside the filter', async () => {
    await world.h.put({
      process_definition_name: 'filtered',
      task_definitions: [
        shellTask('a', 'exit 1'),
        shellTask('b', 'true', { dependencies: dependsOn('a') }),
        shellTask('c', 'true', { dependencies: dependsOn('b') }),
      ],
    });
    const onlyB = await world.h.triggerAndWait('filtered', 'b');
    expect(onlyB.status).toBe('succeeded');
    expect(onlyB.task.map((t) => t.task_definition_name)).toEqual(['b']);

    // several names: repeated query parameter; c still waits for b inside the filter
    const res = await world.h.request(
      'POST',
      '/api/process_definitions/filtered/trigger?task_definition_name=b&task_definition_name=c',
    );
    expect(res.status).toBe(204);
    const run = await waitFor(async () => {
      const [latest] = await world.h.processes('filtered');
      return latest && latest.process_id !== onlyB.process_id ? latest : undefined;
    });
    const bc = await world.h.waitForEnd(run.process_id);
    expect(bc.status).toBe('succeeded');
    expect(bc.task.map((t) => t.task_definition_name).sort()).toEqual(['b', 'c']);
    expectAfter(bc, 'c', 'b');
  });

  it('rejects a filter naming an unknown task, and starts nothing', async () => {
    const before = (await world.h.processes('filtered')).length;
    const res = await world.h.request<{ message: string }>(
      'POST',
      '/api/process_definitions/filtered/trigger?task_definition_name=nope',
    );
    expect(res.status).toBe(400);
    expect(res.body.message).toBe("task_definition_name: 'filtered' has no task named 'nope'");
    expect(await world.h.processes('filtered')).toHaveLength(before);
  });

  it('editing a definition during a run does not change the run', async () => {
    const release = join(world.dir, 'snapshot-release');
    await world.h.put({
      process_definition_name: 'snapshot',
      task_definitions: [
        shellTask('first', waitForFile(release)),
        shellTask('second', 'echo version-1', { dependencies: dependsOn('first') }),
      ],
    });
    await world.h.trigger('snapshot');
    const run = await world.h.waitForRun('snapshot');
    await world.h.put({
      process_definition_name: 'snapshot',
      task_definitions: [
        shellTask('first', 'true'),
        shellTask('second', 'echo version-2', { dependencies: dependsOn('first') }),
        shellTask('third', 'true', { dependencies: dependsOn('second') }),
      ],
    });
    writeFileSync(release, '');
    const done = await world.h.waitForEnd(run.process_id);
    expect(done.status).toBe('succeeded');
    const t = latestTasks(done);
    expect([...t.keys()]).toEqual(['first', 'second']);
    expect(
      t
        .get('second')!
        .log_entries.filter((l) => l.source === 'stdout')
        .map((l) => l.message),
    ).toEqual(['version-1']);
    expect((t.get('second') as unknown as { executable: unknown }).executable).toEqual({
      shell_script_command: { script: 'echo version-1' },
    });

    const next = await world.h.triggerAndWait('snapshot');
    expect([...latestTasks(next).keys()]).toEqual(['first', 'second', 'third']);
    expect(
      latestTasks(next)
        .get('second')!
        .log_entries.filter((l) => l.source === 'stdout')
        .map((l) => l.message),
    ).toEqual(['version-2']);
  });
});
