import type { StepState, StepSummary } from '@aws-sdk/client-emr';
import { describe, expect, it } from 'vitest';
import type { EmrCommand, NewEmrCluster } from '../../../src/domain/types.js';
import { runJobFlowInput } from '../../../src/executors/emr/emr-cluster-request.js';
import { liveLogRef, stepLogRefs } from '../../../src/executors/emr/emr-logs.js';
import { emrOutcome } from '../../../src/executors/emr/emr-status.js';
import { emrSteps, sparkSubmitArgs } from '../../../src/executors/emr/emr-steps.js';

const run = { taskId: 't-1', processId: 'p-1', definitionName: 'nightly', taskDefinitionName: 'spark' };
const command: EmrCommand = {
  emr_cluster: { existing_emr_cluster: { cluster_id: 'j-1' } },
  job_name: 'Job',
  class: 'com.acme.Main',
  s3_jar_path: 's3://b/job.jar',
  spark_conf: ['spark.executor.memory=4g'],
  spark_packages: [{ group_id: 'org.acme', artifact_id: 'lib', version: '1.2' }],
  args: ['a', 'b'],
};
const cluster: NewEmrCluster = {
  name: 'c',
  release_label: 'emr-6.15.0',
  applications: ['Spark', 'Hive'],
  s3_log_uri: 's3://logs/emr',
  master_instance: {
    emr_instance_type: 'm5.xlarge',
    instance_count: 3,
    aws_market: { on_demand: 'on_demand' },
  },
  core_instance: {
    emr_instance_type: 'r5.2xlarge',
    instance_count: 4,
    aws_market: { spot: { bid_price: 0.25 } },
    ebs_volume_size: 200,
  },
  task_instance: {
    emr_instance_type: 'c5.xlarge',
    instance_count: 2,
    aws_market: { spot: { bid_price: 0.1 } },
  },
  ec2_subnet: 'subnet-1',
  emr_service_role: { custom_emr_service_role: { role_name: 'MyEmrRole' } },
  emr_job_flow_role: { default_emr_job_flow_role: 'EMR_EC2_DefaultRole' },
  visible_to_all_users: false,
  configurations: [
    {
      classification: 'spark-env',
      configurations: [{ classification: 'export', properties: { PYSPARK_PYTHON: 'python3' } }],
    },
  ],
  security_configuration: 'sec',
};

describe('EMR requests', () => {
  it('builds spark-submit as [--conf c]... [--packages g:a:v] --class CLASS JAR ARGS', () => {
    expect(sparkSubmitArgs(command, { SUNDIAL_TASK_ID: 't-1' })).toEqual([
      'spark-submit',
      '--conf',
      'spark.executor.memory=4g',
      '--conf',
      'spark.yarn.appMasterEnv.SUNDIAL_TASK_ID=t-1',
      '--conf',
      'spark.executorEnv.SUNDIAL_TASK_ID=t-1',
      '--packages',
      'org.acme:lib:1.2',
      '--class',
      'com.acme.Main',
      's3://b/job.jar',
      'a',
      'b',
    ]);
  });

  it('puts load_data and save_results copies around the Spark step, all marked with the task id', () => {
    const steps = emrSteps(
      run,
      { ...command, load_data: [{ source: 's3://in', destination: 'hdfs:///in' }], save_results: [] },
      {},
      'CONTINUE',
    );
    expect(steps.map((s) => [s.Name, s.HadoopJarStep?.Jar, s.HadoopJarStep?.Args?.[0]])).toEqual([
      ['load_data 1/1: Job [sundial t-1]', 'command-runner.jar', 's3-dist-cp'],
      ['Job [sundial t-1]', 'command-runner.jar', 'spark-submit'],
    ]);
    expect(steps[0]!.HadoopJarStep?.Args).toEqual(['s3-dist-cp', '--src', 's3://in', '--dest', 'hdfs:///in']);
  });

  it('puts the configured idle timeout on every cluster', () => {
    const input = runJobFlowInput(run, cluster, [], { idleTimeoutSeconds: 900 });
    expect(input.AutoTerminationPolicy).toEqual({ IdleTimeout: 900 });
  });

  it('maps every field of new_emr_cluster onto RunJobFlow', () => {
    const input = runJobFlowInput(run, cluster, []);
    expect(input.Instances).toEqual({
      InstanceGroups: [
        {
          Name: 'Master',
          InstanceRole: 'MASTER',
          InstanceType: 'm5.xlarge',
          InstanceCount: 1,
          Market: 'ON_DEMAND',
        },
        {
          Name: 'Core',
          InstanceRole: 'CORE',
          InstanceType: 'r5.2xlarge',
          InstanceCount: 4,
          Market: 'SPOT',
          BidPrice: '0.25',
          EbsConfiguration: {
            EbsBlockDeviceConfigs: [
              { VolumeSpecification: { VolumeType: 'gp2', SizeInGB: 200 }, VolumesPerInstance: 1 },
            ],
          },
        },
        {
          Name: 'Task',
          InstanceRole: 'TASK',
          InstanceType: 'c5.xlarge',
          InstanceCount: 2,
          Market: 'SPOT',
          BidPrice: '0.1',
        },
      ],
      Ec2SubnetId: 'subnet-1',
      KeepJobFlowAliveWhenNoSteps: false,
      TerminationProtected: false,
    });
    expect(input).toMatchObject({
      AutoTerminationPolicy: { IdleTimeout: 3600 },
      Name: 'c',
      ReleaseLabel: 'emr-6.15.0',
      LogUri: 's3://logs/emr',
      Applications: [{ Name: 'Spark' }, { Name: 'Hive' }],
      ServiceRole: 'MyEmrRole',
      JobFlowRole: 'EMR_EC2_DefaultRole',
      VisibleToAllUsers: false,
      SecurityConfiguration: 'sec',
      Configurations: [
        {
          Classification: 'spark-env',
          Configurations: [{ Classification: 'export', Properties: { PYSPARK_PYTHON: 'python3' } }],
        },
      ],
    });
    expect(input.Tags).toEqual(
      expect.arrayContaining([
        { Key: 'sundial:task-id', Value: 't-1' },
        { Key: 'sundial:process-id', Value: 'p-1' },
        { Key: 'sundial:definition', Value: 'nightly' },
      ]),
    );
  });
});

describe('EMR status from steps', () => {
  const step = (State: StepState, extra = {}): StepSummary => ({
    Id: `s-${State}`,
    Name: State,
    Status: { State, ...extra },
  });
  it('maps step states to task states', () => {
    expect(emrOutcome([step('PENDING')])).toEqual({ status: 'starting' });
    expect(emrOutcome([step('COMPLETED'), step('RUNNING')])).toEqual({ status: 'running' });
    expect(emrOutcome([step('COMPLETED'), step('COMPLETED')])).toEqual({ result: { succeeded: true } });
    expect(emrOutcome([step('COMPLETED'), step('INTERRUPTED')])).toMatchObject({
      result: { succeeded: false, reason: 'EMR step "INTERRUPTED" (s-INTERRUPTED) was interrupted' },
    });
  });

  it('puts a failed step first, with the failure details and the cluster reason', () => {
    const failed = step('FAILED', {
      FailureDetails: { Reason: 'Boom', Message: 'exit 1', LogFile: 's3://l/e.gz' },
    });
    const outcome = emrOutcome([step('CANCELLED'), failed], {
      Id: 'j-1',
      Status: {
        State: 'TERMINATED_WITH_ERRORS',
        StateChangeReason: { Code: 'STEP_FAILURE', Message: 'bye' },
      },
    });
    expect(outcome).toEqual({
      result: {
        succeeded: false,
        reason:
          'EMR step "FAILED" (s-FAILED) failed: Boom: exit 1 (log: s3://l/e.gz); cluster j-1 TERMINATED_WITH_ERRORS (STEP_FAILURE: bye)',
      },
    });
  });

  it('leads with the cluster when it died under steps that did not fail', () => {
    const outcome = emrOutcome([step('CANCELLED')], {
      Id: 'j-1',
      Status: {
        State: 'TERMINATED_WITH_ERRORS',
        StateChangeReason: { Code: 'BOOTSTRAP_FAILURE', Message: 'x' },
      },
    });
    expect('result' in outcome && outcome.result.reason).toBe(
      'EMR cluster j-1 TERMINATED_WITH_ERRORS (BOOTSTRAP_FAILURE: x) before the steps finished; EMR step "CANCELLED" (s-CANCELLED) was cancelled',
    );
  });
});

describe('EMR log sources', () => {
  it("tags S3 step logs 'emr-stdout' / 'emr-stderr' and s3_log_details streams 'cloudwatch'", () => {
    expect(stepLogRefs('us-east-1', 's3://logs/emr/', 'j-1', 's-2')).toEqual([
      {
        kind: 's3',
        region: 'us-east-1',
        bucket: 'logs',
        key: 'emr/j-1/steps/s-2/stdout.gz',
        source: 'emr-stdout',
      },
      {
        kind: 's3',
        region: 'us-east-1',
        bucket: 'logs',
        key: 'emr/j-1/steps/s-2/stderr.gz',
        source: 'emr-stderr',
      },
    ]);
    const details = { log_group_name: 'g', log_stream_name: 's' };
    expect(liveLogRef('eu-west-1', { ...command, s3_log_details: details })).toEqual({
      kind: 'cloudwatch',
      region: 'eu-west-1',
      group: 'g',
      stream: 's',
      source: 'cloudwatch',
    });
  });
});
