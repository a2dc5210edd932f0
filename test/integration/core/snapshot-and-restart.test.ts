import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dependsOn, Harness, latestTasks, shellTask, waitFor } from '../../helpers/harness.js';
import { backend, freshDatabase } from '../../helpers/test-database.js';

const waitForFile = (file: string) => `while [ ! -e ${file} ]; do sleep 0.05; done`;

describe('a run is a snapshot', () => {
  let h: Harness;
  let dir: string;
  beforeAll(async () => {
    h = await Harness.start();
    dir = mkdtempSync(join(tmpdir(), 'sundial-snapshot-'));
  });
  afterAll(async () => {
    await h?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('editing a definition during a run does not change the run', async () => {
    const release = join(dir, 'release');
    await h.put({
      process_definition_name: 'snapshot',
      task_definitions: [
        shellTask('first', waitForFile(release)),
        shellTask('second', 'echo version-1', { dependencies: dependsOn('first') }),
      ],
    });
    await h.trigger('snapshot');
    const run = await h.waitForRun('snapshot');
    await h.put({
      process_definition_name: 'snapshot',
      task_definitions: [
        shellTask('first', 'true'),
        shellTask('second', 'echo version-2', { dependencies: dependsOn('first') }),
        shellTask('third', 'true', { dependencies: dependsOn('second') }),
      ],
    });
    writeFileSync(release, '');
    const done = await h.waitForEnd(run.process_id);
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

    const next = await h.triggerAndWait('snapshot');
    expect([...latestTasks(next).keys()]).toEqual(['first', 'second', 'third']);
    expect(
      latestTasks(next)
        .get('second')!
        .log_entries.filter((l) => l.source === 'stdout')
        .map((l) => l.message),
    ).toEqual(['version-2']);
  });
});

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
      await waitFor(async () =>
        (await first.process(runId)).task[0]?.log_entries.length ? true : undefined,
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
