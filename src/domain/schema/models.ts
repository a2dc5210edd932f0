import {
  arr,
  bool,
  enumOf,
  int,
  type JsonSchema,
  model,
  nonEmptyStr,
  num,
  ref,
  str,
  union,
} from './json-schema.js';

const httpUrl: JsonSchema = { type: 'string', pattern: '^https?://' };

/**
 * Every model of the wire API, keyed by name. Field lists and requiredness
 * follow sundial-api-v2.json; fields with a default there are optional here.
 */
export const definitionSchemas: Record<string, JsonSchema> = {
  process_definition: model(
    {
      process_definition_name: nonEmptyStr(),
      paused: bool(),
      process_description: str(),
      schedule: ref('process_schedule'),
      task_definitions: { ...arr(ref('task_definition')), minItems: 1 },
      overlap_action: enumOf(['wait', 'terminate']),
      notifications: arr(ref('notification')),
      next_run_time: {
        ...str(
          'when the schedule next starts a run (absent without a schedule or while paused); ignored on PUT',
        ),
        format: 'date-time',
        readOnly: true,
      },
      subscriptions: {
        ...arr(ref('email')),
        description: "The original docs' form of email notifications; stored and returned as `notifications`",
      },
    },
    ['process_definition_name', 'task_definitions'],
  ),
  process_schedule: union({
    cron_schedule: ref('cron_schedule'),
    continuous_schedule: ref('continuous_schedule'),
  }),
  cron_schedule: model(
    {
      minutes: nonEmptyStr(),
      hours: nonEmptyStr(),
      day_of_month: nonEmptyStr(),
      month: nonEmptyStr(),
      day_of_week: nonEmptyStr(),
      time_zone: nonEmptyStr('IANA time zone, e.g. Europe/Berlin (default: UTC)'),
    },
    ['minutes', 'hours', 'day_of_month', 'month', 'day_of_week'],
  ),
  continuous_schedule: model({ buffer_seconds: int(0) }),
  task_definition: model(
    {
      task_definition_name: nonEmptyStr(),
      dependencies: arr(ref('task_dependency')),
      executable: ref('task_executable'),
      max_attempts: int(1),
      max_runtime_seconds: int(1),
      backoff_base_seconds: int(0),
      backoff_exponent: num(0),
      require_explicit_success: bool(),
    },
    ['task_definition_name', 'dependencies', 'executable', 'max_attempts', 'backoff_base_seconds'],
  ),
  task_dependency: model({ task_definition_name: nonEmptyStr(), success_required: bool() }, [
    'task_definition_name',
  ]),
  task_executable: union({
    shell_script_command: ref('shell_script_command'),
    noop_command: ref('noop_command'),
    batch_image_command: ref('batch_image_command'),
    docker_image_command: ref('docker_image_command'),
    emr_command: ref('emr_command'),
    emr_serverless_command: ref('emr_serverless_command'),
  }),
  // Not in the original API: a task that succeeds at once, for DAG join points.
  noop_command: model({}),
  environment_variable: {
    ...model(
      {
        variable_name: nonEmptyStr(),
        value: str('the literal value (or give secret instead)'),
        secret: nonEmptyStr(
          'instead of value: where the value is read at dispatch, never stored: a Secrets Manager name or ' +
            'ARN (prod/db, arn:aws:secretsmanager:…), ssm:/parameter/name or its ARN, env:NAME (server ' +
            'environment) or file:/path (server file). Batch and ECS take only ARNs and SSM parameters.',
        ),
      },
      ['variable_name'],
    ),
    description: 'An environment variable: exactly one of value and secret.',
  },
  shell_script_command: model(
    { script: nonEmptyStr(), environment_variables: arr(ref('environment_variable')) },
    ['script'],
  ),
  batch_image_command: model(
    {
      image: nonEmptyStr(),
      tag: nonEmptyStr(),
      command: arr(str()),
      memory: int(4),
      vCpus: int(1),
      job_role_arn: str(),
      execution_role_arn: nonEmptyStr(
        'the role Batch reads secrets with; required when a variable has a secret',
      ),
      environment_variables: arr(ref('environment_variable')),
      job_queue: nonEmptyStr(),
    },
    ['image', 'command', 'memory'],
  ),
  docker_image_command: model(
    {
      image: nonEmptyStr(),
      tag: nonEmptyStr(),
      command: arr(str()),
      cpu: int(0),
      memory: int(4),
      log_paths: {
        ...arr(str()),
        description:
          'Absolute paths of files inside the container whose lines reach the task log (source ' +
          "`log-file`): a sidecar shares a volume at each file's directory and follows them with `tail -F`. " +
          'That volume hides what the image has in the directory: give the files a directory of their own.',
      },
      environment_variables: arr(ref('environment_variable')),
      task_role_arn: str(),
      execution_role_arn: nonEmptyStr(
        'the role ECS reads secrets with; required when a variable has a secret',
      ),
    },
    ['image', 'tag', 'command'],
  ),
  emr_command: model(
    {
      emr_cluster: ref('emr_cluster'),
      job_name: nonEmptyStr(),
      region: nonEmptyStr(),
      class: nonEmptyStr(),
      s3_jar_path: nonEmptyStr(),
      spark_conf: arr(str()),
      spark_packages: arr(ref('maven_package')),
      args: arr(str()),
      s3_log_details: ref('s3_log_details'),
      load_data: arr(ref('s3_cp')),
      save_results: arr(ref('s3_cp')),
    },
    ['emr_cluster', 'job_name', 'class', 's3_jar_path', 'spark_conf', 'args'],
  ),
  // Not in the original API: a Spark job run on an EMR Serverless application.
  emr_serverless_command: model(
    {
      application_id: { ...nonEmptyStr('the EMR Serverless application'), pattern: '^[0-9a-z]+$' },
      execution_role_arn: {
        ...nonEmptyStr('IAM role the job run assumes'),
        pattern: '^arn:aws[-a-z]*:iam::',
      },
      entry_point: nonEmptyStr('the jar or Python file, e.g. s3://bucket/jobs/etl.jar'),
      entry_point_arguments: arr(str()),
      spark_submit_parameters: str(
        'spark-submit options, e.g. "--class com.acme.Etl --conf spark.executor.cores=2"',
      ),
      s3_log_uri: {
        ...str('where EMR Serverless writes the driver logs, read into the task log'),
        pattern: '^s3a?://',
      },
      region: nonEmptyStr(),
      execution_timeout_minutes: int(1),
    },
    ['application_id', 'execution_role_arn', 'entry_point'],
  ),
  s3_log_details: model({ log_group_name: nonEmptyStr(), log_stream_name: nonEmptyStr() }, [
    'log_group_name',
    'log_stream_name',
  ]),
  maven_package: model({ group_id: nonEmptyStr(), artifact_id: nonEmptyStr(), version: nonEmptyStr() }, [
    'group_id',
    'artifact_id',
    'version',
  ]),
  s3_cp: model({ source: nonEmptyStr(), destination: nonEmptyStr() }, ['source', 'destination']),
  emr_cluster: union({
    new_emr_cluster: ref('new_emr_cluster'),
    existing_emr_cluster: ref('existing_emr_cluster'),
  }),
  existing_emr_cluster: model({ cluster_id: nonEmptyStr() }, ['cluster_id']),
  new_emr_cluster: model(
    {
      name: nonEmptyStr(),
      release_label: { type: 'string', pattern: '^emr-\\d+\\.\\d+\\.\\d+$' },
      applications: arr(enumOf(['Hadoop', 'Hive', 'Mahout', 'Pig', 'Spark', 'Ganglia'])),
      s3_log_uri: { type: 'string', pattern: '^s3n?://' },
      master_instance: ref('emr_instance_group_details'),
      core_instance: ref('emr_instance_group_details'),
      task_instance: ref('emr_instance_group_details'),
      instance_fleets: ref('emr_instance_fleets'),
      spot_fallback: {
        ...enumOf(['spot', 'on_demand']),
        description:
          'After the cluster lost (or never got) its spot capacity, the task is retried on a fresh cluster ' +
          'outside max_attempts: on spot again (spot, the default) or on on-demand instances (on_demand).',
      },
      spot_loss_retries: {
        ...int(0),
        description: 'Fresh clusters a task may get after spot losses, apart from max_attempts (default 2).',
      },
      ec2_subnet: nonEmptyStr(),
      emr_service_role: ref('emr_service_role'),
      emr_job_flow_role: ref('emr_job_flow_role'),
      visible_to_all_users: bool(),
      configurations: arr(ref('emr_configuration')),
      security_configuration: nonEmptyStr(),
    },
    // master_instance is required unless instance_fleets is given (checked by checkEmrClusters).
    ['name', 'applications', 's3_log_uri', 'emr_service_role', 'emr_job_flow_role'],
  ),
  emr_instance_fleets: {
    ...model(
      {
        master: ref('emr_instance_fleet'),
        core: ref('emr_instance_fleet'),
        task: ref('emr_instance_fleet'),
      },
      ['master'],
    ),
    description:
      'Instance fleets per role: an alternative to master_instance, core_instance and task_instance.',
  },
  emr_instance_fleet: model(
    {
      instance_types: { ...arr(ref('emr_fleet_instance_type')), minItems: 1, maxItems: 30 },
      target_on_demand_capacity: { ...int(0), description: 'On-demand units: the base capacity.' },
      target_spot_capacity: {
        ...int(0),
        description: 'Spot units on top, allocated price-capacity-optimized.',
      },
      spot_timeout_minutes: {
        ...int(5),
        description: 'Minutes to wait for spot capacity before switching to on-demand (default 10).',
      },
    },
    ['instance_types'],
  ),
  emr_fleet_instance_type: model(
    {
      emr_instance_type: nonEmptyStr(),
      weighted_capacity: int(1),
      bid_price: num(0),
      bid_price_as_percentage_of_on_demand: num(0),
      ebs_volume_size: int(1),
    },
    ['emr_instance_type'],
  ),
  emr_instance_group_details: model(
    {
      emr_instance_type: nonEmptyStr(),
      instance_count: int(1),
      aws_market: ref('aws_market'),
      ebs_volume_size: int(1),
    },
    ['emr_instance_type', 'instance_count', 'aws_market'],
  ),
  aws_market: union({ on_demand: enumOf(['on_demand']), spot: ref('spot') }),
  spot: model({ bid_price: num(0) }, ['bid_price']),
  emr_service_role: union({
    default_emr_service_role: enumOf(['EMR_DefaultRole']),
    custom_emr_service_role: ref('custom_role'),
  }),
  emr_job_flow_role: union({
    default_emr_job_flow_role: enumOf(['EMR_EC2_DefaultRole']),
    custom_emr_job_flow_role: ref('custom_role'),
  }),
  custom_role: model({ role_name: nonEmptyStr() }, ['role_name']),
  emr_configuration: model(
    {
      classification: str(),
      configurations: arr(ref('emr_configuration')),
      properties: { type: 'object', additionalProperties: str() },
    },
    [],
  ),
  notification: union({
    email: ref('email'),
    pagerduty: ref('pagerduty'),
    webhook: ref('webhook'),
    slack: ref('slack'),
  }),
  email: model(
    { name: nonEmptyStr(), email: { type: 'string', format: 'email' }, notify_when: ref('notify_when') },
    ['name', 'email'],
  ),
  notify_when: enumOf(['always', 'on_failure', 'on_state_change', 'on_state_change_and_failures', 'never']),
  // Not in the original API: a signed JSON run summary, and a Slack incoming-webhook message.
  webhook: model(
    {
      url: { ...httpUrl, description: 'https, or http to a loopback address' },
      notify_when: ref('notify_when'),
      secret: nonEmptyStr('signs the body: header X-Sundial-Signature: sha256=<hex HMAC-SHA256>'),
    },
    ['url'],
  ),
  slack: model(
    {
      webhook_url: { ...httpUrl, description: 'https, or http to a loopback address' },
      notify_when: ref('notify_when'),
    },
    ['webhook_url'],
  ),
  log_entry: model(
    {
      log_entry_id: { type: 'string', format: 'uuid' },
      when: { type: 'string', format: 'date-time' },
      source: nonEmptyStr(),
      message: str(),
    },
    ['when', 'source', 'message'],
  ),
  metadata_entry: model(
    {
      metadata_entry_id: { type: 'string', format: 'uuid' },
      when: { type: 'string', format: 'date-time' },
      key: nonEmptyStr(),
      value: str(),
    },
    ['when', 'key', 'value'],
  ),
  pagerduty: model(
    {
      service_key: nonEmptyStr(),
      num_consecutive_failures: int(1),
      api_url: httpUrl,
    },
    ['service_key'],
  ),
};
