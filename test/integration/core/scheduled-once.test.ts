import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../../src/storage/database.js';
import { openDatabase } from '../../../src/storage/open-database.js';
import { insertScheduledProcess } from '../../../src/storage/stores/processes-store.js';
import { shellTask } from '../../helpers/harness.js';
import { freshDatabase } from '../../helpers/test-database.js';

describe('one scheduled run per definition and due time', () => {
  let fresh: Awaited<ReturnType<typeof freshDatabase>>;
  let db: Database;
  beforeAll(async () => {
    fresh = await freshDatabase();
    db = await openDatabase(fresh.options);
  });
  afterAll(async () => {
    await db?.close();
    await fresh?.drop();
  });

  it('records the first run of a due time and refuses a second, whoever asks', async () => {
    const due = new Date('2030-01-01T00:00:00Z');
    const tasks = [shellTask('t', 'true')];
    const first = await insertScheduledProcess(db, 'nightly', tasks, due, new Date());
    expect(first).toMatchObject({ definition_name: 'nightly', started_by: 'schedule' });
    expect(await insertScheduledProcess(db, 'nightly', tasks, due, new Date())).toBeUndefined();
    // Another due time, or another definition, is another run.
    expect(
      await insertScheduledProcess(db, 'nightly', tasks, new Date('2030-01-02T00:00:00Z'), new Date()),
    ).toBeDefined();
    expect(await insertScheduledProcess(db, 'hourly', tasks, due, new Date())).toBeDefined();
  });
});
