import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Harness, shellTask } from '../../helpers/harness.js';
import { makeToken } from './auth-helpers.js';

// The job reports its own success with the token it was given, as a real job would.
const REPORT = `node -e '
  const { SUNDIAL_URL, SUNDIAL_TASK_ID, SUNDIAL_TASK_TOKEN } = process.env;
  fetch(SUNDIAL_URL + "/api/tasks/" + SUNDIAL_TASK_ID + "/succeed", {
    method: "POST", headers: { authorization: "Bearer " + SUNDIAL_TASK_TOKEN },
  }).then((r) => process.exit(r.status === 204 ? 0 : 1));'`;

describe('task tokens: a job reports on its own task with SUNDIAL_TASK_TOKEN while auth is on', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await Harness.start({ aws: false, auth: 'on' });
    h.token = await makeToken(h.sundial.db, 'admin');
  });
  afterAll(async () => h?.close());

  it('an explicit-success job succeeds through its task token, and the token never shows in its log', async () => {
    await h.put({
      process_definition_name: 'reporter',
      task_definitions: [
        shellTask('report', `echo "my token is $SUNDIAL_TASK_TOKEN"; ${REPORT}`, {
          require_explicit_success: true,
        }),
      ],
    });
    const run = await h.triggerAndWait('reporter');
    expect(run.status).toBe('succeeded');
    const lines = run.task[0]!.log_entries.map((l) => l.message).join('\n');
    expect(lines).toMatch(/my token is \*\*\*\*/);
    expect(lines).not.toMatch(/sdt_/);
  });

  it('without auth the job calls back with no token at all, as before', async () => {
    const open = await Harness.start({ aws: false });
    try {
      await open.put({
        process_definition_name: 'plain',
        task_definitions: [
          shellTask(
            'report',
            `curl -fsS -X POST "$SUNDIAL_URL/api/tasks/$SUNDIAL_TASK_ID/succeed" || ${REPORT.replace('authorization: "Bearer " + SUNDIAL_TASK_TOKEN', '')}`,
            {
              require_explicit_success: true,
            },
          ),
        ],
      });
      expect((await open.triggerAndWait('plain')).status).toBe('succeeded');
    } finally {
      await open.close();
    }
  });
});
