import type { Database, Queryable } from '../database.js';

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

/** Who holds a lease as a fenced write sees it; `live` is false once it has expired. */
export interface LeaseHolder {
  holder: string;
  epoch: number;
  live: boolean;
}

/**
 * Reads the lease inside a write's transaction and keeps it from changing
 * hands until that transaction ends (`for key share`): a takeover (`for
 * update`) waits for the write, and every write after the takeover sees the
 * new holder; the holder's own renewal does not wait (see {@link tryAcquireLease}).
 *
 * @example
 * await db.transaction(async (tx) => {
 *   const lease = await lockLeaseForWrite(tx, 'scheduler');
 *   if (lease?.holder !== me || lease.epoch !== myEpoch || !lease.live) throw new Error('fenced');
 *   await tx.query('update tasks …');
 * });
 */
export async function lockLeaseForWrite(tx: Queryable, name: string): Promise<LeaseHolder | undefined> {
  // A writer frozen mid-transaction (SIGSTOP, a VM pause) would hold the lease row and block the
  // takeover: PostgreSQL ends its session once it idles 2 s inside the transaction, and its write with it.
  const [row] = await tx.query<LeaseHolder>(
    `select holder, epoch, expires_at > now() as live,
       set_config('idle_in_transaction_session_timeout', '2s', true) as idle_limit
     from leases where name = $1 for key share`,
    [name],
  );
  return row;
}
