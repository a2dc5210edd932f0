import { BatchClient } from '@aws-sdk/client-batch';
import { ECSClient } from '@aws-sdk/client-ecs';
import { EMRClient } from '@aws-sdk/client-emr';
import { EMRServerlessClient } from '@aws-sdk/client-emr-serverless';
import { BatchExecutor } from '../batch/batch-executor.js';
import { EcsExecutor } from '../ecs/ecs-executor.js';
import { EmrExecutor } from '../emr/emr-executor.js';
import { EmrServerlessExecutor } from '../emr-serverless/emr-serverless-executor.js';
import type { Executor, ExecutorHost } from '../executor.js';
import { type AwsExecutorOptions, callRate, defaultRegion, pollSettings } from './aws-options.js';
import { ClientPool } from './client-pool.js';

/**
 * The Batch, ECS, EMR and EMR Serverless executors, sharing one configuration. They make no AWS call until a task
 * uses them, so a server without AWS credentials can still run shell tasks.
 *
 * @example
 * for (const e of createAwsExecutors(engine, { ...awsOptionsFromEnv(), logger })) engine.register(e);
 */
export function createAwsExecutors(host: ExecutorHost, options: AwsExecutorOptions = {}): Executor[] {
  const poll = pollSettings(options.poll);
  const region = defaultRegion(options.client);
  const rate = callRate(options.callRate);
  const common = { poll, region, logger: options.logger, hooks: options.hooks, onCost: options.onCost };
  const prices = options.prices;
  return [
    new BatchExecutor(host, {
      ...common,
      clients: new ClientPool((c) => new BatchClient(c), options.client, rate),
      defaultQueue: options.batchJobQueue,
      resourcePrices: prices?.batch,
    }),
    new EcsExecutor(host, {
      ...common,
      clients: new ClientPool((c) => new ECSClient(c), options.client, rate),
      resourcePrices: prices?.ecs,
      cluster: options.ecsCluster ?? 'default',
      logGroup: options.ecsLogGroup ?? '/sundial/ecs',
      ...(options.ecsLaunchType && { launchType: options.ecsLaunchType }),
      ...(options.ecsNetwork && { network: options.ecsNetwork }),
      ...(options.ecsLogFilesImage && { logFilesImage: options.ecsLogFilesImage }),
    }),
    new EmrExecutor(host, {
      ...common,
      clients: new ClientPool((c) => new EMRClient(c), options.client, rate),
      // EMR tasks default to us-east-1 (the original's default), whatever the configured region.
      sweepRegions: options.emrSweepRegions ?? [region, 'us-east-1'],
      ...(options.endedTasks && { endedTasks: options.endedTasks }),
      clusterRequest: { idleTimeoutSeconds: options.emrIdleTimeoutSeconds },
      ...(prices && { prices }),
    }),
    new EmrServerlessExecutor(host, {
      ...common,
      clients: new ClientPool((c) => new EMRServerlessClient(c), options.client, rate),
      resourcePrices: prices?.emr_serverless,
    }),
  ];
}
