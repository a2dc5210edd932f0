import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { latestTasks, shellTask, type WireProcess, waitFor } from '../../helpers/harness.js';
import { isAlive } from '../../helpers/processes.js';
import { useHarness } from '../../helpers/use-harness.js';

describe('stopping runs', () => {
  const world = useHarness('sundial-stop-');

  it('kills a task that runs longer than max_runtime_seconds, saying so', async () => {
    await world.h.put({
      process_definition_name: 'too-slow',
      task_definitions: [shellTask('sleeper', 'sleep 30', { max_runtime_seconds: 1 })],
    });
    const run = await world.h.triggerAndWait('too-slow');
    expect(run.status).toBe('failed');
    const task = run.task[0]!;
    expect(task.failure_reason).toBe('exceeded max_runtime_seconds (1 s)');
    expect(Date.parse(task.end_time!) - Date.parse(task.start_time)).toBeGreaterThanOrEqual(1000);
    expect(task.log_entries.map((l) => l.message)).toContain(
      'killing the job: exceeded max_runtime_seconds (1 s)',
    );
  });

  it('kills a process: its running task fails with a reason, its whole process group dies, nothing else starts', async () => {
    const pids = join(world.dir, 'pids');
    const script = [
      `sleep 60 & echo $! >> ${pids}`,
      // a child that ignores SIGTERM and does not hold the job's output open
      `(trap '' TERM; exec sleep 60) > /dev/null 2>&1 & echo $! >> ${pids}`,
      'echo started',
      'wait',
    ].join('\n');
    await world.h.put({
      process_definition_name: 'to-kill',
      task_definitions: [
        shellTask('worker', script),
        shellTask('after', 'true', {
          dependencies: [{ task_definition_name: 'worker', success_required: false }],
        }),
      ],
    });
    const run = await world.h.startRun('to-kill');
    await waitFor(async () =>
      (await world.h.process(run.process_id)).task[0]?.log_entries.some((l) => l.message === 'started')
        ? true
        : undefined,
    );
    const children = readFileSync(pids, 'utf8').trim().split('\n').map(Number);
    expect(children).toHaveLength(2);
    expect(children.every(isAlive)).toBe(true);

    const res = await world.h.request('POST', `/api/processes/${run.process_id}/kill`);
    expect(res.status).toBe(204);
    const ended = await world.h.waitForEnd(run.process_id);
    expect(ended.status).toBe('failed');
    expect((ended as WireProcess & { kill_reason?: string }).kill_reason).toContain('killed by request');
    const worker = latestTasks(ended).get('worker')!;
    expect(worker.status).toBe('failed');
    expect(worker.failure_reason).toContain('killed by request');
    expect(latestTasks(ended).has('after')).toBe(false);
    await waitFor(async () => (children.some(isAlive) ? undefined : true), 15_000);

    const again = await world.h.request<{ message: string }>('POST', `/api/processes/${run.process_id}/kill`);
    expect(again.status).toBe(400);
    expect(again.body.message).toContain('is not running');
  });
});
