import { randomBytes } from 'node:crypto';
import type { Queryable } from '../database.js';

/**
 * A secret of the server (e.g. the key task tokens are signed with), made on
 * first use and shared by every replica: the first insert wins, everyone
 * reads the same row.
 *
 * @example
 * const key = await serverSecret(db, 'task-token-key');
 */
export async function serverSecret(db: Queryable, name: string): Promise<string> {
  await db.query('insert into server_secrets (name, value) values ($1, $2) on conflict (name) do nothing', [
    name,
    randomBytes(32).toString('base64url'),
  ]);
  const [row] = await db.query<{ value: string }>('select value from server_secrets where name = $1', [name]);
  return row!.value;
}
