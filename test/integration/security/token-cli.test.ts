import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../../src/storage/open-database.js';
import { backend, freshDatabase } from '../../helpers/test-database.js';

const run = promisify(execFile);
const main = join(import.meta.dirname, '../../../src/cli/main.ts');

// The CLI writes to the database directly; once per suite is enough, on PostgreSQL (an embedded
// store on disk would spend most of the test in initdb).
describe.skipIf(backend !== 'postgres')('sundial token create | list | revoke', () => {
  let db: Awaited<ReturnType<typeof freshDatabase>>;
  beforeAll(async () => {
    db = await freshDatabase();
  });
  afterAll(async () => db?.drop());
  const cli = (...args: string[]) =>
    run(
      process.execPath,
      ['--import', 'tsx', main, 'token', ...args, '--database-url', db.options.databaseUrl!],
      {
        timeout: 60_000,
      },
    );

  it('creates a token shown once, stores only its hash, lists it without the token, revokes it', async () => {
    const created = await cli('create', '--role', 'operator', '--name', 'ci');
    const token = created.stdout.trim();
    expect(token).toMatch(/^sda_[A-Za-z0-9_-]{43}$/);
    expect(created.stderr).toMatch(/created operator token 'ci'/);

    const listed = (await cli('list')).stdout;
    expect(listed).toMatch(/operator\s+ci\s+\(active/);
    expect(listed).not.toContain(token);

    const bad = await cli('create', '--role', 'root', '--name', '<x>').catch((e: { stderr: string }) => e);
    expect(bad.stderr).toMatch(/name: may only contain.*role: must be one of viewer, operator, admin/s);

    await cli('revoke', 'ci');
    const store = await openDatabase(db.options);
    try {
      const rows = await store.query<{ token_hash: string; revoked_at: Date | null }>(
        'select token_hash, revoked_at from api_tokens',
      );
      expect(rows).toHaveLength(1);
      expect(rows[0]!.token_hash).toMatch(/^[0-9a-f]{64}$/);
      expect(rows[0]!.revoked_at).not.toBeNull();
      const audit = await store.query<{ action: string }>('select action from audit_log order by id');
      expect(audit.map((a) => a.action)).toEqual(['token create', 'token revoke']);
    } finally {
      await store.close();
    }
  }, 180_000);
});
