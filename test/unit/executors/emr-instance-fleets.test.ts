import { describe, expect, it } from 'vitest';
import { findOperation } from '../../../src/aws-emulator/api-models.js';
import { validateInput } from '../../../src/aws-emulator/model-validator.js';
import type { EmrInstanceFleets, NewEmrCluster, ProcessDefinition } from '../../../src/domain/types.js';
import { validateDefinition } from '../../../src/domain/validate-definition.js';
import { ValidationError } from '../../../src/domain/validation-error.js';
import { runJobFlowInput } from '../../../src/executors/emr/emr-cluster-request.js';

const run = { taskId: 't-1', processId: 'p-1', definitionName: 'nightly', taskDefinitionName: 'spark' };
const fleets: EmrInstanceFleets = {
  master: { instance_types: [{ emr_instance_type: 'm5.xlarge' }], target_on_demand_capacity: 1 },
  core: {
    instance_types: [
      { emr_instance_type: 'r5.2xlarge', weighted_capacity: 2, bid_price: 0.3, ebs_volume_size: 100 },
      { emr_instance_type: 'r5.4xlarge', weighted_capacity: 4, bid_price_as_percentage_of_on_demand: 60 },
    ],
    target_on_demand_capacity: 4,
    target_spot_capacity: 12,
    spot_timeout_minutes: 20,
  },
};
const cluster: NewEmrCluster = {
  name: 'fleet',
  release_label: 'emr-6.15.0',
  applications: ['Spark'],
  s3_log_uri: 's3://logs/emr',
  instance_fleets: fleets,
  emr_service_role: { default_emr_service_role: 'EMR_DefaultRole' },
  emr_job_flow_role: { default_emr_job_flow_role: 'EMR_EC2_DefaultRole' },
};

/** A definition with one EMR task on `spec`; the problems validation finds (none when accepted). */
function problemsOf(spec: Record<string, unknown>): string[] {
  const def = {
    process_definition_name: 'fleets',
    task_definitions: [
      {
        task_definition_name: 'spark',
        dependencies: [],
        max_attempts: 1,
        backoff_base_seconds: 0,
        executable: {
          emr_command: {
            emr_cluster: { new_emr_cluster: spec },
            job_name: 'J',
            class: 'C',
            s3_jar_path: 's3://b/j.jar',
            spark_conf: [],
            args: [],
          },
        },
      },
    ],
  } as unknown as ProcessDefinition;
  try {
    validateDefinition(def);
    return [];
  } catch (e) {
    if (!(e instanceof ValidationError)) throw e;
    return e.problems.map((p) => `${p.field}: ${p.problem}`);
  }
}

const at = 'task_definitions[0].executable.emr_command.emr_cluster.new_emr_cluster';

describe('EMR instance fleets', () => {
  it('maps fleets onto RunJobFlow: weighted types, on-demand base, spot price-capacity-optimized', () => {
    const input = runJobFlowInput(run, cluster, []);
    expect(input.Instances?.InstanceGroups).toBeUndefined();
    expect(input.Instances?.InstanceFleets).toEqual([
      {
        Name: 'Master',
        InstanceFleetType: 'MASTER',
        TargetOnDemandCapacity: 1,
        InstanceTypeConfigs: [{ InstanceType: 'm5.xlarge', WeightedCapacity: 1 }],
        LaunchSpecifications: { OnDemandSpecification: { AllocationStrategy: 'lowest-price' } },
      },
      {
        Name: 'Core',
        InstanceFleetType: 'CORE',
        TargetOnDemandCapacity: 4,
        TargetSpotCapacity: 12,
        InstanceTypeConfigs: [
          {
            InstanceType: 'r5.2xlarge',
            WeightedCapacity: 2,
            BidPrice: '0.3',
            EbsConfiguration: {
              EbsBlockDeviceConfigs: [
                { VolumeSpecification: { VolumeType: 'gp2', SizeInGB: 100 }, VolumesPerInstance: 1 },
              ],
            },
          },
          { InstanceType: 'r5.4xlarge', WeightedCapacity: 4, BidPriceAsPercentageOfOnDemandPrice: 60 },
        ],
        LaunchSpecifications: {
          SpotSpecification: {
            TimeoutDurationMinutes: 20,
            TimeoutAction: 'SWITCH_TO_ON_DEMAND',
            AllocationStrategy: 'price-capacity-optimized',
          },
          OnDemandSpecification: { AllocationStrategy: 'lowest-price' },
        },
      },
    ]);
  });

  it('asks for every unit on-demand when the retry after a spot loss must be on-demand', () => {
    const core = runJobFlowInput(run, cluster, [], { onDemand: true }).Instances?.InstanceFleets?.[1];
    expect(core).toMatchObject({ TargetOnDemandCapacity: 16, LaunchSpecifications: {} });
    expect(core?.TargetSpotCapacity).toBeUndefined();
    expect(core?.InstanceTypeConfigs?.every((t) => t.BidPrice === undefined)).toBe(true);
  });

  it('sends requests that match the AWS model of RunJobFlow', () => {
    const op = findOperation('emr', 'RunJobFlow')!;
    for (const onDemand of [false, true]) {
      const wire = JSON.parse(JSON.stringify(runJobFlowInput(run, cluster, [], { onDemand })));
      expect(validateInput('emr', op.input, wire)).toEqual({ constraint: [], type: [] });
    }
    const broken = JSON.parse(JSON.stringify(runJobFlowInput(run, cluster, [])));
    broken.Instances.InstanceFleets[1].LaunchSpecifications.SpotSpecification.TimeoutAction = 'WAIT';
    expect(validateInput('emr', op.input, broken).constraint).toHaveLength(1);
  });

  it('is accepted alone and rejected beside instance groups, naming the field', () => {
    expect(problemsOf({ ...cluster })).toEqual([]);
    const master = {
      emr_instance_type: 'm5.xlarge',
      instance_count: 1,
      aws_market: { on_demand: 'on_demand' },
    };
    expect(problemsOf({ ...cluster, master_instance: master })).toEqual([
      `${at}.instance_fleets: cannot be combined with master_instance: a cluster has instance groups or instance fleets`,
    ]);
    const { instance_fleets: _none, ...neither } = cluster;
    expect(problemsOf(neither)).toEqual([`${at}.master_instance: is required (or give instance_fleets)`]);
  });

  it('rejects fleets without capacity, a master of more than one node and unknown fields', () => {
    const empty = { ...fleets, core: { instance_types: [{ emr_instance_type: 'r5.xlarge' }] } };
    expect(problemsOf({ ...cluster, instance_fleets: empty })).toEqual([
      `${at}.instance_fleets.core: needs target_on_demand_capacity or target_spot_capacity above 0`,
    ]);
    const bigMaster = { ...fleets, master: { ...fleets.master, target_spot_capacity: 2 } };
    expect(problemsOf({ ...cluster, instance_fleets: bigMaster })).toEqual([
      `${at}.instance_fleets.master: target_on_demand_capacity + target_spot_capacity must be 1 (one master node), got 3`,
    ]);
    const typo = { ...fleets, task: { instance_types: [{ emr_instance_type: 'c5.xlarge', weight: 2 }] } };
    expect(problemsOf({ ...cluster, instance_fleets: typo })[0]).toMatch(
      /instance_fleets\.task\.instance_types\[0\]\.weight: unknown field/,
    );
  });
});
