import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Harness, shellTask, waitFor } from '../../helpers/harness.js';
import { backend, freshDatabase } from '../../helpers/test-database.js';

describe('a scheduler restart', () => {
  let shared: { options: { databaseUrl?: string; dataDir?: string }; drop(): Promise<void> };
  let dataDir: string;
  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'sundial-restart-'));
    shared =
      backend === 'pglite'
        ? { options: { dataDir: join(dataDir, 'pgdata') }, drop: async () => {} }
        : await freshDatabase();
  });
  afterAll(async () => {
    await shared?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('ends a shell task that was running during the restart failed, with a clear reason', async () => {
    const first = await Harness.start(shared.options);
    let runId: string;
    try {
      await first.put({
        process_definition_name: 'interrupted',
        task_definitions: [shellTask('long', 'echo started; sleep 60')],
      });
      await first.trigger('interrupted');
      runId = (await first.waitForRun('interrupted')).process_id;
      // The job's own line (the scheduler's "task started" comes first): the job is running now.
      await waitFor(async () =>
        (await first.process(runId)).task[0]?.log_entries.some((e) => e.message === 'started')
          ? true
          : undefined,
      );
    } finally {
      await first.close();
    }

    const second = await Harness.start(shared.options);
    try {
      const ended = await second.waitForEnd(runId);
      expect(ended.status).toBe('failed');
      const [task] = ended.task;
      expect(task!.status).toBe('failed');
      expect(task!.failure_reason).toBe('the scheduler stopped while this shell job was running');
      // the scheduler still works after the restart
      await second.put({
        process_definition_name: 'after-restart',
        task_definitions: [shellTask('ok', 'true')],
      });
      expect((await second.triggerAndWait('after-restart')).status).toBe('succeeded');
    } finally {
      await second.close();
    }
  });
});
