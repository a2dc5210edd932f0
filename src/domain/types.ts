/**
 * Sundial's process-definition model, in the exact JSON shape of the original
 * API (snake_case, apibuilder unions as single-key objects).
 *
 * @example
 * const def: ProcessDefinition = {
 *   process_definition_name: 'nightly',
 *   overlap_action: 'wait',
 *   schedule: { cron_schedule: { minutes: '0', hours: '22', day_of_month: '*', month: '*', day_of_week: '?' } },
 *   task_definitions: [{ task_definition_name: 'extract', dependencies: [], max_attempts: 3,
 *     backoff_base_seconds: 60, backoff_exponent: 2,
 *     executable: { shell_script_command: { script: 'echo hi' } } }],
 * };
 */
export interface ProcessDefinition {
  process_definition_name: string;
  paused?: boolean;
  process_description?: string;
  schedule?: ProcessSchedule;
  task_definitions: TaskDefinition[];
  overlap_action?: OverlapAction;
  notifications?: Notification[];
}

export type OverlapAction = 'wait' | 'terminate';

export interface CronSchedule {
  minutes: string;
  hours: string;
  day_of_month: string;
  month: string;
  day_of_week: string;
  /** IANA zone such as `Europe/Berlin`; server time (UTC) when absent. */
  time_zone?: string;
}

export interface ContinuousSchedule {
  buffer_seconds?: number;
}

export type ProcessSchedule = { cron_schedule: CronSchedule } | { continuous_schedule: ContinuousSchedule };

export interface TaskDependency {
  task_definition_name: string;
  success_required?: boolean;
}

export interface TaskDefinition {
  task_definition_name: string;
  dependencies: TaskDependency[];
  executable: TaskExecutable;
  max_attempts: number;
  max_runtime_seconds?: number;
  backoff_base_seconds: number;
  backoff_exponent?: number;
  require_explicit_success?: boolean;
}

/**
 * A literal `value`, or a `secret` reference read only when the task is dispatched (see
 * secret-reference.ts): exactly one of the two.
 */
export type EnvironmentVariable =
  | { variable_name: string; value: string; secret?: undefined }
  | { variable_name: string; secret: string; value?: undefined };

export interface ShellScriptCommand {
  script: string;
  environment_variables?: EnvironmentVariable[];
}

export interface BatchImageCommand {
  image: string;
  tag?: string;
  command: string[];
  memory: number;
  vCpus?: number;
  job_role_arn?: string;
  /** The role Batch reads the job's secrets with; required when a variable references one. */
  execution_role_arn?: string;
  environment_variables?: EnvironmentVariable[];
  job_queue?: string;
}

export interface DockerImageCommand {
  image: string;
  tag: string;
  command: string[];
  cpu?: number;
  memory?: number;
  log_paths?: string[];
  environment_variables?: EnvironmentVariable[];
  task_role_arn?: string;
  /** The role ECS reads the task's secrets with; required when a variable references one. */
  execution_role_arn?: string;
}

export type AwsMarket = { on_demand: 'on_demand' } | { spot: { bid_price: number } };

export interface EmrInstanceGroupDetails {
  emr_instance_type: string;
  instance_count: number;
  aws_market: AwsMarket;
  ebs_volume_size?: number;
}

/** One instance type a fleet may launch, counting `weighted_capacity` units of the fleet's target. */
export interface EmrFleetInstanceType {
  emr_instance_type: string;
  /** Units of target capacity one instance gives (default 1). */
  weighted_capacity?: number;
  /** Spot bid in USD per hour; without it (and without a percentage) the bid is the on-demand price. */
  bid_price?: number;
  bid_price_as_percentage_of_on_demand?: number;
  ebs_volume_size?: number;
}

/**
 * An instance fleet: several instance types for one role, on-demand units as a base and spot units
 * on top (price-capacity-optimized), switching to on-demand when spot does not come in time.
 */
export interface EmrInstanceFleet {
  instance_types: EmrFleetInstanceType[];
  target_on_demand_capacity?: number;
  target_spot_capacity?: number;
  /** Minutes to wait for spot capacity before launching on-demand instead (default 10). */
  spot_timeout_minutes?: number;
}

/** Instance fleets per role, instead of master_instance / core_instance / task_instance. */
export interface EmrInstanceFleets {
  master: EmrInstanceFleet;
  core?: EmrInstanceFleet;
  task?: EmrInstanceFleet;
}

export interface EmrConfiguration {
  classification?: string;
  configurations?: EmrConfiguration[];
  properties?: Record<string, string>;
}

export interface NewEmrCluster {
  name: string;
  release_label?: string;
  applications: string[];
  s3_log_uri: string;
  /** Instance groups (the original's form), or `instance_fleets`: exactly one of the two. */
  master_instance?: EmrInstanceGroupDetails;
  core_instance?: EmrInstanceGroupDetails;
  task_instance?: EmrInstanceGroupDetails;
  instance_fleets?: EmrInstanceFleets;
  /** After a spot loss, retry on spot again (`spot`, default) or on on-demand instances (`on_demand`). */
  spot_fallback?: 'spot' | 'on_demand';
  /** Fresh clusters a task may get after spot losses, apart from its max_attempts (default 2). */
  spot_loss_retries?: number;
  ec2_subnet?: string;
  emr_service_role:
    | { default_emr_service_role: 'EMR_DefaultRole' }
    | { custom_emr_service_role: { role_name: string } };
  emr_job_flow_role:
    | { default_emr_job_flow_role: 'EMR_EC2_DefaultRole' }
    | { custom_emr_job_flow_role: { role_name: string } };
  visible_to_all_users?: boolean;
  configurations?: EmrConfiguration[];
  security_configuration?: string;
}

export type EmrCluster =
  | { new_emr_cluster: NewEmrCluster }
  | { existing_emr_cluster: { cluster_id: string } };

export interface S3Cp {
  source: string;
  destination: string;
}

export interface EmrCommand {
  emr_cluster: EmrCluster;
  job_name: string;
  region?: string;
  class: string;
  s3_jar_path: string;
  spark_conf: string[];
  spark_packages?: { group_id: string; artifact_id: string; version: string }[];
  args: string[];
  s3_log_details?: { log_group_name: string; log_stream_name: string };
  load_data?: S3Cp[];
  save_results?: S3Cp[];
}

/**
 * A Spark job run on an EMR Serverless application (StartJobRun's `sparkSubmit` driver).
 *
 * @example
 * const cmd: EmrServerlessCommand = {
 *   application_id: '00fabcdexyz12345',
 *   execution_role_arn: 'arn:aws:iam::123456789012:role/emr-serverless-job',
 *   entry_point: 's3://acme/jobs/etl.jar',
 *   entry_point_arguments: ['--day', '2026-12-01'],
 *   spark_submit_parameters: '--class com.acme.Etl --conf spark.executor.cores=2',
 *   s3_log_uri: 's3://acme/logs/serverless/',
 * };
 */
export interface EmrServerlessCommand {
  application_id: string;
  execution_role_arn: string;
  /** The jar or Python file, usually in S3. */
  entry_point: string;
  entry_point_arguments?: string[];
  /** spark-submit options as one string (`--class …`, `--conf k=v` …). */
  spark_submit_parameters?: string;
  /** Where EMR Serverless writes the driver's logs; they are read into the task log from there. */
  s3_log_uri?: string;
  /** Default: the region of the AWS executors. */
  region?: string;
  /** EMR Serverless cancels the run after this; default its own (12 hours). */
  execution_timeout_minutes?: number;
}

/** Does nothing and succeeds at once: a join point in a DAG (like Airflow's EmptyOperator). */
export type NoopCommand = Record<string, never>;

export type TaskExecutable =
  | { shell_script_command: ShellScriptCommand }
  | { noop_command: NoopCommand }
  | { batch_image_command: BatchImageCommand }
  | { docker_image_command: DockerImageCommand }
  | { emr_command: EmrCommand }
  | { emr_serverless_command: EmrServerlessCommand };

export type ExecutorKind = 'shell' | 'noop' | 'batch' | 'ecs' | 'emr' | 'emr_serverless';

export type NotifyWhen =
  | 'always'
  | 'on_failure'
  | 'on_state_change'
  | 'on_state_change_and_failures'
  | 'never';

export interface EmailNotification {
  name: string;
  email: string;
  /** Default `on_state_change_and_failures`, as in the original API. */
  notify_when?: NotifyWhen;
}

export interface PagerdutyNotification {
  /** The Events API v2 integration (routing) key. */
  service_key: string;
  /** Failed runs in a row that trigger an incident; default 1. */
  num_consecutive_failures?: number;
  /** Default https://events.pagerduty.com. */
  api_url?: string;
}

/** A JSON run summary POSTed to `url`, signed with HMAC-SHA256 when `secret` is set. */
export interface WebhookNotification {
  url: string;
  notify_when?: NotifyWhen;
  secret?: string;
}

/** A message to a Slack incoming webhook. */
export interface SlackNotification {
  webhook_url: string;
  notify_when?: NotifyWhen;
}

export type Notification =
  | { email: EmailNotification }
  | { pagerduty: PagerdutyNotification }
  | { webhook: WebhookNotification }
  | { slack: SlackNotification };

export type NotificationKind = 'email' | 'pagerduty' | 'webhook' | 'slack';

export type ProcessStatus = 'running' | 'succeeded' | 'failed';

/** Task statuses of the wire API; `submitted` is also our "intent recorded, executor not yet confirmed". */
export type TaskStatus =
  | 'submitted'
  | 'runnable'
  | 'starting'
  | 'pending'
  | 'running'
  | 'failed'
  | 'succeeded';

export const ACTIVE_TASK_STATUSES: readonly TaskStatus[] = [
  'submitted',
  'runnable',
  'starting',
  'pending',
  'running',
];

export function isTaskActive(status: TaskStatus): boolean {
  return status !== 'succeeded' && status !== 'failed';
}

/** Which executor runs an executable. */
export function executorKindOf(executable: TaskExecutable): ExecutorKind {
  if ('shell_script_command' in executable) return 'shell';
  if ('noop_command' in executable) return 'noop';
  if ('batch_image_command' in executable) return 'batch';
  if ('docker_image_command' in executable) return 'ecs';
  if ('emr_serverless_command' in executable) return 'emr_serverless';
  return 'emr';
}
