import { BatchClient, ClientException, SubmitJobCommand } from '@aws-sdk/client-batch';
import {
  CloudWatchLogsClient,
  CreateLogStreamCommand,
  InvalidParameterException,
} from '@aws-sdk/client-cloudwatch-logs';
import { ECSClient, ECSServiceException, ListTasksCommand } from '@aws-sdk/client-ecs';
import {
  DescribeStepCommand,
  EMRClient,
  EMRServiceException,
  ListStepsCommand,
  RunJobFlowCommand,
} from '@aws-sdk/client-emr';
import { S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AwsEmulator } from '../../../src/aws-emulator/index.js';
import { clientConfig, startTestEmulator } from './helpers.js';

let emulator: AwsEmulator;

beforeAll(async () => {
  emulator = await startTestEmulator();
});
afterAll(async () => {
  await emulator.stop();
});

interface Tamperable {
  middlewareStack: {
    add(
      mw: (
        next: (args: { request: unknown }) => Promise<unknown>,
      ) => (args: { request: unknown }) => Promise<unknown>,
      options: { step: 'build'; priority: 'low'; name: string },
    ): void;
  };
}

/**
 * Rewrites the JSON body the SDK is about to send, to produce requests the SDK's types would not
 * allow (unknown members, wrong JSON types) while still going through its error parsing.
 */
function tamperBody<C>(client: C, edit: (body: Record<string, unknown>) => void): C {
  (client as unknown as Tamperable).middlewareStack.add(
    (next) => async (args) => {
      const req = args.request as { body?: unknown; headers: Record<string, string> };
      const body = JSON.parse(typeof req.body === 'string' && req.body ? req.body : '{}') as Record<
        string,
        unknown
      >;
      edit(body);
      req.body = JSON.stringify(body);
      req.headers['content-length'] = String(Buffer.byteLength(req.body as string));
      return next(args);
    },
    { step: 'build', priority: 'low', name: 'tamperBody' },
  );
  return client;
}

describe('request validation against the AWS API models', () => {
  it('EMR: a missing required member is a ValidationException naming it', async () => {
    const emr = new EMRClient(clientConfig(emulator));
    const err = await emr
      .send(new DescribeStepCommand({ ClusterId: 'j-1', StepId: undefined }))
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EMRServiceException);
    expect((err as EMRServiceException).name).toBe('ValidationException');
    expect((err as EMRServiceException).$metadata.httpStatusCode).toBe(400);
    expect((err as Error).message).toBe(
      "1 validation error detected: Value null at 'stepId' failed to satisfy constraint: Member must not be null",
    );
    emr.destroy();
  });

  it('EMR: wrong JSON type is a SerializationException, a bad enum a ValidationException', async () => {
    const emr = tamperBody(new EMRClient(clientConfig(emulator)), (b) => {
      b.StepStates = 'RUNNING';
    });
    const err = await emr.send(new ListStepsCommand({ ClusterId: 'j-1' })).catch((e: unknown) => e);
    expect((err as EMRServiceException).name).toBe('SerializationException');
    expect((err as Error).message).toContain("'stepStates'");
    emr.destroy();
    const emr2 = new EMRClient(clientConfig(emulator));
    const bad = await emr2
      .send(
        new RunJobFlowCommand({
          Name: 'x',
          Instances: {},
          Steps: [
            {
              Name: 's',
              ActionOnFailure: 'EXPLODE' as 'CONTINUE',
              HadoopJarStep: { Jar: 'command-runner.jar' },
            },
          ],
        }),
      )
      .catch((e: unknown) => e);
    expect((bad as EMRServiceException).name).toBe('ValidationException');
    expect((bad as Error).message).toContain("Value 'EXPLODE' at 'steps.1.member.actionOnFailure'");
    expect(emulator.state()).toMatchObject({ emr: { clusters: [] } });
    emr2.destroy();
  });

  it('ECS: an unknown member is rejected', async () => {
    const ecs = tamperBody(new ECSClient(clientConfig(emulator)), (b) => {
      b.clusterName = 'default';
    });
    const err = await ecs.send(new ListTasksCommand({})).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ECSServiceException);
    expect((err as ECSServiceException).name).toBe('ValidationException');
    expect((err as Error).message).toContain("Unknown member 'clusterName'");
    ecs.destroy();
  });

  it('Logs and Batch answer with their own modeled exceptions', async () => {
    const logs = new CloudWatchLogsClient(clientConfig(emulator));
    await expect(
      logs.send(new CreateLogStreamCommand({ logGroupName: 'g', logStreamName: undefined })),
    ).rejects.toBeInstanceOf(InvalidParameterException);
    logs.destroy();
    const batch = new BatchClient(clientConfig(emulator));
    const err = await batch
      .send(new SubmitJobCommand({ jobName: undefined, jobQueue: 'default', jobDefinition: 'd' }))
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ClientException);
    expect((err as Error).message).toContain("'jobName'");
    batch.destroy();
  });

  it('S3: a header of the wrong type is InvalidArgument', async () => {
    const s3 = new S3Client({ ...clientConfig(emulator), forcePathStyle: true });
    s3.middlewareStack.add(
      (next) => async (args) => {
        (args.request as { query: Record<string, string> }).query['max-keys'] = 'lots';
        return next(args);
      },
      { step: 'build', name: 'badMaxKeys' },
    );
    const { ListObjectsV2Command } = await import('@aws-sdk/client-s3');
    const err = await s3.send(new ListObjectsV2Command({ Bucket: 'b' })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(S3ServiceException);
    expect((err as S3ServiceException).name).toBe('InvalidArgument');
    s3.destroy();
  });

  it('an unknown operation is UnknownOperationException', async () => {
    const res = await fetch(emulator.url, {
      method: 'POST',
      headers: {
        'x-amz-target': 'ElasticMapReduce.LaunchRocket',
        'content-type': 'application/x-amz-json-1.1',
      },
      body: '{}',
    });
    expect(res.status).toBe(400);
    expect(res.headers.get('x-amzn-errortype')).toBe('UnknownOperationException');
    expect(((await res.json()) as { __type: string }).__type).toBe('UnknownOperationException');
  });
});
