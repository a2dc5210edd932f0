import { randomUUID } from 'node:crypto';
import { userInfo } from 'node:os';
import { newApiToken } from '../api/auth/api-tokens.js';
import { checkTokenRequest, tokenToWire } from '../api/tokens-routes.js';
import type { Database, Queryable } from '../storage/database.js';
import { openDatabase } from '../storage/open-database.js';
import { insertAudit } from '../storage/stores/audit-store.js';
import {
  insertToken,
  listTokens as listTokenRows,
  revokeToken as revokeTokenRow,
} from '../storage/stores/tokens-store.js';
import { ApiError } from './http-client.js';

/** Where `sundial token` works: a server (`url`), else PostgreSQL (`databaseUrl`), else the embedded store. */
export type Where = { url?: string; dataDir: string; databaseUrl?: string };
/** A token as the API and the CLI show it; `token` itself only when just created. */
export type WireToken = ReturnType<typeof tokenToWire> & { token?: string };

export { checkTokenRequest };

/**
 * Creates a token straight in the database, with its audit entry.
 *
 * @example
 * const created = await createToken({ dataDir: '.sundial/data' }, { name: 'ci', role: 'admin' });
 * console.log(created.token);
 */
export function createToken(where: Where, wanted: ReturnType<typeof checkTokenRequest>): Promise<WireToken> {
  return inDatabase(where, (db) => createInDatabase(db, wanted));
}

/**
 * Every token in the database (never the tokens themselves).
 *
 * @example
 * for (const t of await listTokens({ dataDir: '.sundial/data' })) console.log(t.name);
 */
export function listTokens(where: Where): Promise<WireToken[]> {
  return inDatabase(where, async (db) => (await listTokenRows(db)).map(tokenToWire));
}

/**
 * Revokes an active token by id or name; false when there is none.
 *
 * @example
 * if (!(await revokeToken({ dataDir: '.sundial/data' }, 'ci'))) console.error('no such token');
 */
export function revokeToken(where: Where, idOrName: string): Promise<boolean> {
  // The revocation and its audit entry commit together, or neither does.
  return inDatabase(where, (db) =>
    db.transaction(async (tx) => {
      const revoked = await revokeTokenRow(tx, idOrName, new Date());
      if (revoked) await audit(tx, 'token revoke', { id: idOrName });
      return revoked;
    }),
  );
}

async function createInDatabase(
  db: Database,
  wanted: ReturnType<typeof checkTokenRequest>,
): Promise<WireToken> {
  const { token, hash, prefix } = newApiToken();
  const row = await db.transaction(async (tx) => {
    const inserted = await insertToken(tx, {
      id: randomUUID(),
      ...wanted,
      hash,
      prefix,
      createdBy: cliActor(),
    });
    if (!inserted) throw new ApiError(409, `an active token is already named '${wanted.name}'`);
    await audit(tx, 'token create', { name: wanted.name, role: wanted.role });
    return inserted;
  });
  return { ...tokenToWire(row), token };
}

const cliActor = () => `cli:${userInfo().username}`;

function audit(db: Queryable, action: string, target: Record<string, unknown>) {
  return insertAudit(db, {
    actor: cliActor(),
    role: null,
    action,
    target,
    status: null,
    remote_address: 'local',
  });
}

async function inDatabase<T>(o: Where, fn: (db: Database) => Promise<T>): Promise<T> {
  const db = await openDatabase(o.databaseUrl ? { databaseUrl: o.databaseUrl } : { dataDir: o.dataDir });
  try {
    return await fn(db);
  } finally {
    await db.close();
  }
}
