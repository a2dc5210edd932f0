import { setTimeout as sleep } from 'node:timers/promises';
import type { Database } from './database.js';
import { fenceRefusal, fenceStatement } from './stores/leases-store.js';
import { isTransientConnectionError } from './transient-errors.js';

/** First pause before a write that lost its connection is tried again; it doubles up to the cap. */
const RETRY_FIRST_MS = 50;
const RETRY_CAP_MS = 1000;

/**
 * One replica's time as leader: the lease it holds and the epoch it got.
 * `revoked` is set the moment the replica knows the term is over; from then
 * on its writes fail without asking the database.
 *
 * @example
 * const term: LeaseTerm = { lease: 'scheduler', holder: replicaId, epoch: 7, revoked: false };
 */
export interface LeaseTerm {
  readonly lease: string;
  readonly holder: string;
  readonly epoch: number;
  revoked: boolean;
}

/**
 * A write of a leader whose term is over. `lost`: another replica holds the
 * lease now (or the term was revoked here); `expired`: nobody took over yet,
 * but the lease ran out, so the write may not happen until it is renewed.
 */
export class FencedWriteError extends Error {
  constructor(
    readonly why: 'lost' | 'expired',
    readonly term: LeaseTerm,
  ) {
    super(
      why === 'lost'
        ? `write refused: this replica is no longer the leader (epoch ${term.epoch} is over)`
        : `write refused: the leader lease of epoch ${term.epoch} has expired and is not renewed yet`,
    );
    this.name = 'FencedWriteError';
  }
}

/**
 * The database as a leader's engine must use it: every statement that
 * writes runs in a transaction whose first statement locks the lease row and
 * checks that this term still holds it (`sundial_fence`, which raises
 * otherwise), so a deposed leader's write fails instead of landing beside
 * the new leader's, and a takeover waits for a write under way. BEGIN, the
 * fence, the write and COMMIT are sent together: one round trip. Plain
 * `select`s are read as they are. Only PostgreSQL needs this: PGlite is one
 * process, one replica.
 *
 * A write whose connection breaks (a database restart, a failover,
 * `pg_terminate_backend`) is tried again on a fresh one, with backoff, for
 * as long as the term lasts: each try checks the lease again, and once the
 * term is over the write fails as fenced. A job's 'starting' record thus
 * survives an outage instead of failing the attempt. The engine's writes
 * are conditional (an attempt is inserted once, a result lands on an active
 * task only), so a write that did commit before its connection broke and
 * is tried again changes nothing.
 *
 * @example
 * const db = fencedDatabase(pool, term, (err) => scheduler.fenced(err));
 * await insertTasks(db, …); // throws FencedWriteError once term is over
 */
export function fencedDatabase(
  db: Database,
  term: LeaseTerm,
  onFenced: (err: FencedWriteError) => void,
  onRetry?: (err: Error) => void,
): Database {
  if (!db.sharedByReplicas) return db;
  const fence = fenceStatement(term.lease, term.holder, term.epoch);
  const guarded = async <T>(write: () => Promise<T>): Promise<T> => {
    for (let attempt = 0; ; attempt++) {
      if (term.revoked) throw new FencedWriteError('lost', term);
      try {
        return await write();
      } catch (err) {
        const why = fenceRefusal(err);
        if (why) {
          const fenced = new FencedWriteError(term.revoked ? 'lost' : why, term);
          onFenced(fenced);
          throw fenced;
        }
        if (!isTransientConnectionError(err)) throw err;
        onRetry?.(err as Error);
        const pause = Math.min(RETRY_CAP_MS, RETRY_FIRST_MS * 2 ** attempt);
        await sleep(pause / 2 + Math.random() * (pause / 2));
      }
    }
  };
  return {
    kind: db.kind,
    preparesStatements: db.preparesStatements,
    sharedByReplicas: db.sharedByReplicas,
    autovacuums: db.autovacuums,
    query: (sql, params) =>
      /^\s*select\b/i.test(sql)
        ? db.query(sql, params)
        : guarded(() => db.batch([fence, { sql, ...(params && { params }) }])),
    transaction: (fn, options) =>
      guarded(() =>
        db.transaction(
          async (tx) => {
            if (options?.first) await tx.query(options.first.sql, options.first.params);
            return fn(tx);
          },
          { first: fence },
        ),
      ),
    batch: (statements) => guarded(() => db.batch([fence, ...statements])),
    listen: (channel, onPayload, options) => db.listen(channel, onPayload, options),
    notify: (channel, payload) => db.notify(channel, payload),
    get connection() {
      return db.connection;
    },
    close: () => db.close(),
  };
}
