import type { Queryable } from '../database.js';

/**
 * A lease in PostgreSQL: whoever holds the row `name` until `expires_at` is
 * the leader. The epoch grows on every change of holder, so a deposed
 * leader's writes can be fenced by it.
 *
 * @example
 * const epoch = await tryAcquireLease(db, 'scheduler', replicaId, 15_000);
 * if (epoch !== undefined) runAsLeader(epoch);
 */
export async function tryAcquireLease(
  db: Queryable,
  name: string,
  holder: string,
  ttlMs: number,
): Promise<number | undefined> {
  const [row] = await db.query<{ epoch: number }>(
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
  return row?.epoch;
}

/** Gives the lease up at shutdown so another replica need not wait for it to expire. */
export async function releaseLease(db: Queryable, name: string, holder: string): Promise<void> {
  await db.query('delete from leases where name = $1 and holder = $2', [name, holder]);
}
