import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Harness, shellTask, waitFor } from '../../helpers/harness.js';

interface AuditRow {
  action: string;
  target: { name?: string };
  status: number;
}

/** Makes every insert into `table` fail, as a full disk or a lost connection would, until undone. */
async function refuseInserts(h: Harness, table: string): Promise<() => Promise<void>> {
  await h.sundial.db.query(
    `create or replace function sundial_test_refuse() returns trigger language plpgsql as $$
     begin raise exception 'refused by the test'; end $$`,
  );
  await h.sundial.db.query(
    `create trigger sundial_test_refuse before insert or update or delete on ${table}
     for each row execute function sundial_test_refuse()`,
  );
  return async () => {
    await h.sundial.db.query(`drop trigger sundial_test_refuse on ${table}`);
  };
}

describe('the audit entry and its action commit together', () => {
  let h: Harness;
  const definition = (name: string) => ({
    process_definition_name: name,
    task_definitions: [shellTask('a', 'true')],
  });
  const entries = async (name: string) =>
    (await h.request<AuditRow[]>('GET', '/api/audit?limit=1000')).body.filter((e) => e.target.name === name);
  const recorded = (name: string) =>
    waitFor(async () => {
      const found = await entries(name);
      return found.length > 0 ? found : undefined;
    });

  beforeAll(async () => {
    h = await Harness.start({ loadSample: false });
  });
  afterAll(() => h.close());

  it('a committed write has exactly one entry, with its status', async () => {
    await h.put(definition('kept'));
    expect(await entries('kept')).toEqual([
      expect.objectContaining({ action: 'PUT /api/process_definitions/:name', status: 200 }),
    ]);
  });

  it('no action without its entry: when the entry cannot be written, the action is rolled back', async () => {
    await h.put(definition('paused-not'));
    const undo = await refuseInserts(h, 'audit_log');
    try {
      expect((await h.request('PUT', '/api/process_definitions/never', definition('never'))).status).toBe(
        500,
      );
      expect((await h.request('POST', '/api/process_definitions/paused-not/pause')).status).toBe(500);
      expect((await h.request('DELETE', '/api/process_definitions/paused-not')).status).toBe(500);
    } finally {
      await undo();
    }
    expect((await h.request('GET', '/api/process_definitions/never')).status).toBe(404);
    const kept = await h.request<{ paused?: boolean }>('GET', '/api/process_definitions/paused-not');
    expect(kept.status).toBe(200);
    expect(kept.body.paused ?? false).toBe(false);
  });

  it('no entry for a rolled-back action: a failed write is recorded only with the error it answered', async () => {
    const undo = await refuseInserts(h, 'process_definitions');
    try {
      expect((await h.request('PUT', '/api/process_definitions/failed', definition('failed'))).status).toBe(
        500,
      );
    } finally {
      await undo();
    }
    expect((await h.request('GET', '/api/process_definitions/failed')).status).toBe(404);
    // Refusals and failures are recorded once the answer is out: wait for the entry.
    expect((await recorded('failed')).map((e) => e.status)).toEqual([500]);
    // Refused before anything was written: one entry, with the refusal.
    expect((await h.request('POST', '/api/process_definitions/absent/pause')).status).toBe(404);
    expect((await recorded('absent')).map((e) => e.status)).toEqual([404]);
  });
});
