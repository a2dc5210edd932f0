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
   * Parameterised statements are planned once per connection and then only run (PostgreSQL);
   * PGlite plans every statement again, so there one complex statement costs more than two simple ones.
   */
  readonly preparesStatements: boolean;
  /**
   * Other processes (replicas) may use this database, and NOTIFY reaches them; PGlite is embedded in
   * one process, so there is no one else to tell.
   */
  readonly sharedByReplicas: boolean;
  /** Runs `fn` in one transaction, committed when it resolves, rolled back when it throws. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  /** Subscribes to NOTIFY on a channel; resolves to an unsubscribe function. */
  listen(channel: string, onPayload: (payload: string) => void): Promise<() => Promise<void>>;
  notify(channel: string, payload: string): Promise<void>;
  close(): Promise<void>;
}
