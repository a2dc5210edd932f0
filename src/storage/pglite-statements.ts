import { type PGlite, parse, protocol } from '@electric-sql/pglite';

/** Prepared statements kept at most; the least recently used one is closed past this. */
const MAX_PREPARED = 500;

interface Prepared {
  name: string;
  /** Parameter type OIDs, as the database inferred them: they pick each value's serialiser. */
  types: number[];
}

/**
 * PGlite's own `query` plans every statement again and makes six calls into
 * the database for each (parse, describe, bind, describe, execute, sync),
 * each with its own bookkeeping: on a noop chain that was most of the
 * scheduler's time per task. This runs a parameterised statement as a named
 * prepared statement (parsed and described once, then planned the way
 * PostgreSQL's plan cache does), and sends its bind, execute and sync as one
 * message. Results, errors and notifications are the same as `query`'s, and
 * it takes PGlite's own locks, so it mixes with PGlite's API.
 *
 * @example
 * const statements = new PgliteStatements(pglite);
 * const rows = await statements.query('select * from tasks where id = $1', [id]);
 * await pglite.transaction(() => statements.query(sql, params, { inTransaction: true }));
 */
export class PgliteStatements {
  /** By SQL text, least recently used first (a Map keeps insertion order). */
  private readonly prepared = new Map<string, Prepared>();
  private next = 0;

  constructor(private readonly db: PGlite) {}

  /**
   * Runs one statement. `inTransaction`: the caller holds PGlite's
   * transaction (inside `transaction`'s callback); otherwise this waits for
   * any transaction to end first, as `query` does.
   */
  query<R>(
    sql: string,
    params: readonly unknown[] = [],
    opts: { inTransaction?: boolean } = {},
  ): Promise<R[]> {
    const run = () => this.db.runExclusive(() => this.run<R>(sql, params, !opts.inTransaction));
    return opts.inTransaction ? run() : this.db._runExclusiveTransaction(run);
  }

  /** Runs `fn` in a PGlite transaction whose statements go through {@link query}. */
  async transaction<T>(
    fn: (query: <R>(sql: string, params?: readonly unknown[]) => Promise<R[]>) => Promise<T>,
  ) {
    return this.db.transaction(() => fn((sql, params) => this.query(sql, params, { inTransaction: true })));
  }

  private async run<R>(sql: string, params: readonly unknown[], sync: boolean): Promise<R[]> {
    const { serialize } = protocol;
    // Without parameters there is nothing to serialise, so nothing to describe first: the unnamed statement.
    const prepared = params.length > 0 ? await this.prepare(sql) : undefined;
    const first = prepared
      ? [
          serialize.bind({
            statement: prepared.name,
            values: params.map((v, i) => this.serialise(v, prepared.types[i]!)),
          }),
        ]
      : [serialize.parse({ text: sql }), serialize.bind({})];
    let results: Awaited<ReturnType<PGlite['execProtocolStream']>>;
    try {
      results = await this.db.execProtocolStream(
        concat([...first, serialize.describe({ type: 'P' }), serialize.execute({}), serialize.sync()]),
        { syncToFs: false },
      );
    } catch (err) {
      if (prepared) await this.forget(sql); // its plan may be what failed (a changed table): prepare it afresh
      throw Object.assign(err as Error, { query: sql, params }); // as PGlite's query reports it
    }
    if (sync) await this.db.syncToFs();
    return (parse.parseResults(results, this.db.parsers)[0]?.rows ?? []) as R[];
  }

  private async prepare(sql: string): Promise<Prepared> {
    const known = this.prepared.get(sql);
    if (known) {
      this.prepared.delete(sql); // to the most recently used end
      this.prepared.set(sql, known);
      return known;
    }
    const { serialize } = protocol;
    const name = `sundial_${this.next++}`;
    const described = await this.db.execProtocolStream(
      concat([
        serialize.parse({ name, text: sql }),
        serialize.describe({ type: 'S', name }),
        serialize.sync(),
      ]),
      { syncToFs: false },
    );
    const prepared = { name, types: parse.parseDescribeStatementResults(described) };
    this.prepared.set(sql, prepared);
    if (this.prepared.size > MAX_PREPARED) await this.forget(this.prepared.keys().next().value!);
    return prepared;
  }

  private async forget(sql: string): Promise<void> {
    const prepared = this.prepared.get(sql);
    if (!prepared) return;
    this.prepared.delete(sql);
    const { serialize } = protocol;
    await this.db.execProtocolStream(
      concat([serialize.close({ type: 'S', name: prepared.name }), serialize.sync()]),
      {
        syncToFs: false,
        throwOnError: false,
      },
    );
  }

  /** The text form PGlite's `query` would send. */
  private serialise(value: unknown, type: number): string | null {
    if (value === null || value === undefined) return null;
    const serialiser = this.db.serializers[type];
    return serialiser ? serialiser(value) : String(value);
  }
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
