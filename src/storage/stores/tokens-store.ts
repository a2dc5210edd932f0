import type { Role } from '../../domain/roles.js';
import type { Queryable } from '../database.js';

/** An API token as stored: never the token itself, only its SHA-256. */
export interface TokenRow {
  id: string;
  name: string;
  role: Role;
  prefix: string;
  created_at: Date;
  created_by: string;
  revoked_at: Date | null;
}

/**
 * Stores a new token; false when an active token already has this name.
 *
 * @example
 * await insertToken(db, { id, name: 'ci', role: 'operator', hash, prefix: 'sda_AbCd', createdBy: 'cli' });
 */
export async function insertToken(
  db: Queryable,
  t: { id: string; name: string; role: Role; hash: string; prefix: string; createdBy: string },
): Promise<TokenRow | undefined> {
  const [row] = await db.query<TokenRow>(
    `insert into api_tokens (id, name, role, token_hash, prefix, created_by) values ($1, $2, $3, $4, $5, $6)
     on conflict do nothing
     returning id, name, role, prefix, created_at, created_by, revoked_at`,
    [t.id, t.name, t.role, t.hash, t.prefix, t.createdBy],
  );
  return row;
}

/** The active token with this hash. */
export async function tokenByHash(db: Queryable, hash: string): Promise<TokenRow | undefined> {
  const [row] = await db.query<TokenRow>(
    `select id, name, role, prefix, created_at, created_by, revoked_at
     from api_tokens where token_hash = $1 and revoked_at is null`,
    [hash],
  );
  return row;
}

/** The active token with this id (a browser session names its token by id). */
export async function tokenById(db: Queryable, id: string): Promise<TokenRow | undefined> {
  const [row] = await db.query<TokenRow>(
    `select id, name, role, prefix, created_at, created_by, revoked_at
     from api_tokens where id = $1 and revoked_at is null`,
    [id],
  );
  return row;
}

export async function listTokens(db: Queryable): Promise<TokenRow[]> {
  return db.query<TokenRow>(
    `select id, name, role, prefix, created_at, created_by, revoked_at from api_tokens
     order by revoked_at is not null, created_at`,
  );
}

/** Revokes the active token with this id or name; false when there is none. */
export async function revokeToken(db: Queryable, idOrName: string, now: Date): Promise<boolean> {
  const rows = await db.query(
    `update api_tokens set revoked_at = $2
     where revoked_at is null and (name = $1 or id::text = $1) returning id`,
    [idOrName, now],
  );
  return rows.length > 0;
}

export async function activeTokenCount(db: Queryable): Promise<number> {
  const [row] = await db.query<{ n: number }>(
    'select count(*)::int as n from api_tokens where revoked_at is null',
  );
  return row?.n ?? 0;
}
