import type { Database, Queryable, Statement } from '../database.js';

/**
 * A lease in PostgreSQL: whoever holds the row `name` until `expires_at` is
 * the leader. The epoch grows on every change of holder, so a deposed
 * leader's writes can be fenced by it.
 *
 * The holder's renewal is a plain `update` of `expires_at` (a "no key"
 * update), which does not wait for the `for key share` lock every fenced
 * write holds on the row: a busy leader's writes overlap without pause, and
 * a renewal that had to wait for all of them could be held past the lease
 * (it was, by a fan-out of shell tasks: 5 s and more). A change of holder
 * first locks the row `for update`, which does wait for every write in
 * flight, so no write of the old term lands after the new one began.
 *
 * @example
 * const epoch = await tryAcquireLease(db, 'scheduler', replicaId, 15_000);
 * if (epoch !== undefined) runAsLeader(epoch);
 */
export async function tryAcquireLease(
  db: Database,
  name: string,
  holder: string,
  ttlMs: number,
): Promise<number | undefined> {
  const [renewed] = await db.query<{ epoch: number }>(
    `update leases set expires_at = now() + make_interval(secs => $3)
     where name = $1 and holder = $2
     returning epoch`,
    [name, holder, ttlMs / 1000],
  );
  if (renewed) return Number(renewed.epoch);
  return db.transaction(async (tx) => {
    // Waits for the writes of the current term; read committed then sees the row as they left it.
    await tx.query('select 1 from leases where name = $1 for update', [name]);
    const [row] = await tx.query<{ epoch: number }>(
      `insert into leases (name, holder, epoch, expires_at)
       values ($1, $2, 1, now() + make_interval(secs => $3))
       on conflict (name) do update set
         epoch = case when leases.holder = excluded.holder then leases.epoch else leases.epoch + 1 end,
         holder = excluded.holder,
         expires_at = excluded.expires_at
       where leases.holder = excluded.holder or leases.expires_at < now()
       returning epoch`,
      [name, holder, ttlMs / 1000],
    );
    return row === undefined ? undefined : Number(row.epoch);
  });
}

/**
 * Gives the lease up at shutdown so another replica need not wait for it to
 * expire. The row stays, expired, so the next holder's epoch is still higher.
 */
export async function releaseLease(db: Queryable, name: string, holder: string): Promise<void> {
  await db.query(
    `update leases set expires_at = now() - interval '1 second' where name = $1 and holder = $2`,
    [name, holder],
  );
}

/**
 * The statement that fences a leader's write: sent first in the write's
 * transaction (with BEGIN and the write itself, in one round trip), it locks
 * the lease row `for key share` until that transaction ends, so a takeover
 * (`for update`) waits for the write while the holder's own renewal does not
 * (see {@link tryAcquireLease}), and it raises when `holder` no longer holds
 * the lease at `epoch` or the lease expired, so the write behind it never
 * runs (see migration 000006 and {@link fenceRefusal}).
 *
 * @example
 * await db.batch([fenceStatement('scheduler', me, 7), { sql: 'update tasks …', params }]);
 */
export function fenceStatement(name: string, holder: string, epoch: number): Statement {
  return { sql: 'select sundial_fence($1, $2, $3)', params: [name, holder, epoch] };
}

/**
 * Why the fence refused a write, from its error's SQLSTATE: `lost` (another
 * holder or epoch) or `expired` (nobody renewed the lease in time); undefined
 * for any other error.
 *
 * @example
 * try { await db.batch([fence, write]); } catch (e) { if (fenceRefusal(e) === 'lost') stopEngine(); }
 */
export function fenceRefusal(err: unknown): 'lost' | 'expired' | undefined {
  const code = (err as { code?: unknown } | undefined)?.code;
  return code === 'SF001' ? 'lost' : code === 'SF002' ? 'expired' : undefined;
}
