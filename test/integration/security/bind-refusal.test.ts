import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { startSundial } from '../../../src/app.js';
import { backend, freshDatabase } from '../../helpers/test-database.js';
import '../../helpers/server-modules.js';
import { bearer, makeToken } from './auth-helpers.js';

const run = promisify(execFile);
const main = join(import.meta.dirname, '../../../src/cli/main.ts');
const quiet = pino({ level: 'silent' });

describe('safe defaults: no unauthenticated API beyond this machine', () => {
  // Once per suite, on PostgreSQL: a spawned server cannot use the suite's embedded-store template.
  it.skipIf(backend !== 'postgres')(
    '`sundial server --host 0.0.0.0` without auth refuses to start, saying how to enable it',
    async () => {
      const db = await freshDatabase();
      const args = [
        '--import',
        'tsx',
        main,
        'server',
        '--host',
        '0.0.0.0',
        '--port',
        '0',
        '--database-url',
        db.options.databaseUrl!,
      ];
      const failed = await run(process.execPath, args, {
        env: { ...process.env, SUNDIAL_AUTH: '' },
        timeout: 60_000,
      }).catch((e: { code: number; stderr: string }) => e);
      await db.drop();
      expect('code' in failed && failed.code).toBe(1);
      expect((failed as { stderr: string }).stderr).toMatch(
        /refusing to listen on 0\.0\.0\.0 without authentication.*sundial token create --role admin.*--auth \(or SUNDIAL_AUTH=on\)/s,
      );
    },
    120_000,
  );

  it.each(['0.0.0.0', '::', '10.1.2.3'])('auth off on %s is refused even when asked for', async (host) => {
    await expect(
      startSundial({ host, port: 0, dataDir: 'memory://', auth: 'off', aws: false, logger: quiet }),
    ).rejects.toThrow(/refusing to listen on .* without authentication/);
  });

  it('with auth on it listens on every address, and a request without a token is a 401', async () => {
    const db = await freshDatabase();
    const sundial = await startSundial({
      ...db.options,
      host: '0.0.0.0',
      port: 0,
      auth: 'on',
      aws: false,
      logger: quiet,
    });
    try {
      const anonymous = await fetch(`${sundial.url}/api/processes`);
      expect(anonymous.status).toBe(401);
      const probe = await fetch(`${sundial.url}/_internal_/healthcheck`);
      expect(probe.status).toBe(200);
      const viewer = await makeToken(sundial.db, 'viewer');
      expect((await fetch(`${sundial.url}/api/processes`, { headers: bearer(viewer) })).status).toBe(200);
    } finally {
      await sundial.close();
      await db.drop();
    }
  });

  it('auth turns on by itself when a token exists (auto), so a stored token is never ignored', async () => {
    const db = await freshDatabase();
    const first = await startSundial({ ...db.options, port: 0, aws: false, logger: quiet });
    await makeToken(first.db, 'admin');
    await first.close();
    if (db.options.dataDir === 'memory://') return db.drop(); // an in-memory store does not survive the restart
    const second = await startSundial({ ...db.options, host: '0.0.0.0', port: 0, aws: false, logger: quiet });
    try {
      expect((await fetch(`${second.url}/api/processes`)).status).toBe(401);
    } finally {
      await second.close();
      await db.drop();
    }
  });
});
