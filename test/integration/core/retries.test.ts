import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { dependsOn, latestTasks, shellTask, type WireProcess, waitFor } from '../../helpers/harness.js';
import { useHarness } from '../../helpers/use-harness.js';

const ms = (iso: string | undefined) => Date.parse(iso!);

/** Fails until it has been run `failures` times (counted in `file`), then succeeds. */
const failTimes = (file: string, failures: number) =>
  `n=$(cat ${file} 2>/dev/null || echo 0); echo $((n + 1)) > ${file}; [ "$n" -ge ${failures} ]`;

describe('retries', () => {
  const world = useHarness('sundial-retry-');

  it('retries a failed task after backoff_base_seconds * backoff_exponent ^ attempts', async () => {
    await world.h.put({
      process_definition_name: 'backoff',
      task_definitions: [
        shellTask('flaky', failTimes(join(world.dir, 'backoff'), 2), {
          max_attempts: 3,
          backoff_base_seconds: 1,
          backoff_exponent: 1.5,
        }),
      ],
    });
    const run = await world.h.triggerAndWait('backoff');
    expect(run.status).toBe('succeeded');
    const attempts = [...run.task].sort((a, b) => a.previous_attempt_count - b.previous_attempt_count);
    expect(attempts.map((t) => [t.previous_attempt_count, t.status])).toEqual([
      [0, 'failed'],
      [1, 'failed'],
      [2, 'succeeded'],
    ]);
    for (const n of [1, 2]) {
      const waited = ms(attempts[n]!.start_time) - ms(attempts[n - 1]!.end_time);
      expect(waited).toBeGreaterThanOrEqual(1000 * 1.5 ** n);
    }
  });

  it('stops after max_attempts and fails the process with the last reason', async () => {
    await world.h.put({
      process_definition_name: 'exhausted',
      task_definitions: [shellTask('always-fails', 'exit 7', { max_attempts: 2 })],
    });
    const run = await world.h.triggerAndWait('exhausted');
    expect(run.status).toBe('failed');
    expect(run.task.map((t) => t.status)).toEqual(['failed', 'failed']);
    expect(latestTasks(run).get('always-fails')!.failure_reason).toContain('exited with code 7');
  });

  describe('retry in place (POST /api/processes/{id}/retry)', () => {
    let failed: WireProcess;

    beforeAll(async () => {
      await world.h.put({
        process_definition_name: 'retry-in-place',
        task_definitions: [
          shellTask('extract', `echo x >> ${join(world.dir, 'extract-runs')}`),
          // a long backoff: a retry that waited for it would not finish within the test
          shellTask('load', failTimes(join(world.dir, 'load'), 2), {
            dependencies: dependsOn('extract'),
            backoff_base_seconds: 600,
          }),
          shellTask('report', 'true', { dependencies: dependsOn('load') }),
        ],
      });
      failed = await world.h.triggerAndWait('retry-in-place');
    });

    const retry = (id: string) => world.h.request<{ message: string }>('POST', `/api/processes/${id}/retry`);
    const retryAndWait = async (id: string) => {
      expect((await retry(id)).status).toBe(204);
      await waitFor(async () =>
        (await world.h.process(id)).task.length > failed.task.length ? true : undefined,
      );
      return world.h.waitForEnd(id);
    };

    it('first run: load fails, report is blocked', () => {
      expect(failed.status).toBe('failed');
      expect([...latestTasks(failed)].map(([n, t]) => [n, t.status])).toEqual([
        ['extract', 'succeeded'],
        ['load', 'failed'],
      ]);
    });

    it('gives the failed task one more attempt without backoff, keeps the succeeded one', async () => {
      const again = await retryAndWait(failed.process_id);
      expect(again.process_id).toBe(failed.process_id);
      expect(again.status).toBe('failed'); // load fails a second time
      const loads = again.task.filter((t) => t.task_definition_name === 'load');
      expect(loads.map((t) => t.previous_attempt_count)).toEqual([0, 1]);
      expect(again.task.filter((t) => t.task_definition_name === 'extract')).toHaveLength(1);
      failed = again;
    });

    it('retries again; then the blocked task runs and the process succeeds', async () => {
      const done = await retryAndWait(failed.process_id);
      expect(done.status).toBe('succeeded');
      const t = latestTasks(done);
      expect(t.get('load')!.previous_attempt_count).toBe(2);
      expect(t.get('report')!.status).toBe('succeeded');
      expect(done.task.filter((x) => x.task_definition_name === 'extract')).toHaveLength(1);
      failed = done;
    });

    it('refuses to retry a succeeded process, with a message', async () => {
      const res = await retry(failed.process_id);
      expect(res.status).toBe(400);
      expect(res.body.message).toMatch(/succeeded; only a failed process can be retried/);
    });

    it('refuses to retry a running process, and answers 404 for an unknown one', async () => {
      await world.h.put({
        process_definition_name: 'slow',
        task_definitions: [shellTask('nap', 'sleep 30')],
      });
      const run = await world.h.startRun('slow');
      const res = await retry(run.process_id);
      expect(res.status).toBe(400);
      expect(res.body.message).toMatch(/is still running/);
      expect((await world.h.request('POST', `/api/processes/${run.process_id}/kill`)).status).toBe(204);
      expect((await world.h.waitForEnd(run.process_id)).status).toBe('failed');
      const unknown = await retry('00000000-0000-4000-8000-000000000000');
      expect(unknown.status).toBe(404);
      expect(unknown.body.message).toContain('not found');
    });
  });
});
