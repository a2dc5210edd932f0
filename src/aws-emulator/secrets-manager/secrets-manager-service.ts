import type {
  CreateSecretRequest,
  DeleteSecretRequest,
  GetSecretValueRequest,
  PutSecretValueRequest,
} from '@aws-sdk/client-secrets-manager';
import { AwsError } from '../aws-error.js';
import { type EmulatorContext, type JsonService, typed } from '../context.js';
import { epochSeconds } from '../ids.js';
import type { JsonObject } from '../types.js';
import type { SecretRecord, SecretVersion } from './secret-store.js';

/** Blobs travel base64-encoded in JSON 1.1; the store keeps them so. */
type WireValue = { SecretString?: string; SecretBinary?: string };

function storedValue(req: WireValue): { secretString?: string; secretBinary?: string } {
  if (req.SecretString !== undefined && req.SecretBinary !== undefined) {
    throw new AwsError(
      'InvalidParameterException',
      "You can't specify both a binary secret value and a string secret value in the same secret.",
    );
  }
  return {
    ...(req.SecretString !== undefined && { secretString: req.SecretString }),
    ...(req.SecretBinary !== undefined && { secretBinary: req.SecretBinary }),
  };
}

const versionOut = (s: SecretRecord, v: SecretVersion): JsonObject => ({
  ARN: s.arn,
  Name: s.name,
  VersionId: v.id,
  VersionStages: v.stages,
});

/**
 * AWS Secrets Manager (JSON 1.1, target prefix `secretsmanager`): create, read and delete secrets,
 * with versions and staging labels. Values are kept in memory only, like everything the emulator holds.
 */
export function createSecretsManagerService(ctx: EmulatorContext): JsonService {
  const store = ctx.secrets;
  return {
    service: 'secretsmanager',
    // Names only: the state dump must not print secret values.
    state: () => ({
      secrets: [...store.secrets.values()].map((s) => ({
        Name: s.name,
        ARN: s.arn,
        Versions: s.versions.length,
        ...(s.deletedMs !== undefined && { Deleted: true }),
      })),
    }),
    shutdown: async () => {},
    operations: {
      CreateSecret: (raw) => {
        const req = typed<CreateSecretRequest & WireValue>(raw);
        const record = store.create(req.Name!, {
          ...storedValue(req),
          ...(req.Description !== undefined && { description: req.Description }),
        });
        const version = record.versions[0];
        return { ARN: record.arn, Name: record.name, ...(version && { VersionId: version.id }) };
      },
      PutSecretValue: (raw) => {
        const req = typed<PutSecretValueRequest & WireValue>(raw);
        const record = store.find(req.SecretId!);
        const version = store.addVersion(record, storedValue(req), req.ClientRequestToken);
        return versionOut(record, version);
      },
      GetSecretValue: (raw) => {
        const req = typed<GetSecretValueRequest>(raw);
        const record = store.find(req.SecretId!);
        const version = store.version(record, req.VersionId, req.VersionStage);
        return {
          ...versionOut(record, version),
          ...(version.secretString !== undefined && { SecretString: version.secretString }),
          ...(version.secretBinary !== undefined && { SecretBinary: version.secretBinary }),
          CreatedDate: epochSeconds(version.createdMs),
        };
      },
      DeleteSecret: (raw) => {
        const req = typed<DeleteSecretRequest>(raw);
        const record = store.find(req.SecretId!);
        const now = Date.now();
        if (req.ForceDeleteWithoutRecovery) store.secrets.delete(record.name);
        else record.deletedMs = now;
        const recoveryDays = req.ForceDeleteWithoutRecovery ? 0 : (req.RecoveryWindowInDays ?? 30);
        return {
          ARN: record.arn,
          Name: record.name,
          DeletionDate: epochSeconds(now + recoveryDays * 86_400_000),
        };
      },
    },
  };
}
