import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database, Queryable } from '../../../src/storage/database.js';
import { FencedWriteError, fencedDatabase, type LeaseTerm } from '../../../src/storage/fenced-database.js';
import { openDatabase } from '../../../src/storage/open-database.js';
import { releaseLease, tryAcquireLease } from '../../../src/storage/stores/leases-store.js';
import { isTransientConnectionError } from '../../../src/storage/transient-errors.js';
import { backend, freshDatabase } from '../../helpers/test-database.js';

// Fencing matters where several replicas share the database: PostgreSQL.
describe.skipIf(backend !== 'postgres')('writes fenced by the leader lease', () => {
  let fresh: Awaited<ReturnType<typeof freshDatabase>>;
  let db: Database;
  const refused: FencedWriteError[] = [];
  const write = (fenced: Database) =>
    fenced.query('insert into sundial_migrations (id) values (floor(random() * 1e9))');

  beforeAll(async () => {
    fresh = await freshDatabase();
    db = await openDatabase(fresh.options);
  });
  afterAll(async () => {
    await db?.close();
    await fresh?.drop();
  });

  const termOf = async (holder: string, ttlMs: number, lease = 'fence-test'): Promise<LeaseTerm> => {
    const epoch = await tryAcquireLease(db, lease, holder, ttlMs);
    if (epoch === undefined) throw new Error(`${holder} did not get the lease`);
    return { lease, holder, epoch, revoked: false };
  };

  it('lets the holder write, refuses it once the lease expired, and for good once another replica took over', async () => {
    const a = await termOf('a', 300);
    const fencedA = fencedDatabase(db, a, (e) => refused.push(e));
    await write(fencedA);
    await expect(fencedA.query('select 1 as one')).resolves.toEqual([{ one: 1 }]); // reads are not fenced
    await new Promise((r) => setTimeout(r, 400)); // let the lease run out (nobody renews it)
    await expect(write(fencedA)).rejects.toMatchObject({ name: 'FencedWriteError', why: 'expired' });
    const b = await termOf('b', 10_000);
    expect(b.epoch).toBe(a.epoch + 1);
    await expect(write(fencedA)).rejects.toMatchObject({ why: 'lost' });
    await expect(fencedA.transaction((tx) => write(tx as Database))).rejects.toBeInstanceOf(FencedWriteError);
    expect(refused.map((e) => e.why)).toEqual(['expired', 'lost', 'lost']);
    await write(fencedDatabase(db, b, (e) => refused.push(e)));
  });

  it('changes nothing with a refused write, in a batch or a transaction', async () => {
    await termOf('c', 100, 'fence-stale');
    await new Promise((r) => setTimeout(r, 150));
    const d = await termOf('d', 10_000, 'fence-stale'); // took over from c
    const stale: LeaseTerm = { ...d, holder: 'c', epoch: d.epoch - 1 }; // c's term, as c's engine has it
    const fenced = fencedDatabase(db, stale, () => {});
    const marker = Math.floor(Math.random() * 1e9);
    const insert = `insert into sundial_migrations (id) values (${marker})`;
    await expect(fenced.query(insert)).rejects.toMatchObject({ name: 'FencedWriteError', why: 'lost' });
    await expect(fenced.batch([{ sql: insert }])).rejects.toBeInstanceOf(FencedWriteError);
    let ran = false;
    const tx = fenced.transaction(async (t) => {
      ran = true;
      await t.query(insert);
    });
    await expect(tx).rejects.toBeInstanceOf(FencedWriteError);
    expect(ran).toBe(false);
    expect(await db.query('select id from sundial_migrations where id = $1', [marker])).toEqual([]);
    // The pooled connections are left with no transaction open: an unfenced write lands.
    await db.query(insert);
    expect(await db.query('select id from sundial_migrations where id = $1', [marker])).toHaveLength(1);
  });

  it('makes a takeover wait for a write under way, which lands first', async () => {
    const a = await termOf('e', 300, 'fence-takeover');
    const fenced = fencedDatabase(db, a, () => {});
    const order: string[] = [];
    const marker = Math.floor(Math.random() * 1e9);
    // Fenced while the lease is live; the write then outlasts the lease by far.
    const write = fenced
      .query('insert into sundial_migrations (id) select $1::int from pg_sleep(1)', [marker])
      .then(() => order.push('write'));
    await new Promise((r) => setTimeout(r, 500)); // the lease has run out; the write still sleeps
    const takeover = tryAcquireLease(db, 'fence-takeover', 'f', 10_000).then((epoch) => {
      order.push('takeover');
      return epoch;
    });
    expect(await takeover).toBe(a.epoch + 1);
    await write;
    expect(order).toEqual(['write', 'takeover']);
    expect(await db.query('select id from sundial_migrations where id = $1', [marker])).toHaveLength(1);
  });

  it('refuses every write of a revoked term without asking the database', async () => {
    const term = await termOf('b', 10_000); // b still holds the lease: this renews it
    const fenced = fencedDatabase(db, term, () => {});
    await write(fenced);
    term.revoked = true;
    await expect(write(fenced)).rejects.toMatchObject({ why: 'lost' });
  });

  /** Ends the transaction's connection from another one, as a database restart or failover would. */
  const terminateOwnBackend = async (tx: Queryable) => {
    const [{ pid }] = (await tx.query<{ pid: number }>('select pg_backend_pid() as pid')) as [
      { pid: number },
    ];
    const admin = new pg.Client({ connectionString: fresh.options.databaseUrl });
    await admin.connect();
    await admin.query('select pg_terminate_backend($1)', [pid]);
    await admin.end();
  };

  it('tries a write again on a fresh connection when its connection dies mid-transaction; it lands once', async () => {
    const term = await termOf('b', 10_000);
    const retried: Error[] = [];
    const fenced = fencedDatabase(
      db,
      term,
      () => {},
      (e) => retried.push(e),
    );
    const marker = Math.floor(Math.random() * 1e9);
    let tries = 0;
    await fenced.transaction(async (tx) => {
      tries += 1;
      if (tries === 1) await terminateOwnBackend(tx);
      await tx.query('insert into sundial_migrations (id) values ($1)', [marker]);
    });
    expect(tries).toBe(2);
    expect(retried).toHaveLength(1);
    expect(isTransientConnectionError(retried[0])).toBe(true);
    expect(await db.query('select id from sundial_migrations where id = $1', [marker])).toHaveLength(1);
  });

  it('stops trying once the term is over: the write fails as fenced', async () => {
    const term = await termOf('b', 10_000);
    const fenced = fencedDatabase(db, term, () => {});
    const attempt = fenced.transaction(async (tx) => {
      term.revoked = true; // deposed while the connection breaks
      await terminateOwnBackend(tx);
      await tx.query('select 1');
    });
    await expect(attempt).rejects.toMatchObject({ name: 'FencedWriteError', why: 'lost' });
  });
  /** Resolves once a backend waits for a row lock in a statement that starts with `sql`. */
  const waitingOnLock = async (sql: string) => {
    for (;;) {
      const rows = await db.query(
        `select 1 from pg_stat_activity where wait_event_type = 'Lock' and query like $1 || '%'`,
        [sql],
      );
      if (rows.length > 0) return;
      await new Promise((r) => setTimeout(r, 20));
    }
  };

  it('renews while a write holds the lease row; a takeover waits for that write to end', async () => {
    const term = await termOf('b', 10_000);
    const fenced = fencedDatabase(db, term, () => {});
    let entered!: () => void;
    const inside = new Promise<void>((r) => (entered = r));
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const writing = fenced.transaction(async (tx) => {
      await write(tx as Database);
      entered();
      await held;
    });
    await inside;
    // The write holds the lease row: a renewal that waited for it would never return here.
    await expect(tryAcquireLease(db, 'fence-test', 'b', 300)).resolves.toBe(term.epoch);
    await new Promise((r) => setTimeout(r, 400)); // b's lease runs out (its write is still open)
    let tookOver = false;
    const takeover = tryAcquireLease(db, 'fence-test', 'c', 10_000).then((epoch) => {
      tookOver = true;
      return epoch;
    });
    await waitingOnLock('select 1 from leases');
    expect(tookOver).toBe(false);
    release();
    await writing;
    await expect(takeover).resolves.toBe(term.epoch + 1);
    await releaseLease(db, 'fence-test', 'c');
  });
});
