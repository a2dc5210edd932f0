import type { BatchClientConfig } from '@aws-sdk/client-batch';
import type { Logger } from 'pino';
import type { ExecutorKind } from '../../domain/types.js';
import { loadPriceTable, type PriceTable } from './price-table.js';
import { type CallRate, DEFAULT_CALL_RATE } from './token-bucket.js';

/** The kinds of executor `createAwsExecutors` makes (Batch, ECS, EMR, EMR Serverless). */
export const AWS_EXECUTOR_KINDS: readonly ExecutorKind[] = ['batch', 'ecs', 'emr', 'emr_serverless'];

/**
 * What every AWS SDK client of the executors is built with. Anything left out follows the SDK's
 * own conventions: the default credential chain, `AWS_REGION`, `AWS_ENDPOINT_URL` /
 * `AWS_ENDPOINT_URL_<SERVICE>`, `AWS_MAX_ATTEMPTS`, `AWS_RETRY_MODE`.
 */
export interface AwsClientSettings {
  /** Region of Batch and ECS jobs (EMR tasks name their own). Default: AWS_REGION, else us-east-1. */
  region?: string;
  /** One endpoint for every service (the local emulator); default: the SDK's resolution. */
  endpoint?: string;
  /** Credentials or a provider of them, as every SDK v3 client accepts. */
  credentials?: BatchClientConfig['credentials'];
  /** SDK attempts per call, throttling included. Default 6 unless AWS_MAX_ATTEMPTS is set. */
  maxAttempts?: number;
  /** Default `standard` unless AWS_RETRY_MODE is set: the shared token bucket does the rate limiting. */
  retryMode?: 'standard' | 'adaptive';
  /** Told of every call once it has ended (after the SDK's retries): `/metrics` counts them. */
  onCall?: (call: AwsCall) => void;
}

/** One AWS call as `/metrics` counts it: `sundial_aws_calls_total{service,operation,outcome}`. */
export interface AwsCall {
  /** The SDK client's name, lower case: `batch`, `ecs`, `emr`, `emrserverless`, `secretsmanager`, `ssm`, `cloudwatchlogs`, `s3`. */
  service: string;
  /** The API operation, e.g. `SubmitJob`. */
  operation: string;
  /** `throttled` when the last attempt was throttled; `error` for any other failure. */
  outcome: 'ok' | 'throttled' | 'error';
}

/** How often the shared pollers ask AWS: `fastMs` right after a submit, doubling up to `slowMs`. */
export interface PollSettings {
  fastMs: number;
  slowMs: number;
}

/** Test hooks into the moments that matter for crash safety. */
export interface AwsExecutorHooks {
  /**
   * Runs after an AWS create call (SubmitJob, RunTask, RunJobFlow, AddJobFlowSteps) took effect and
   * before its id is recorded: a hook that never resolves leaves the scheduler exactly where a
   * crash in that window would.
   */
  afterCreate?: (event: { kind: ExecutorKind; taskId: string; awsId: string }) => Promise<void> | void;
}

/**
 * Configuration of the Batch, ECS and EMR executors.
 *
 * @example
 * const options: AwsExecutorOptions = {
 *   client: { endpoint: 'http://127.0.0.1:4566', region: 'us-east-1' },
 *   batchJobQueue: 'default',
 *   poll: { fastMs: 200, slowMs: 1000 },
 * };
 */
export interface AwsExecutorOptions {
  client?: AwsClientSettings;
  /** Batch queue for jobs that name none (`SUNDIAL_BATCH_JOB_QUEUE`). */
  batchJobQueue?: string;
  /** ECS cluster tasks run on (`SUNDIAL_ECS_CLUSTER`); default `default`. */
  ecsCluster?: string;
  /** CloudWatch group of the awslogs driver for ECS tasks (`SUNDIAL_ECS_LOG_GROUP`); default `/sundial/ecs`. */
  ecsLogGroup?: string;
  /**
   * ECS launch type (`SUNDIAL_ECS_LAUNCH_TYPE`); default: the cluster's default capacity provider.
   * `FARGATE_SPOT` runs Fargate tasks through the cluster's FARGATE_SPOT capacity provider.
   */
  ecsLaunchType?: EcsLaunchType;
  /** Where Fargate tasks run (awsvpc): required with a Fargate launch type. */
  ecsNetwork?: EcsNetwork;
  /** Image of the sidecar that follows `log_paths` (`SUNDIAL_ECS_LOG_FILES_IMAGE`); any with `sh` and `tail -F`. */
  ecsLogFilesImage?: string;
  poll?: Partial<PollSettings>;
  /** Calls per second per service and region, shared by all tasks (`SUNDIAL_AWS_CALLS_PER_SECOND`; default 20, burst twice that). */
  callRate?: Partial<CallRate>;
  /** Regions swept for EMR clusters whose Sundial task has ended (besides the default region). */
  emrSweepRegions?: string[];
  /** Idle timeout of the AutoTerminationPolicy of every EMR cluster Sundial creates (`SUNDIAL_EMR_IDLE_TIMEOUT_SECONDS`; default 3600). */
  emrIdleTimeoutSeconds?: number;
  /** Prices (`SUNDIAL_AWS_PRICES`, a JSON file): what EMR clusters, Batch, ECS and EMR Serverless jobs cost goes on their task. */
  prices?: PriceTable;
  /** Told each cost recorded on a task (for `/metrics`). */
  onCost?: (executor: ExecutorKind, usd: number) => void;
  /** Of these task ids, those that exist and have ended (used to tear down orphaned clusters). */
  endedTasks?: (taskIds: string[]) => Promise<string[]>;
  logger?: Logger;
  hooks?: AwsExecutorHooks;
}

/** How Sundial starts ECS tasks: a launch type, or Fargate Spot through its capacity provider. */
export type EcsLaunchType = 'EC2' | 'FARGATE' | 'FARGATE_SPOT' | 'EXTERNAL';
const ECS_LAUNCH_TYPES: readonly string[] = ['EC2', 'FARGATE', 'FARGATE_SPOT', 'EXTERNAL'];

/** Whether tasks run on Fargate (on demand or Spot): awsvpc, a task-level size, an execution role. */
export const isFargate = (t: EcsLaunchType | undefined) => t === 'FARGATE' || t === 'FARGATE_SPOT';

/** The awsvpc placement of Fargate tasks: each task gets a network interface in one of the subnets. */
export interface EcsNetwork {
  /** `SUNDIAL_ECS_SUBNETS`, comma-separated subnet ids. */
  subnets: string[];
  /** `SUNDIAL_ECS_SECURITY_GROUPS`, comma-separated; default: the VPC's default security group. */
  securityGroups?: string[];
  /** `SUNDIAL_ECS_ASSIGN_PUBLIC_IP`; default DISABLED (AWS's): the subnets then need a NAT route to pull images. */
  assignPublicIp?: 'ENABLED' | 'DISABLED';
}

export const DEFAULT_POLL: PollSettings = { fastMs: 2000, slowMs: 10_000 };

/**
 * Reads the Sundial-specific settings from the environment; the SDK reads its own.
 *
 * @example
 * awsOptionsFromEnv({ SUNDIAL_BATCH_JOB_QUEUE: 'jobs', SUNDIAL_AWS_POLL_MS: '15000' })
 * // { batchJobQueue: 'jobs', poll: { slowMs: 15000 } }
 */
export function awsOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): AwsExecutorOptions {
  const num = (v: string | undefined) => (v && Number.isFinite(Number(v)) ? Number(v) : undefined);
  const poll: Partial<PollSettings> = {};
  const slow = num(env.SUNDIAL_AWS_POLL_MS);
  const fast = num(env.SUNDIAL_AWS_FAST_POLL_MS);
  if (slow !== undefined) poll.slowMs = slow;
  if (fast !== undefined) poll.fastMs = fast;
  const launchType = ecsLaunchTypeFromEnv(env);
  const network = ecsNetworkFromEnv(env, launchType);
  return {
    ...(env.SUNDIAL_BATCH_JOB_QUEUE && { batchJobQueue: env.SUNDIAL_BATCH_JOB_QUEUE }),
    ...(env.SUNDIAL_ECS_CLUSTER && { ecsCluster: env.SUNDIAL_ECS_CLUSTER }),
    ...(env.SUNDIAL_ECS_LOG_GROUP && { ecsLogGroup: env.SUNDIAL_ECS_LOG_GROUP }),
    ...(env.SUNDIAL_ECS_LOG_FILES_IMAGE && { ecsLogFilesImage: env.SUNDIAL_ECS_LOG_FILES_IMAGE }),
    ...(launchType && { ecsLaunchType: launchType }),
    ...(network && { ecsNetwork: network }),
    ...(env.SUNDIAL_EMR_SWEEP_REGIONS && {
      emrSweepRegions: env.SUNDIAL_EMR_SWEEP_REGIONS.split(',').map((r) => r.trim()),
    }),
    ...(num(env.SUNDIAL_EMR_IDLE_TIMEOUT_SECONDS) !== undefined && {
      emrIdleTimeoutSeconds: num(env.SUNDIAL_EMR_IDLE_TIMEOUT_SECONDS),
    }),
    ...(env.SUNDIAL_AWS_PRICES && { prices: loadPriceTable(env.SUNDIAL_AWS_PRICES) }),
    ...(Object.keys(poll).length > 0 && { poll }),
    ...(num(env.SUNDIAL_AWS_CALLS_PER_SECOND) !== undefined && {
      callRate: { perSecond: num(env.SUNDIAL_AWS_CALLS_PER_SECOND) },
    }),
  };
}

function ecsLaunchTypeFromEnv(env: NodeJS.ProcessEnv): EcsLaunchType | undefined {
  const value = env.SUNDIAL_ECS_LAUNCH_TYPE;
  if (!value) return undefined;
  if (!ECS_LAUNCH_TYPES.includes(value))
    throw new Error(`SUNDIAL_ECS_LAUNCH_TYPE must be one of ${ECS_LAUNCH_TYPES.join(', ')} (got '${value}')`);
  return value as EcsLaunchType;
}

/** The awsvpc settings: required with Fargate, refused without it (ECS takes them only for awsvpc tasks). */
function ecsNetworkFromEnv(env: NodeJS.ProcessEnv, launchType: EcsLaunchType | undefined) {
  const list = (v: string | undefined) =>
    (v ?? '')
      .split(',')
      .map((x) => x.trim())
      .filter(Boolean);
  const subnets = list(env.SUNDIAL_ECS_SUBNETS);
  const securityGroups = list(env.SUNDIAL_ECS_SECURITY_GROUPS);
  const publicIp = env.SUNDIAL_ECS_ASSIGN_PUBLIC_IP;
  const given = subnets.length > 0 || securityGroups.length > 0 || publicIp;
  if (!isFargate(launchType)) {
    if (given)
      throw new Error(
        'SUNDIAL_ECS_SUBNETS, SUNDIAL_ECS_SECURITY_GROUPS and SUNDIAL_ECS_ASSIGN_PUBLIC_IP are for Fargate: set SUNDIAL_ECS_LAUNCH_TYPE=FARGATE (or FARGATE_SPOT)',
      );
    return undefined;
  }
  if (subnets.length === 0)
    throw new Error(
      `SUNDIAL_ECS_SUBNETS is required with SUNDIAL_ECS_LAUNCH_TYPE=${launchType}: the comma-separated subnet ids Fargate tasks run in`,
    );
  if (publicIp !== undefined && publicIp !== 'ENABLED' && publicIp !== 'DISABLED')
    throw new Error(`SUNDIAL_ECS_ASSIGN_PUBLIC_IP must be ENABLED or DISABLED (got '${publicIp}')`);
  const network: EcsNetwork = { subnets };
  if (securityGroups.length > 0) network.securityGroups = securityGroups;
  if (publicIp) network.assignPublicIp = publicIp;
  return network;
}

/** The region of Batch and ECS jobs. */
export function defaultRegion(settings: AwsClientSettings | undefined): string {
  return settings?.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1';
}

export function pollSettings(poll: Partial<PollSettings> | undefined): PollSettings {
  const slowMs = poll?.slowMs ?? DEFAULT_POLL.slowMs;
  return { slowMs, fastMs: Math.min(poll?.fastMs ?? DEFAULT_POLL.fastMs, slowMs) };
}

/** The calls per second and burst of each service and region; the burst defaults to twice the rate. */
export function callRate(rate: Partial<CallRate> | undefined): CallRate {
  const perSecond = rate?.perSecond && rate.perSecond > 0 ? rate.perSecond : DEFAULT_CALL_RATE.perSecond;
  const burst = rate?.burst && rate.burst >= 1 ? rate.burst : Math.max(1, perSecond * 2);
  return { perSecond, burst };
}
