import { readFileSync } from 'node:fs';
import { EMRClient, RunJobFlowCommand } from '@aws-sdk/client-emr';
import type { AwsEmulator } from '../../../src/aws-emulator/index.js';
import type { EmrCommand, NewEmrCluster, TaskDefinition, TaskExecutable } from '../../../src/domain/types.js';
import { waitFor } from '../../helpers/harness.js';
import { awsOptions, awsTask, emulatorState, standInJob } from './aws-world.js';

/** The post's JSON examples, verbatim (fragments: `"executable": {…}` and `"emr_cluster": {…}`). */
const fragment = (file: string) =>
  JSON.parse(`{${readFileSync(new URL(`../../fixtures/aws/${file}`, import.meta.url), 'utf8')}}`);

/** The post's first example: the whole executable, on the existing cluster j-123ABC456DEF9. */
export const postExistingExecutable = (): TaskExecutable =>
  fragment('emr-post-existing-cluster.txt').executable as TaskExecutable;

/** The post's second example: the `emr_cluster` of a new, on-demand cluster. */
export const postNewCluster = (): { new_emr_cluster: NewEmrCluster } =>
  fragment('emr-post-new-cluster.txt').emr_cluster as { new_emr_cluster: NewEmrCluster };

/** The post's job on the post's new cluster, with some fields replaced. */
export function newClusterJob(
  command: Partial<EmrCommand> = {},
  cluster: Partial<NewEmrCluster> = {},
): TaskExecutable {
  const base = (postExistingExecutable() as { emr_command: EmrCommand }).emr_command;
  const spec = postNewCluster().new_emr_cluster;
  return {
    emr_command: { ...base, emr_cluster: { new_emr_cluster: { ...spec, ...cluster } }, ...command },
  };
}

export interface EmrClusterState {
  Id: string;
  Name: string;
  Status: { State: string; StateChangeReason?: { Code?: string; Message?: string } };
  Tags: { Key: string; Value: string }[];
  RequestedInstances?: {
    InstanceGroups: { InstanceRole: string; InstanceCount: number; Market: string; BidPrice?: string }[];
    KeepJobFlowAliveWhenNoSteps: boolean;
  };
  AutoTerminationPolicy?: { IdleTimeout?: number };
  InstanceUnits: { Id: string; Role: string; Kind: string; Lost?: boolean; SwitchedToOnDemand?: boolean }[];
  Steps: { Id: string; Name: string; Status: { State: string }; Config: { Args: string[] } }[];
}

export const clusters = (emulator: AwsEmulator) =>
  emulatorState<EmrClusterState[]>(emulator, 'emr', 'clusters');

/** Clusters tagged with this Sundial task. */
export const clustersOfTask = (emulator: AwsEmulator, taskId: string) =>
  clusters(emulator).filter((c) => c.Tags.some((t) => t.Key === 'sundial:task-id' && t.Value === taskId));

export const clusterById = (emulator: AwsEmulator, id: string) =>
  clusters(emulator).find((c) => c.Id === id)!;

/** The existing cluster the post's first example runs on. */
export const POST_CLUSTER_ID = 'j-123ABC456DEF9';

/** A long-running cluster with a chosen id, as if someone had created it outside Sundial. */
export async function createExistingCluster(emulator: AwsEmulator, id = POST_CLUSTER_ID): Promise<void> {
  const emr = new EMRClient(awsOptions(emulator).client!);
  await emr.send(
    new RunJobFlowCommand({
      Name: 'shared analytics cluster',
      ReleaseLabel: 'emr-5.11.0',
      LogUri: 's3://shared-cluster-logs/emr/',
      Instances: { KeepJobFlowAliveWhenNoSteps: true, InstanceCount: 3, MasterInstanceType: 'm4.large' },
      Applications: [{ Name: 'Spark' }],
      JobFlowRole: 'EMR_EC2_DefaultRole',
      ServiceRole: 'EMR_DefaultRole',
      Tags: [{ Key: 'emulator:cluster-id', Value: id }],
    }),
  );
  emr.destroy();
}

/** The steps added for a Sundial task to the existing cluster (their names hold its id). */
export const postClusterStepsOf = (emulator: AwsEmulator, taskId: string) =>
  clusterById(emulator, POST_CLUSTER_ID).Steps.filter((s) => s.Name.includes(taskId));

/**
 * One task of each kind whose create call makes a job in AWS, its jobs sleeping `sleepSeconds`
 * when given: `batch`, `ecs`, `emr-new` (a new cluster) and `emr-existing` (a step on the
 * existing cluster: seed it with {@link createExistingCluster}).
 */
export function everyKindOfAwsTask(sleepSeconds?: number): TaskDefinition[] {
  const job = standInJob(sleepSeconds);
  const sleep = sleepSeconds === undefined ? {} : { args: ['--sleep', String(sleepSeconds)] };
  return [
    awsTask('batch', { batch_image_command: job }),
    awsTask('ecs', { docker_image_command: job }),
    awsTask('emr-new', newClusterJob(sleep)),
    awsTask('emr-existing', postExistingExecutable()),
  ];
}

export const terminal = (state: string | undefined) =>
  state === 'TERMINATED' || state === 'TERMINATED_WITH_ERRORS';

/** Waits until the cluster has terminated, with or without errors. */
export const waitForClusterEnd = (emulator: AwsEmulator, clusterId: string) =>
  waitFor(async () => (terminal(clusterById(emulator, clusterId).Status.State) ? true : undefined));
