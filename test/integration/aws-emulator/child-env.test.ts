import { CloudWatchLogsClient, GetLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { DescribeClusterCommand, EMRClient, RunJobFlowCommand } from '@aws-sdk/client-emr';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { AwsEmulator } from '../../../src/aws-emulator/index.js';
import { clientConfig, startTestEmulator, waitFor } from './helpers.js';

let emulator: AwsEmulator;

beforeAll(async () => {
  emulator = await startTestEmulator();
});
afterAll(async () => {
  await emulator.stop();
});

it('a step reaches the emulator through AWS_ENDPOINT_URL (log4j-cloudwatch-appender style)', async () => {
  const emr = new EMRClient(clientConfig(emulator));
  const logs = new CloudWatchLogsClient(clientConfig(emulator));
  const { JobFlowId } = await emr.send(
    new RunJobFlowCommand({
      Name: 'appender',
      Instances: { KeepJobFlowAliveWhenNoSteps: false },
      Steps: [
        {
          Name: 'put',
          ActionOnFailure: 'TERMINATE_CLUSTER',
          HadoopJarStep: {
            Jar: 'command-runner.jar',
            Args: ['put-log-event.mjs', '/sundial/app', 'driver', 'hello from the step'],
          },
        },
      ],
    }),
  );
  const cluster = await waitFor(
    () => emr.send(new DescribeClusterCommand({ ClusterId: JobFlowId })),
    (o) => o.Cluster?.Status?.State?.startsWith('TERMINATED') ?? false,
    { timeoutMs: 30000 },
  );
  expect(cluster.Cluster?.Status?.State).toBe('TERMINATED');
  const events = await logs.send(
    new GetLogEventsCommand({ logGroupName: '/sundial/app', logStreamName: 'driver', startFromHead: true }),
  );
  expect(events.events?.map((e) => e.message)).toEqual(['hello from the step']);
  expect(emulator.count('logs', 'PutLogEvents')).toBe(1);
  emr.destroy();
  logs.destroy();
});
