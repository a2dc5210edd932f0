import { isThrottling } from './aws-errors.js';
import type { AwsCall, AwsClientSettings } from './aws-options.js';
import { type CallRate, DEFAULT_CALL_RATE, TokenBucket } from './token-bucket.js';

/** The configuration subset every SDK v3 client constructor accepts. */
export interface SdkClientConfig {
  region: string;
  endpoint?: string;
  credentials?: AwsClientSettings['credentials'];
  maxAttempts?: number;
  retryMode?: string;
}

type Handler = (args: never) => Promise<unknown>;
/** What the SDK tells a middleware about the call (`BatchClient`, `SubmitJobCommand`). */
interface CallContext {
  clientName?: string;
  commandName?: string;
}

/** What the pool needs of an SDK v3 client: its middleware stack, to put the token bucket and the call count in. */
export interface PooledClient {
  destroy(): void;
  middlewareStack: {
    add(
      middleware: (next: Handler, context: CallContext) => Handler,
      options: { step: 'initialize'; priority: 'high'; name: string },
    ): void;
    add(
      middleware: (next: Handler) => Handler,
      options: { step: 'finalizeRequest'; priority: 'low'; name: string },
    ): void;
  };
}

/**
 * SDK clients of one service, one per region and use, built on first need:
 * - `get(region)` retries throttling and transient failures with backoff (reads, idempotent calls);
 * - `once(region)` makes a single attempt: for create calls that have no idempotency token, where
 *   a blind retry after a lost response would create a second job. Their callers look before retrying.
 * Every client of a region shares one {@link TokenBucket}: each attempt (SDK retries included)
 * waits for a token, and a throttled answer pauses the service in that region for all callers.
 * Each call's end (after the retries) is told to the settings' `onCall`, for `/metrics`.
 *
 * @example
 * const batch = new ClientPool((c) => new BatchClient(c), { endpoint: emulator.url });
 * await batch.get('us-east-1').send(new DescribeJobsCommand({ jobs }));
 */
export class ClientPool<C extends PooledClient> {
  private readonly clients = new Map<string, C>();
  private readonly buckets = new Map<string, TokenBucket>();

  constructor(
    private readonly make: (config: SdkClientConfig) => C,
    private readonly settings: AwsClientSettings = {},
    private readonly rate: CallRate = DEFAULT_CALL_RATE,
  ) {}

  get(region: string): C {
    return this.client(region, false);
  }

  once(region: string): C {
    return this.client(region, true);
  }

  destroy(): void {
    for (const c of this.clients.values()) c.destroy();
    this.clients.clear();
  }

  private client(region: string, single: boolean): C {
    const key = `${region}|${single}`;
    let client = this.clients.get(key);
    if (!client) {
      client = this.make(this.config(region, single));
      this.throttle(client, region);
      this.count(client);
      this.clients.set(key, client);
    }
    return client;
  }

  /** Puts the region's bucket in front of each attempt: below the SDK's retry, above signing. */
  private throttle(client: C, region: string): void {
    let bucket = this.buckets.get(region);
    if (!bucket) {
      bucket = new TokenBucket(this.rate);
      this.buckets.set(region, bucket);
    }
    const shared = bucket;
    client.middlewareStack.add(
      (next) => async (args) => {
        await shared.take();
        try {
          const out = await next(args);
          shared.succeeded();
          return out;
        } catch (err) {
          if (isThrottling(err)) shared.throttled();
          throw err;
        }
      },
      { step: 'finalizeRequest', priority: 'low', name: 'sundialTokenBucket' },
    );
  }

  /** Tells `onCall` how each call ended: above the SDK's retries, so once per call. */
  private count(client: C): void {
    const onCall = this.settings.onCall;
    if (!onCall) return;
    client.middlewareStack.add(
      (next, context) => async (args) => {
        const call = {
          service: (context.clientName ?? 'unknown').replace(/Client$/, '').toLowerCase(),
          operation: (context.commandName ?? 'unknown').replace(/Command$/, ''),
        };
        try {
          const out = await next(args);
          onCall({ ...call, outcome: 'ok' });
          return out;
        } catch (err) {
          onCall({ ...call, outcome: isThrottling(err) ? 'throttled' : 'error' } satisfies AwsCall);
          throw err;
        }
      },
      { step: 'initialize', priority: 'high', name: 'sundialCallCount' },
    );
  }

  private config(region: string, single: boolean): SdkClientConfig {
    const { endpoint, credentials, maxAttempts, retryMode } = this.settings;
    const config: SdkClientConfig = { region };
    if (endpoint) config.endpoint = endpoint;
    if (credentials) config.credentials = credentials;
    // Explicit settings win; otherwise AWS_MAX_ATTEMPTS / AWS_RETRY_MODE; otherwise our defaults.
    if (single) config.maxAttempts = 1;
    else if (maxAttempts !== undefined) config.maxAttempts = maxAttempts;
    else if (!process.env.AWS_MAX_ATTEMPTS) config.maxAttempts = 6;
    // `standard`, not `adaptive`: the shared token bucket limits the rate for all clients of a
    // region, where adaptive mode would slow each client on its own after every throttle.
    if (retryMode) config.retryMode = retryMode;
    else if (!process.env.AWS_RETRY_MODE) config.retryMode = 'standard';
    return config;
  }
}
