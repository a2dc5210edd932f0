import { EMRClient, ListInstanceFleetsCommand, ListInstanceGroupsCommand } from '@aws-sdk/client-emr';
import { describe, expect, it } from 'vitest';
import { planAwsRequests } from '../../../src/cli/plan.js';
import type { EmrInstanceFleets, ProcessDefinition } from '../../../src/domain/types.js';
import { awsOptions, awsTask, useAwsWorld } from './aws-world.js';
import { clustersOfTask, newClusterJob } from './emr-world.js';

const fleets: EmrInstanceFleets = {
  master: { instance_types: [{ emr_instance_type: 'm5.xlarge' }], target_on_demand_capacity: 1 },
  core: {
    instance_types: [
      { emr_instance_type: 'r5.2xlarge', weighted_capacity: 2 },
      { emr_instance_type: 'r5.4xlarge', weighted_capacity: 4, bid_price: 0.5 },
    ],
    target_on_demand_capacity: 2,
    target_spot_capacity: 8,
  },
};
/** The post's job on a cluster of instance fleets instead of the post's instance groups. */
const fleetJob = () =>
  newClusterJob({}, { master_instance: undefined, core_instance: undefined, instance_fleets: fleets });

describe('emr_command on a cluster of instance fleets', () => {
  const world = useAwsWorld();

  it('runs, sends what `sundial plan` shows, and EMR lists the fleets', async () => {
    const def: ProcessDefinition = {
      process_definition_name: 'emr-fleets',
      task_definitions: [awsTask('spark', JSON.parse(JSON.stringify(fleetJob())))],
    };
    await world.h.put(def);
    const run = await world.h.triggerAndWait('emr-fleets');
    expect(run.status).toBe('succeeded');
    const [cluster] = clustersOfTask(world.emulator, run.task[0]!.task_id);
    const [planned] = planAwsRequests(def, { publicUrl: world.h.url });
    const plannedInstances = (planned!.input as { Instances: unknown }).Instances;
    expect(cluster!.RequestedInstances).toEqual(JSON.parse(JSON.stringify(plannedInstances)));

    const emr = new EMRClient(awsOptions(world.emulator).client!);
    const listed = await emr.send(new ListInstanceFleetsCommand({ ClusterId: cluster!.Id }));
    const groups = await emr.send(new ListInstanceGroupsCommand({ ClusterId: cluster!.Id }));
    emr.destroy();
    expect(groups.InstanceGroups).toEqual([]);
    expect(
      listed.InstanceFleets?.map((f) => [
        f.InstanceFleetType,
        f.TargetOnDemandCapacity,
        f.TargetSpotCapacity,
      ]),
    ).toEqual([
      ['MASTER', 1, 0],
      ['CORE', 2, 8],
    ]);
    expect(listed.InstanceFleets?.[1]?.LaunchSpecifications?.SpotSpecification).toEqual({
      TimeoutDurationMinutes: 10,
      TimeoutAction: 'SWITCH_TO_ON_DEMAND',
      AllocationStrategy: 'price-capacity-optimized',
    });
  });

  it('switches the spot units to on-demand when no spot capacity comes', async () => {
    await world.h.put({
      process_definition_name: 'emr-fleets-no-spot',
      task_definitions: [awsTask('spark', fleetJob())],
    });
    world.emulator.injectFault({ type: 'insufficient-capacity' });
    const run = await world.h.triggerAndWait('emr-fleets-no-spot');
    expect(run.status).toBe('succeeded');
    const [cluster] = clustersOfTask(world.emulator, run.task[0]!.task_id);
    expect(cluster!.InstanceUnits.map((u) => [u.Role, u.SwitchedToOnDemand])).toEqual([
      ['MASTER', undefined],
      ['CORE', true],
    ]);
  });
});
