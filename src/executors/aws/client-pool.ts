import type { AwsClientSettings } from './aws-options.js';

/** The configuration subset every SDK v3 client constructor accepts. */
export interface SdkClientConfig {
  region: string;
  endpoint?: string;
  credentials?: AwsClientSettings['credentials'];
  maxAttempts?: number;
  retryMode?: string;
}

/**
 * SDK clients of one service, one per region and use, built on first need:
 * - `get(region)` retries throttling and transient failures with backoff (reads, idempotent calls);
 * - `once(region)` makes a single attempt: for create calls that have no idempotency token, where
 *   a blind retry after a lost response would create a second job. Their callers look before retrying.
 *
 * @example
 * const batch = new ClientPool((c) => new BatchClient(c), { endpoint: emulator.url });
 * await batch.get('us-east-1').send(new DescribeJobsCommand({ jobs }));
 */
export class ClientPool<C extends { destroy(): void }> {
  private readonly clients = new Map<string, C>();

  constructor(
    private readonly make: (config: SdkClientConfig) => C,
    private readonly settings: AwsClientSettings = {},
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
      this.clients.set(key, client);
    }
    return client;
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
    if (retryMode) config.retryMode = retryMode;
    else if (!process.env.AWS_RETRY_MODE) config.retryMode = 'adaptive';
    return config;
  }
}
