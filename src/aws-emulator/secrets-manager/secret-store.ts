import { randomBytes } from 'node:crypto';
import { AwsError } from '../aws-error.js';
import { uuid } from '../ids.js';

/** One version of a secret: its value and the staging labels on it (AWSCURRENT, AWSPREVIOUS…). */
export interface SecretVersion {
  id: string;
  secretString?: string;
  secretBinary?: string;
  stages: string[];
  createdMs: number;
}

export interface SecretRecord {
  name: string;
  arn: string;
  description?: string;
  createdMs: number;
  versions: SecretVersion[];
  /** Set once DeleteSecret ran: the secret is then unreadable (as during AWS's recovery window). */
  deletedMs?: number;
}

const SUFFIX_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** Secrets Manager appends six random characters to a secret's name in its ARN. */
function arnSuffix(): string {
  let out = '';
  for (const b of randomBytes(6)) out += SUFFIX_CHARS[b % SUFFIX_CHARS.length];
  return out;
}

/**
 * The secrets of the emulated Secrets Manager, shared with Batch and ECS, which read them for
 * containers' `secrets` (`valueFrom`). A secret is found as AWS finds it: by name, full ARN, or
 * partial ARN (without the random suffix).
 *
 * @example
 * const store = new SecretStore('us-east-1', '000000000000');
 * store.create('prod/db', { secretString: 'hunter22' });
 * store.current('prod/db').secretString; // 'hunter22'
 */
export class SecretStore {
  readonly secrets = new Map<string, SecretRecord>();

  constructor(
    private readonly region: string,
    private readonly accountId: string,
  ) {}

  create(
    name: string,
    value: { secretString?: string; secretBinary?: string; description?: string },
  ): SecretRecord {
    if (this.secrets.has(name)) {
      throw new AwsError(
        'ResourceExistsException',
        `The operation failed because the secret ${name} already exists.`,
      );
    }
    const now = Date.now();
    const record: SecretRecord = {
      name,
      arn: `arn:aws:secretsmanager:${this.region}:${this.accountId}:secret:${name}-${arnSuffix()}`,
      ...(value.description !== undefined && { description: value.description }),
      createdMs: now,
      versions: [],
    };
    this.secrets.set(name, record);
    if (value.secretString !== undefined || value.secretBinary !== undefined) this.addVersion(record, value);
    return record;
  }

  /** A new AWSCURRENT version; the one it replaces becomes AWSPREVIOUS. */
  addVersion(
    record: SecretRecord,
    value: { secretString?: string; secretBinary?: string },
    versionId = uuid(),
  ): SecretVersion {
    for (const v of record.versions) {
      v.stages = v.stages.filter((s) => s !== 'AWSPREVIOUS');
      if (v.stages.includes('AWSCURRENT'))
        v.stages = v.stages.map((s) => (s === 'AWSCURRENT' ? 'AWSPREVIOUS' : s));
    }
    const version: SecretVersion = { id: versionId, ...value, stages: ['AWSCURRENT'], createdMs: Date.now() };
    record.versions.push(version);
    return version;
  }

  /** The secret a `SecretId` names, readable (not deleted), or the error AWS answers. */
  find(secretId: string): SecretRecord {
    const record =
      this.secrets.get(secretId) ??
      [...this.secrets.values()].find(
        (s) => s.arn === secretId || s.arn.slice(0, -7) === secretId, // partial ARN: without "-XXXXXX"
      );
    if (!record)
      throw new AwsError('ResourceNotFoundException', "Secrets Manager can't find the specified secret.");
    if (record.deletedMs !== undefined) {
      throw new AwsError(
        'InvalidRequestException',
        "You can't perform this operation on the secret because it was marked for deletion.",
      );
    }
    return record;
  }

  /** The version with that id or staging label (default AWSCURRENT). */
  version(record: SecretRecord, versionId?: string, stage?: string): SecretVersion {
    const wantedStage = stage ?? (versionId ? undefined : 'AWSCURRENT');
    const found = record.versions.find(
      (v) => (!versionId || v.id === versionId) && (!wantedStage || v.stages.includes(wantedStage)),
    );
    if (!found) {
      throw new AwsError(
        'ResourceNotFoundException',
        versionId
          ? `Secrets Manager can't find the specified secret value for VersionId: ${versionId}`
          : `Secrets Manager can't find the specified secret value for staging label: ${wantedStage}`,
      );
    }
    return found;
  }

  current(secretId: string): SecretVersion {
    return this.version(this.find(secretId));
  }
}
