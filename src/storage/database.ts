/** Something SQL can run on: the database itself or an open transaction. */
export interface Queryable {
  /**
   * Runs one statement with `$1…` parameters and returns its rows.
   *
   * @example
   * const rows = await db.query<{ n: number }>('select $1::int as n', [1]);
   */
  query<R = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<R[]>;
}

/**
 * One statement with its parameters, for {@link Database.batch} and a transaction's `first`.
 *
 * @example
 * const fence: Statement = { sql: 'select sundial_fence($1, $2, $3)', params: ['scheduler', me, 7] };
 */
export interface Statement {
  sql: string;
  params?: readonly unknown[];
}

/**
 * How a transaction starts.
 *
 * @example
 * await db.transaction(work, { first: fence }); // BEGIN and the fence in one round trip
 */
export interface TransactionOptions {
  /** Run before `fn`, sent with BEGIN (one round trip on PostgreSQL); if it fails, `fn` never runs. */
  first?: Statement;
}

/**
 * The small database port every store talks to; adapters exist for
 * PostgreSQL (`pg`) and embedded PGlite, and behave the same.
 *
 * @example
 * const db = await openDatabase({ databaseUrl: process.env.DATABASE_URL });
 * await db.transaction(async (tx) => { await tx.query('…'); });
 */
export interface Database extends Queryable {
  readonly kind: 'postgres' | 'pglite';
  /**
   * Parameterised statements are prepared once per connection and then only run (both adapters), so
   * one complex statement costs less than two simple ones.
   */
  readonly preparesStatements: boolean;
  /**
   * Other processes (replicas) may use this database, and NOTIFY reaches them; PGlite is embedded in
   * one process, so there is no one else to tell.
   */
  readonly sharedByReplicas: boolean;
  /**
   * The database reclaims the space of deleted rows by itself (PostgreSQL's autovacuum); PGlite runs
   * none, so whoever deletes many rows there vacuums afterwards.
   */
  readonly autovacuums: boolean;
  /** Runs `fn` in one transaction, committed when it resolves, rolled back when it throws. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>, options?: TransactionOptions): Promise<T>;
  /**
   * Runs the statements in order in one transaction and resolves to the last one's rows. On
   * PostgreSQL they are sent at once, BEGIN and COMMIT included: one round trip. The first that
   * fails rolls them all back, and its error is the batch's.
   *
   * @example
   * const rows = await db.batch([{ sql: 'select sundial_fence($1, $2, $3)', params }, { sql, params: p }]);
   */
  batch<R = Record<string, unknown>>(statements: readonly Statement[]): Promise<R[]>;
  /**
   * Subscribes to NOTIFY on a channel; resolves to an unsubscribe function.
   * NOTIFYs sent while the connection was down are lost: `onGap` is called
   * once it is back, so the subscriber can re-read what it cares about.
   */
  listen(
    channel: string,
    onPayload: (payload: string) => void,
    options?: ListenOptions,
  ): Promise<() => Promise<void>>;
  notify(channel: string, payload: string): Promise<void>;
  /** Whether the LISTEN connection is up now, and if not why (readiness). */
  readonly connection: ConnectionState;
  close(): Promise<void>;
}

/**
 * The database connection as readiness sees it.
 *
 * @example
 * const state: ConnectionState = { connected: false, reason: 'LISTEN connection lost: …; reconnecting' };
 */
export interface ConnectionState {
  connected: boolean;
  /** Why not, when not connected. */
  reason?: string;
}

/**
 * How a NOTIFY subscriber learns that it may have missed notifications.
 *
 * @example
 * await db.listen('sundial_wake', wake, { onGap: () => wake('tick') });
 */
export interface ListenOptions {
  /** Called after the connection was lost and is back: NOTIFYs sent meanwhile never arrive. */
  onGap?: () => void;
}
