import type { DeleteParameterRequest, GetParameterRequest, PutParameterRequest } from '@aws-sdk/client-ssm';
import { type EmulatorContext, type JsonService, typed } from '../context.js';
import { epochSeconds } from '../ids.js';
import { ciphertext, type ParameterType } from './parameter-store.js';

/**
 * SSM Parameter Store (JSON 1.1, target prefix `AmazonSSM`): PutParameter, GetParameter (a
 * SecureString is answered in clear only `WithDecryption`) and DeleteParameter.
 */
export function createSsmService(ctx: EmulatorContext): JsonService {
  const store = ctx.parameters;
  return {
    service: 'ssm',
    // Names only: the state dump must not print parameter values.
    state: () => ({
      parameters: [...store.parameters.values()].map((p) => ({
        Name: p.name,
        Type: p.versions.at(-1)?.type ?? 'String',
        Version: p.versions.length,
      })),
    }),
    shutdown: async () => {},
    operations: {
      PutParameter: (raw) => {
        const req = typed<PutParameterRequest>(raw);
        const version = store.put(
          req.Name!,
          req.Value!,
          req.Type as ParameterType | undefined,
          req.Overwrite ?? false,
        );
        return { Version: version.version, Tier: 'Standard' };
      },
      GetParameter: (raw) => {
        const req = typed<GetParameterRequest>(raw);
        const { record, version } = store.find(req.Name!);
        const hidden = version.type === 'SecureString' && !req.WithDecryption;
        return {
          Parameter: {
            Name: record.name,
            Type: version.type,
            Value: hidden ? ciphertext(record, version) : version.value,
            Version: version.version,
            LastModifiedDate: epochSeconds(version.modifiedMs),
            ARN: record.arn,
            DataType: 'text',
          },
        };
      },
      DeleteParameter: (raw) => {
        store.delete(typed<DeleteParameterRequest>(raw).Name!);
        return {};
      },
    },
  };
}
