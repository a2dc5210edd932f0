import { createHash } from 'node:crypto';
import { AwsError } from '../aws-error.js';

export type ParameterType = 'String' | 'StringList' | 'SecureString';

/** One version of a parameter (SSM keeps every version; GetParameter answers the latest). */
export interface ParameterVersion {
  version: number;
  value: string;
  type: ParameterType;
  modifiedMs: number;
}

export interface ParameterRecord {
  name: string;
  arn: string;
  versions: ParameterVersion[];
}

/**
 * The parameters of the emulated SSM Parameter Store, shared with Batch and ECS, which read them
 * for containers' `secrets` (`valueFrom`). Found by name (`/prod/db`), by ARN, and with a
 * `:version` selector, as SSM does.
 *
 * @example
 * const store = new ParameterStore('us-east-1', '000000000000');
 * store.put('/prod/db', 'hunter22', 'SecureString', false);
 * store.get('/prod/db').value; // 'hunter22'
 */
export class ParameterStore {
  readonly parameters = new Map<string, ParameterRecord>();

  constructor(
    private readonly region: string,
    private readonly accountId: string,
  ) {}

  /** `arn:aws:ssm:<region>:<account>:parameter/prod/db` for `/prod/db` and for `prod/db` alike. */
  arn(name: string): string {
    return `arn:aws:ssm:${this.region}:${this.accountId}:parameter${name.startsWith('/') ? '' : '/'}${name}`;
  }

  put(name: string, value: string, type: ParameterType | undefined, overwrite: boolean): ParameterVersion {
    const existing = this.parameters.get(name);
    if (existing && !overwrite) {
      throw new AwsError(
        'ParameterAlreadyExists',
        'The parameter already exists. To overwrite this value, set the overwrite option in the request to true.',
      );
    }
    const last = existing?.versions.at(-1);
    const kind = type ?? last?.type;
    if (!kind)
      throw new AwsError('ValidationException', 'A parameter type is required when you create a parameter.');
    const record = existing ?? { name, arn: this.arn(name), versions: [] };
    const version = { version: (last?.version ?? 0) + 1, value, type: kind, modifiedMs: Date.now() };
    record.versions.push(version);
    this.parameters.set(name, record);
    return version;
  }

  /** The parameter a `Name` (name or ARN, optionally `:version`) selects, or ParameterNotFound. */
  find(ref: string): { record: ParameterRecord; version: ParameterVersion } {
    const selector = /^(.*[^:]):(\d+)$/.exec(ref);
    const id = selector ? selector[1]! : ref;
    const arnName = /^arn:[^:]+:ssm:[^:]*:[^:]*:parameter(\/.*)$/.exec(id)?.[1];
    const candidates = arnName ? [arnName, arnName.slice(1)] : [id];
    const record = candidates.map((n) => this.parameters.get(n)).find((r) => r !== undefined);
    const version = selector
      ? record?.versions.find((v) => v.version === Number(selector[2]))
      : record?.versions.at(-1);
    if (!record || !version) throw new AwsError('ParameterNotFound', '');
    return { record, version };
  }

  delete(name: string): void {
    if (!this.parameters.delete(name)) throw new AwsError('ParameterNotFound', '');
  }
}

/** What GetParameter answers for a SecureString read without decryption: a blob, never the value. */
export function ciphertext(record: ParameterRecord, version: ParameterVersion): string {
  return Buffer.from(
    `emulated-kms:${createHash('sha256').update(`${record.arn}:${version.version}:${version.value}`).digest('hex')}`,
  ).toString('base64');
}
