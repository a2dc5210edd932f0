import pg from 'pg';
import type { ConnectionState, ListenOptions } from './database.js';

export interface PgListenerOptions {
  /** How often the connection is checked with `select 1` (a silent dead socket is noticed this late). */
  heartbeatMs?: number;
  /** First pause before reconnecting; it doubles up to `maxBackoffMs`, each with random jitter. */
  minBackoffMs?: number;
  maxBackoffMs?: number;
  /** Told when the connection is lost and when it is back (the app logs it). */
  onStateChange?: (state: ConnectionState, err?: Error) => void;
}

interface Subscriber {
  onPayload: (payload: string) => void;
  onGap: (() => void) | undefined;
}

/**
 * LISTEN on one dedicated connection, not one borrowed from the pool: a
 * pooled client has no error listener while checked out, so a terminated
 * backend would be an unhandled `error` event that ends the process. This
 * one handles errors, checks the connection with a heartbeat, reconnects
 * with exponential backoff and jitter, LISTENs on every channel again, and
 * then calls each subscriber's `onGap`: NOTIFYs sent while it was away are
 * lost for good, so subscribers re-read what they care about.
 *
 * @example
 * const listener = new PgListener({ connectionString }, { heartbeatMs: 10_000 });
 * const off = await listener.listen('wake', (p) => console.log(p), { onGap: () => rescan() });
 * listener.state; // { connected: true }
 * await listener.close();
 */
export class PgListener {
  private readonly channels = new Map<string, Set<Subscriber>>();
  private client: pg.Client | undefined;
  private connecting: Promise<void> | undefined;
  private heartbeat: NodeJS.Timeout | undefined;
  private backoff: NodeJS.Timeout | undefined;
  private connectedOnce = false;
  private closed = false;
  private current: ConnectionState = { connected: false, reason: 'not connected yet' };

  constructor(
    private readonly config: pg.ClientConfig,
    private readonly options: PgListenerOptions = {},
  ) {}

  get state(): ConnectionState {
    return this.current;
  }

  /** Subscribes; resolves once the first connection attempt is over (it goes on trying if that failed). */
  async listen(
    channel: string,
    onPayload: (payload: string) => void,
    opts: ListenOptions = {},
  ): Promise<() => Promise<void>> {
    const subscriber: Subscriber = { onPayload, onGap: opts.onGap };
    let set = this.channels.get(channel);
    if (!set) {
      set = new Set();
      this.channels.set(channel, set);
      // A connection being made LISTENs on every channel it finds when connected.
      if (this.client && !this.connecting)
        await this.client.query(`listen ${pg.escapeIdentifier(channel)}`).catch((err) => this.lost(err));
    }
    set.add(subscriber);
    if (!this.client && !this.connecting && !this.backoff) this.connectLoop();
    await this.connecting;
    return async () => {
      set.delete(subscriber);
    };
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.backoff);
    clearInterval(this.heartbeat);
    await this.connecting?.catch(() => {});
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => {});
  }

  /** Connects (again), retrying with backoff until it works or the listener closes. */
  private connectLoop(attempt = 0): void {
    this.connecting = this.connect().then(
      () => {
        this.connecting = undefined;
      },
      (err: Error) => {
        this.connecting = undefined;
        if (this.closed) return;
        this.setState({ connected: false, reason: `database unreachable: ${err.message}` }, err);
        const ceiling = Math.min(
          this.options.maxBackoffMs ?? 10_000,
          (this.options.minBackoffMs ?? 200) * 2 ** attempt,
        );
        // Full jitter: replicas that lost the database together do not all come back in step.
        this.backoff = setTimeout(
          () => {
            this.backoff = undefined;
            this.connectLoop(attempt + 1);
          },
          ceiling / 2 + Math.random() * (ceiling / 2),
        );
      },
    );
  }

  private async connect(): Promise<void> {
    const client = new pg.Client({ ...this.config, keepAlive: true });
    client.on('error', (err) => this.lost(err, client));
    client.on('end', () => this.lost(new Error('connection ended'), client));
    client.on('notification', (n) => {
      for (const s of this.channels.get(n.channel) ?? []) s.onPayload(n.payload ?? '');
    });
    try {
      await client.connect();
      for (const channel of this.channels.keys())
        await client.query(`listen ${pg.escapeIdentifier(channel)}`);
    } catch (err) {
      client.removeAllListeners('end');
      await client.end().catch(() => {});
      throw err;
    }
    if (this.closed) {
      await client.end().catch(() => {});
      return;
    }
    this.client = client;
    this.startHeartbeat(client);
    if (!this.connectedOnce) {
      this.connectedOnce = true;
      this.current = { connected: true }; // the first connection is no news
      return;
    }
    this.setState({ connected: true });
    for (const set of this.channels.values()) for (const s of set) s.onGap?.();
  }

  private startHeartbeat(client: pg.Client): void {
    const every = this.options.heartbeatMs ?? 10_000;
    clearInterval(this.heartbeat);
    this.heartbeat = setInterval(() => {
      client
        .query({ text: 'select 1', query_timeout: every } as pg.QueryConfig)
        .catch((err) => this.lost(err, client));
    }, every);
    this.heartbeat.unref();
  }

  /** The connection died (or the heartbeat got no answer): drop it and reconnect. */
  private lost(err: Error, client = this.client): void {
    if (this.closed || !client || client !== this.client) return;
    this.client = undefined;
    clearInterval(this.heartbeat);
    client.removeAllListeners('end');
    client.end().catch(() => {});
    this.setState({ connected: false, reason: `LISTEN connection lost: ${err.message}; reconnecting` }, err);
    this.connectLoop();
  }

  private setState(state: ConnectionState, err?: Error): void {
    const changed = state.connected !== this.current.connected;
    this.current = state;
    if (changed || err) this.options.onStateChange?.(state, err);
  }
}
