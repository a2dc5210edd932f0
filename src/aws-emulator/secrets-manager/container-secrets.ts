import { AwsError } from '../aws-error.js';
import type { EmulatorContext } from '../context.js';

/** A container's `secrets` entry: the variable and where its value lives (Batch and ECS alike). */
export interface SecretRef {
  name: string;
  valueFrom: string;
}

/** Secrets Manager `valueFrom`: the secret's ARN, optionally `:json-key:version-stage:version-id`. */
const SECRETS_MANAGER_ARN =
  /^(arn:[^:]+:secretsmanager:[^:]*:[^:]*:secret:[^:]+)(?::([^:]*):([^:]*):([^:]*))?$/;

function readOne(ctx: EmulatorContext, ref: SecretRef): string {
  const asm = SECRETS_MANAGER_ARN.exec(ref.valueFrom);
  if (asm) {
    const [, arn, jsonKey, stage, versionId] = asm;
    const store = ctx.secrets;
    const version = store.version(store.find(arn!), versionId || undefined, stage || undefined);
    const text = version.secretString ?? Buffer.from(version.secretBinary ?? '', 'base64').toString('utf8');
    if (!jsonKey) return text;
    const value = (JSON.parse(text) as Record<string, unknown>)[jsonKey];
    if (value === undefined)
      throw new AwsError('ResourceNotFoundException', `key ${jsonKey} not found in the secret`);
    return typeof value === 'string' ? value : JSON.stringify(value);
  }
  // Anything else is an SSM parameter, by ARN or (same region) by name; always decrypted.
  return ctx.parameters.find(ref.valueFrom).version.value;
}

/**
 * The values of a container's `secrets`, read the way the ECS agent does with the execution role,
 * or an error in the agent's words that stops the task before its container starts.
 *
 * @example
 * containerSecrets(ctx, [{ name: 'DB_PASSWORD', valueFrom: 'arn:aws:ssm:us-east-1:000000000000:parameter/prod/db' }])
 * // { DB_PASSWORD: '…' }
 */
export function containerSecrets(ctx: EmulatorContext, refs: readonly SecretRef[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const ref of refs) {
    try {
      out[ref.name] = readOne(ctx, ref);
    } catch (err) {
      const source = SECRETS_MANAGER_ARN.test(ref.valueFrom) ? 'secrets manager' : 'ssm';
      const cause = err instanceof AwsError ? `${err.code}: ${err.message}` : String(err);
      throw new Error(
        `ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: unable to retrieve secret from ${source}: failed to fetch secret ${ref.valueFrom}: ${cause}`,
      );
    }
  }
  return out;
}

/** ECS and Batch refuse secrets without an execution role: the agent reads them with it. */
export function requireExecutionRole(
  secrets: readonly unknown[] | undefined,
  executionRoleArn: string | undefined,
  code: string,
): void {
  if (secrets?.length && !executionRoleArn) {
    throw new AwsError(
      code,
      "When you are specifying container secrets, you must also specify a value for 'executionRoleArn'.",
    );
  }
}
