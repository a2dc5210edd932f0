import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Harness, shellTask } from '../../helpers/harness.js';

const LEASE_MS = 2000; // the engine adopts untracked attempts after the lease and 2 s

describe('an attempt recorded but never handed to an executor', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await Harness.start({ leaseTtlMs: LEASE_MS });
  });
  afterAll(async () => h?.close());

  it('is adopted by the leader mid-term and runs once, and its dependents follow', async () => {
    await h.put({
      process_definition_name: 'answer-lost',
      task_definitions: [
        shellTask('extract', 'echo "run by the adopting leader"'),
        shellTask('load', 'true', { dependencies: [{ task_definition_name: 'extract' }] }),
      ],
    });
    const first = await h.triggerAndWait('answer-lost');
    expect(first.status).toBe('succeeded');

    // The state a lost COMMIT answer leaves: the run and its first attempt recorded by this
    // leader (as the copied runner says), which the engine never learned of, so never launched.
    const id = randomUUID();
    await h.sundial.db.transaction(async (tx) => {
      await tx.query(
        `insert into processes (id, definition_name, status, started_at, task_definitions, started_by)
         select $1, definition_name, 'running', now(), task_definitions, 'manual' from processes where id = $2`,
        [id, first.process_id],
      );
      await tx.query(
        `insert into tasks (id, process_id, definition_name, task_definition_name, attempt, status, executor,
           executable, started_at, runner_id)
         select $1, $2, definition_name, task_definition_name, 0, 'submitted', executor, executable, now(), runner_id
         from tasks where process_id = $3 and task_definition_name = 'extract'`,
        [randomUUID(), id, first.process_id],
      );
    });
    h.sundial.scheduler.wake(`process:${id}`);

    const run = await h.waitForEnd(id, 30_000);
    expect(run.status).toBe('succeeded');
    const extract = run.task.filter((t) => t.task_definition_name === 'extract');
    expect(extract.map((t) => t.status)).toEqual(['succeeded']); // the recorded attempt, not a second one
    expect(extract[0]!.log_entries.map((l) => l.message)).toContain('run by the adopting leader');
    expect(run.task.find((t) => t.task_definition_name === 'load')?.status).toBe('succeeded');
  });
});
