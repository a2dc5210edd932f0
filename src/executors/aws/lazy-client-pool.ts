import type { AwsClientSettings } from './aws-options.js';
import { ClientPool, type PooledClient, type SdkClientConfig } from './client-pool.js';
import type { CallRate } from './token-bucket.js';

/**
 * A {@link ClientPool} whose SDK package is imported at its first call. An SDK client package
 * costs a server several MiB of memory and tens of milliseconds of start-up, which a server that
 * never reads a secret or a CloudWatch stream should not pay.
 *
 * @example
 * const s3 = new LazyClientPool(() => import('@aws-sdk/client-s3'), (sdk, c) => new sdk.S3Client(c));
 * const out = await s3.call('us-east-1', (client, sdk) => client.send(new sdk.GetObjectCommand(input)));
 */
export class LazyClientPool<M, C extends PooledClient> {
  private loaded: Promise<{ sdk: M; pool: ClientPool<C> }> | undefined;
  private destroyed = false;

  constructor(
    private readonly load: () => Promise<M>,
    private readonly make: (sdk: M, config: SdkClientConfig) => C,
    private readonly settings?: AwsClientSettings,
    private readonly rate?: CallRate,
  ) {}

  /** Runs `fn` with the region's client (retrying one, see {@link ClientPool.get}) and the SDK module. */
  async call<T>(region: string, fn: (client: C, sdk: M) => Promise<T>): Promise<T> {
    this.loaded ??= this.load().then((sdk) => ({
      sdk,
      pool: new ClientPool((config) => this.make(sdk, config), this.settings, this.rate),
    }));
    const { sdk, pool } = await this.loaded;
    if (this.destroyed) throw new Error('the AWS clients are closed');
    return fn(pool.get(region), sdk);
  }

  destroy(): void {
    this.destroyed = true;
    // A load that failed has nothing to destroy (and must not become an unhandled rejection).
    void this.loaded?.then(
      ({ pool }) => pool.destroy(),
      () => {},
    );
  }
}
