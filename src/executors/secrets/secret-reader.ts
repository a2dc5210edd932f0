import { readFile } from 'node:fs/promises';
import type { GetSecretValueCommandInput } from '@aws-sdk/client-secrets-manager';
import type { GetParameterCommandInput } from '@aws-sdk/client-ssm';
import { parseSecretReference, type SecretReference } from '../../domain/secret-reference.js';
import type { EnvironmentVariable } from '../../domain/types.js';
import { type AwsClientSettings, defaultRegion } from '../aws/aws-options.js';
import { LazyClientPool } from '../aws/lazy-client-pool.js';

/** A secret that could not be read: the attempt fails with this message, which names the variable and the reference. */
export class SecretUnavailable extends Error {
  constructor(variable: string, reference: string, cause: string) {
    super(`environment variable ${variable}: secret '${reference}' could not be read: ${cause}`);
    this.name = 'SecretUnavailable';
  }
}

/** `arn:aws:secretsmanager:eu-west-1:…` → `eu-west-1`: a secret is read in its own region. */
const arnRegion = (id: string) => (id.startsWith('arn:') ? id.split(':')[3] : undefined);

const secretsManagerPool = (settings: AwsClientSettings) =>
  new LazyClientPool(
    () => import('@aws-sdk/client-secrets-manager'),
    (sdk, c) => new sdk.SecretsManagerClient(c),
    settings,
  );
const ssmPool = (settings: AwsClientSettings) =>
  new LazyClientPool(
    () => import('@aws-sdk/client-ssm'),
    (sdk, c) => new sdk.SSMClient(c),
    settings,
  );

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
  // Loaded at the first secret of their kind.
  private readonly secretsManager: ReturnType<typeof secretsManagerPool>;
  private readonly ssm: ReturnType<typeof ssmPool>;

  constructor(
    private readonly settings: AwsClientSettings = {},
    private readonly env: NodeJS.ProcessEnv = process.env,
  ) {
    this.secretsManager = secretsManagerPool(settings);
    this.ssm = ssmPool(settings);
  }

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
    this.secretsManager.destroy();
    this.ssm.destroy();
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
        const region = arnRegion(ref.id) ?? defaultRegion(this.settings);
        const out = await this.secretsManager.call(region, (client, sdk) =>
          client.send(new sdk.GetSecretValueCommand(getSecretValueInput(ref.id))),
        );
        if (out.SecretString !== undefined) return out.SecretString;
        if (out.SecretBinary) return Buffer.from(out.SecretBinary).toString('utf8');
        throw new Error('the secret has no value');
      }
      case 'ssm': {
        const region = arnRegion(ref.id) ?? defaultRegion(this.settings);
        const out = await this.ssm.call(region, (client, sdk) =>
          client.send(new sdk.GetParameterCommand(getParameterInput(ref.id))),
        );
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
