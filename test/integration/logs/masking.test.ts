import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Harness, latestTasks, shellTask } from '../../helpers/harness.js';
import { allLines } from './helpers.js';

let h: Harness;
beforeAll(async () => {
  process.env.SUNDIAL_TEST_UPSTREAM_TOKEN = 'inherited-token-value';
  h = await Harness.start({ liveLogs: { maskPatterns: ['AKIA[0-9A-Z]{16}'] } });
});
afterAll(async () => {
  delete process.env.SUNDIAL_TEST_UPSTREAM_TOKEN;
  await h.close();
});

describe('secrets in logs', () => {
  it('masks secret environment values and configured patterns in every stored line', async () => {
    const script = [
      'echo "connecting with $DB_PASSWORD to db"',
      'echo "the region is $REGION"',
      'echo "key AKIAABCDEFGHIJKLMNOP leaked" >&2',
      'echo "token from the server: $SUNDIAL_TEST_UPSTREAM_TOKEN"',
    ].join('\n');
    await h.put({
      process_definition_name: 'masking',
      task_definitions: [
        shellTask('leaky', script, {
          executable: {
            shell_script_command: {
              script,
              environment_variables: [
                { variable_name: 'DB_PASSWORD', value: 's3cr3t-pa55' },
                { variable_name: 'REGION', value: 'eu-west-1' },
              ],
            },
          },
        }),
      ],
    });
    const run = await h.triggerAndWait('masking');
    const task = latestTasks(run).get('leaky')!;
    const messages = (await allLines(h.url, `/api/tasks/${task.task_id}/logs`)).map((l) => l.message);
    expect(messages).toContain('connecting with **** to db');
    expect(messages).toContain('the region is eu-west-1'); // not a secret name: left alone
    expect(messages).toContain('key **** leaked');
    expect(messages).toContain('token from the server: ****');
    expect(messages.join('\n')).not.toMatch(/s3cr3t-pa55|AKIAABCDEFGHIJKLMNOP|inherited-token-value/);
    // The wire log_entries are the same stored lines.
    expect(task.log_entries.map((e) => e.message)).toContain('connecting with **** to db');

    // Lines a job POSTs go through the same masking.
    const post = await h.request('POST', `/api/tasks/${task.task_id}/log_entries`, [
      {
        when: new Date().toISOString(),
        source: 'job',
        message: 'posted s3cr3t-pa55 and AKIAQQQQQQQQQQQQQQQQ',
      },
    ]);
    expect(post.status).toBe(204);
    const after = (await allLines(h.url, `/api/tasks/${task.task_id}/logs`)).map((l) => l.message);
    expect(after).toContain('posted **** and ****');
  });
});
