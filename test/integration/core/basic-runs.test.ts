import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dependsOn, Harness, latestTasks, shellTask } from '../../helpers/harness.js';

describe('basic runs', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await Harness.start();
  });
  afterAll(async () => h?.close());

  it('runs a single task to success with its stdout and stderr as tagged log entries', async () => {
    await h.put({
      process_definition_name: 'single-ok',
      task_definitions: [shellTask('only', 'echo out-line; echo err-line >&2; echo "**metadata:rows=42"')],
    });
    const run = await h.triggerAndWait('single-ok');
    expect(run.status).toBe('succeeded');
    const [task] = run.task;
    expect(task!.status).toBe('succeeded');
    expect(task!.log_entries.map((l) => [l.source, l.message])).toEqual(
      expect.arrayContaining([
        ['stdout', 'out-line'],
        ['stderr', 'err-line'],
      ]),
    );
    expect(task!.metadata_entries.map((m) => [m.key, m.value])).toEqual([['rows', '42']]);
  });

  it('stores a line holding a NUL byte (PostgreSQL text cannot) with U+FFFD in its place, and the rest of the output', async () => {
    await h.put({
      process_definition_name: 'nul-byte',
      task_definitions: [shellTask('only', "printf 'before\\0after\\n'; echo next")],
    });
    const run = await h.triggerAndWait('nul-byte');
    expect(run.status).toBe('succeeded');
    const stdout = run.task[0]!.log_entries.filter((l) => l.source === 'stdout').map((l) => l.message);
    expect(stdout).toEqual(['before\uFFFDafter', 'next']);
  });

  it('fails a task that exits non-zero and says why', async () => {
    await h.put({ process_definition_name: 'single-fail', task_definitions: [shellTask('only', 'exit 3')] });
    const run = await h.triggerAndWait('single-fail');
    expect(run.status).toBe('failed');
    expect(run.task[0]!.failure_reason).toContain('exited with code 3');
  });

  it('keeps every output line in order, and says when bash could not find a command', async () => {
    await h.put({
      process_definition_name: 'many-lines',
      task_definitions: [shellTask('counter', 'seq 1 300; no-such-command-here')],
    });
    const run = await h.triggerAndWait('many-lines');
    expect(run.status).toBe('failed');
    const [task] = run.task;
    const stdout = task!.log_entries.filter((l) => l.source === 'stdout').map((l) => l.message);
    expect(stdout).toEqual(Array.from({ length: 300 }, (_, i) => String(i + 1)));
    expect(task!.log_entries.filter((l) => l.source === 'stderr').map((l) => l.message)).toEqual([
      expect.stringContaining('no-such-command-here: command not found'),
    ]);
    expect(task!.failure_reason).toBe('the shell job exited with code 127');
  });

  it('says which signal ended a job that was killed from outside', async () => {
    await h.put({
      process_definition_name: 'signalled',
      task_definitions: [shellTask('victim', 'kill -KILL $$')],
    });
    const run = await h.triggerAndWait('signalled');
    expect(run.status).toBe('failed');
    expect(run.task[0]!.failure_reason).toBe('the shell job was terminated by SIGKILL');
  });

  it('runs a serial chain in order', async () => {
    await h.put({
      process_definition_name: 'chain',
      task_definitions: [
        shellTask('a', 'echo a'),
        shellTask('b', 'echo b', { dependencies: dependsOn('a') }),
        shellTask('c', 'echo c', { dependencies: dependsOn('b') }),
      ],
    });
    const run = await h.triggerAndWait('chain');
    expect(run.status).toBe('succeeded');
    const t = latestTasks(run);
    expect(Date.parse(t.get('b')!.start_time)).toBeGreaterThanOrEqual(Date.parse(t.get('a')!.end_time!));
    expect(Date.parse(t.get('c')!.start_time)).toBeGreaterThanOrEqual(Date.parse(t.get('b')!.end_time!));
  });
});
