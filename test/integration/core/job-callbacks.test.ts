import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Harness, latestTasks, shellTask, type WireTask } from '../../helpers/harness.js';

/** A POST to the scheduler from inside a job, as a job author writes it. */
const callback = (action: string, json?: string) =>
  `curl -sSf -X POST -H 'content-type: application/json' ${json ? `-d '${json}'` : ''} "$SUNDIAL_URL/api/tasks/$SUNDIAL_TASK_ID/${action}"`;

const metadataOf = (t: WireTask) => Object.fromEntries(t.metadata_entries.map((m) => [m.key, m.value]));

describe('what jobs see and report', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await Harness.start();
  });
  afterAll(async () => h?.close());

  it('gives every job its ids, the attempt count, the callback URL and the definition variables', async () => {
    const script = [
      'echo "**metadata:url=$SUNDIAL_URL"',
      'echo "**metadata:task=$SUNDIAL_TASK_ID"',
      'echo "**metadata:process=$SUNDIAL_PROCESS_ID"',
      'echo "**metadata:previous=$SUNDIAL_TASK_PREVIOUS_ATTEMPTS"',
      'echo "**metadata:greeting=$GREETING"',
      '[ "$SUNDIAL_TASK_PREVIOUS_ATTEMPTS" -ge 1 ]', // the first attempt fails, the second succeeds
    ].join('\n');
    await h.put({
      process_definition_name: 'env',
      task_definitions: [
        {
          ...shellTask('show', script, { max_attempts: 2 }),
          executable: {
            shell_script_command: {
              script,
              environment_variables: [{ variable_name: 'GREETING', value: 'hello "world" $HOME' }],
            },
          },
        },
      ],
    });
    const run = await h.triggerAndWait('env');
    expect(run.status).toBe('succeeded');
    const [first, second] = [...run.task].sort((a, b) => a.previous_attempt_count - b.previous_attempt_count);
    for (const [task, previous] of [
      [first!, '0'],
      [second!, '1'],
    ] as const) {
      expect(metadataOf(task)).toEqual({
        url: h.url,
        task: task.task_id,
        process: run.process_id,
        previous,
        greeting: 'hello "world" $HOME',
      });
    }
    expect(first!.status).toBe('failed');
    expect(second!.status).toBe('succeeded');
  });

  it('fails a require_explicit_success task that exits 0 without reporting success, saying why', async () => {
    await h.put({
      process_definition_name: 'explicit-missing',
      task_definitions: [shellTask('quiet', 'echo done', { require_explicit_success: true })],
    });
    const run = await h.triggerAndWait('explicit-missing');
    expect(run.status).toBe('failed');
    expect(run.task[0]!.failure_reason).toMatch(/without reporting success.*require_explicit_success/);
  });

  it('accepts explicit success reported through POST /api/tasks/{id}/succeed from inside the job', async () => {
    await h.put({
      process_definition_name: 'explicit-api',
      task_definitions: [shellTask('caller', callback('succeed'), { require_explicit_success: true })],
    });
    const run = await h.triggerAndWait('explicit-api');
    expect(run.task[0]!.failure_reason).toBeUndefined();
    expect(run.status).toBe('succeeded');
  });

  it('accepts explicit success reported by a **status=success line', async () => {
    await h.put({
      process_definition_name: 'explicit-line',
      task_definitions: [
        shellTask('liner', 'echo working; echo "**status=success"', { require_explicit_success: true }),
      ],
    });
    const run = await h.triggerAndWait('explicit-line');
    expect(run.status).toBe('succeeded');
    // the protocol line is not a log line
    expect(run.task[0]!.log_entries.filter((l) => l.source === 'stdout').map((l) => l.message)).toEqual([
      'working',
    ]);
  });

  it('fails a job that exits 0 after reporting failure, by line or through the API', async () => {
    await h.put({
      process_definition_name: 'reported-failure',
      task_definitions: [
        shellTask('by-line', 'echo "**status=failure"'),
        shellTask('by-api', callback('fail')),
      ],
    });
    const run = await h.triggerAndWait('reported-failure');
    expect(run.status).toBe('failed');
    for (const t of latestTasks(run).values()) {
      expect(t.status).toBe('failed');
      expect(t.failure_reason).toBe('the job reported failure');
    }
  });

  it('stores metadata and log entries a job posts, next to its own output', async () => {
    const when = '2026-01-01T00:00:00.000Z';
    const script = [
      callback('metadata', `[{"when":"${when}","key":"model","value":"v7"}]`),
      callback('log_entries', `[{"when":"${when}","source":"my-job","message":"posted line"}]`),
      'echo printed line',
    ].join(' && ');
    await h.put({ process_definition_name: 'posts', task_definitions: [shellTask('poster', script)] });
    const run = await h.triggerAndWait('posts');
    expect(run.status).toBe('succeeded');
    const [task] = run.task;
    expect(metadataOf(task!)).toEqual({ model: 'v7' });
    expect(task!.log_entries.map((l) => [l.source, l.message])).toEqual(
      expect.arrayContaining([
        ['my-job', 'posted line'],
        ['stdout', 'printed line'],
      ]),
    );
  });

  it('stores on every task the exact executable it ran', async () => {
    const executable = {
      shell_script_command: { script: 'exit 1', environment_variables: [{ variable_name: 'A', value: '1' }] },
    };
    await h.put({
      process_definition_name: 'stored-executable',
      task_definitions: [{ ...shellTask('x', 'exit 1', { max_attempts: 2 }), executable }],
    });
    const run = await h.triggerAndWait('stored-executable');
    expect(run.task).toHaveLength(2);
    for (const t of run.task)
      expect((t as WireTask & { executable: unknown }).executable).toEqual(executable);
  });

  it('refuses a status report for a task that has finished', async () => {
    await h.put({ process_definition_name: 'late-report', task_definitions: [shellTask('x', 'true')] });
    const run = await h.triggerAndWait('late-report');
    const res = await h.request<{ message: string }>('POST', `/api/tasks/${run.task[0]!.task_id}/succeed`);
    expect(res.status).toBe(400);
    expect(res.body.message).toContain('already finished');
  });
});
