import { readFile } from 'node:fs/promises';
import type { GetSecretValueCommandInput, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { GetParameterCommandInput, SSMClient } from '@aws-sdk/client-ssm';
import { parseSecretReference, type SecretReference } from '../../domain/secret-reference.js';
import type { EnvironmentVariable } from '../../domain/types.js';
import { type AwsClientSettings, defaultRegion } from '../aws/aws-options.js';
import { ClientPool, type PooledClient } from '../aws/client-pool.js';

/** A secret that could not be read: the attempt fails with this message, which names the variable and the reference. */
export class SecretUnavailable extends Error {
  constructor(variable: string, reference: string, cause: string) {
    super(`environment variable ${variable}: secret '${reference}' could not be read: ${cause}`);
    this.name = 'SecretUnavailable';
  }
}

type SecretsManagerModule = typeof import('@aws-sdk/client-secrets-manager');
type SsmModule = typeof import('@aws-sdk/client-ssm');
/** A service's SDK module, loaded on first use, and its clients. */
type Loaded<M, C extends PooledClient> = Promise<{ sdk: M; pool: ClientPool<C> }>;

/** `arn:aws:secretsmanager:eu-west-1:…` → `eu-west-1`: a secret is read in its own region. */
const arnRegion = (id: string) => (id.startsWith('arn:') ? id.split(':')[3] : undefined);

/**
 * Reads the values of secret references when a task is dispatched (shell tasks; Batch and ECS
 * read theirs themselves). The Secrets Manager and SSM clients are loaded on first use only, and
 * built with the AWS executors' settings (endpoint, credentials, retries).
 *
 * @example
 * const reader = new SecretReader({ endpoint: 'http://127.0.0.1:4566' });
 * await reader.resolve([{ variable_name: 'PW', secret: 'ssm:/prod/db' }]); // { PW: '…' }
 */
export class SecretReader {
  private secretsManager?: Loaded<SecretsManagerModule, SecretsManagerClient>;
  private ssm?: Loaded<SsmModule, SSMClient>;

  constructor(
    private readonly settings: AwsClientSettings = {},
    private readonly env: NodeJS.ProcessEnv = process.env,
  ) {}

  /** The values of the variables that reference a secret, by variable name; the first that fails throws. */
  async resolve(variables: readonly EnvironmentVariable[] | undefined): Promise<Record<string, string>> {
    const out: Record<string, string> = {};
    for (const v of variables ?? []) {
      if (v.secret === undefined) continue;
      const ref = parseSecretReference(v.secret);
      try {
        if (typeof ref === 'string') throw new Error(ref); // stored before the rules existed
        out[v.variable_name] = await this.read(ref);
      } catch (err) {
        throw new SecretUnavailable(v.variable_name, v.secret, describe(err));
      }
    }
    return out;
  }

  async close(): Promise<void> {
    for (const loaded of [this.secretsManager, this.ssm]) if (loaded) (await loaded).pool.destroy();
  }

  private async read(ref: SecretReference): Promise<string> {
    switch (ref.source) {
      case 'env': {
        const value = this.env[ref.id];
        if (value === undefined) throw new Error(`the server has no environment variable ${ref.id}`);
        return value;
      }
      case 'file':
        return (await readFile(ref.id, 'utf8')).replace(/\r?\n$/, '');
      case 'secretsmanager': {
        this.secretsManager ??= import('@aws-sdk/client-secrets-manager').then((sdk) => ({
          sdk,
          pool: new ClientPool((c) => new sdk.SecretsManagerClient(c), this.settings),
        }));
        const { sdk, pool } = await this.secretsManager;
        const client = pool.get(arnRegion(ref.id) ?? defaultRegion(this.settings));
        const out = await client.send(new sdk.GetSecretValueCommand(getSecretValueInput(ref.id)));
        if (out.SecretString !== undefined) return out.SecretString;
        if (out.SecretBinary) return Buffer.from(out.SecretBinary).toString('utf8');
        throw new Error('the secret has no value');
      }
      case 'ssm': {
        this.ssm ??= import('@aws-sdk/client-ssm').then((sdk) => ({
          sdk,
          pool: new ClientPool((c) => new sdk.SSMClient(c), this.settings),
        }));
        const { sdk, pool } = await this.ssm;
        const client = pool.get(arnRegion(ref.id) ?? defaultRegion(this.settings));
        const out = await client.send(new sdk.GetParameterCommand(getParameterInput(ref.id)));
        const value = out.Parameter?.Value;
        if (value === undefined) throw new Error('the parameter has no value');
        return value;
      }
    }
  }
}

/** The Secrets Manager read of a reference: the reader sends it, `sundial plan` prints it. */
export const getSecretValueInput = (secretId: string): GetSecretValueCommandInput => ({ SecretId: secretId });

/** The SSM read of a reference, decrypting a SecureString: the reader sends it, `sundial plan` prints it. */
export const getParameterInput = (name: string): GetParameterCommandInput => ({
  Name: name,
  WithDecryption: true,
});

/** AWS errors as `Code: message` (SSM's ParameterNotFound has no message of its own). */
function describe(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  if (err.name === 'ParameterNotFound') return 'ParameterNotFound: no such parameter';
  if (err.name && err.name !== 'Error') return `${err.name}: ${err.message}`;
  return err.message;
}
