import type {
  EbsConfiguration,
  InstanceFleetConfig,
  InstanceFleetType,
  InstanceGroupConfig,
  InstanceRoleType,
  JobFlowInstancesConfig,
} from '@aws-sdk/client-emr';
import type { EmrInstanceFleet, EmrInstanceGroupDetails, NewEmrCluster } from '../../domain/types.js';

/** Minutes a fleet waits for spot capacity before it switches to on-demand, unless the definition says. */
export const DEFAULT_SPOT_TIMEOUT_MINUTES = 10;

/**
 * The machines of a new cluster, as RunJobFlow's `Instances.InstanceGroups` or
 * `Instances.InstanceFleets`. `onDemand` (a retry after a spot loss with `spot_fallback:
 * on_demand`) asks for the same capacity with no spot instance at all.
 *
 * @example
 * clusterInstances(post.new_emr_cluster, false) // { InstanceGroups: [{ InstanceRole: 'MASTER', … }, …] }
 */
export function clusterInstances(
  cluster: NewEmrCluster,
  onDemand: boolean,
): Pick<JobFlowInstancesConfig, 'InstanceGroups' | 'InstanceFleets'> {
  const fleets = cluster.instance_fleets;
  if (fleets) {
    const list: InstanceFleetConfig[] = [instanceFleet('MASTER', fleets.master, onDemand)];
    if (fleets.core) list.push(instanceFleet('CORE', fleets.core, onDemand));
    if (fleets.task) list.push(instanceFleet('TASK', fleets.task, onDemand));
    return { InstanceFleets: list };
  }
  const groups: InstanceGroupConfig[] = [];
  if (cluster.master_instance) groups.push(instanceGroup('MASTER', cluster.master_instance, onDemand, 1));
  if (cluster.core_instance) groups.push(instanceGroup('CORE', cluster.core_instance, onDemand));
  if (cluster.task_instance) groups.push(instanceGroup('TASK', cluster.task_instance, onDemand));
  return { InstanceGroups: groups };
}

/** True when the cluster asks for any spot instance (so a spot loss is possible at all). */
export function usesSpot(cluster: NewEmrCluster): boolean {
  const fleets = cluster.instance_fleets;
  if (fleets)
    return [fleets.master, fleets.core, fleets.task].some((f) => (f?.target_spot_capacity ?? 0) > 0);
  return [cluster.master_instance, cluster.core_instance, cluster.task_instance].some(
    (g) => g && 'spot' in g.aws_market,
  );
}

const roleName = (role: string) => role.charAt(0) + role.slice(1).toLowerCase();

/** One instance group; the master's count is always 1, whatever the definition says. */
function instanceGroup(
  role: InstanceRoleType,
  details: EmrInstanceGroupDetails,
  onDemand: boolean,
  forcedCount?: number,
): InstanceGroupConfig {
  const market = details.aws_market;
  const spot = 'spot' in market && !onDemand;
  const group: InstanceGroupConfig = {
    Name: roleName(role),
    InstanceRole: role,
    InstanceType: details.emr_instance_type,
    InstanceCount: forcedCount ?? details.instance_count,
    Market: spot ? 'SPOT' : 'ON_DEMAND',
  };
  if ('spot' in market && spot) group.BidPrice = String(market.spot.bid_price);
  if (details.ebs_volume_size) group.EbsConfiguration = ebs(details.ebs_volume_size);
  return group;
}

/**
 * One instance fleet: on-demand units as the base, spot units on top (price-capacity-optimized,
 * switching to on-demand when spot does not come in time). On-demand only, every unit is on-demand.
 */
function instanceFleet(
  role: InstanceFleetType,
  fleet: EmrInstanceFleet,
  onDemand: boolean,
): InstanceFleetConfig {
  const spotUnits = onDemand ? 0 : (fleet.target_spot_capacity ?? 0);
  const onDemandUnits =
    (fleet.target_on_demand_capacity ?? 0) + (onDemand ? (fleet.target_spot_capacity ?? 0) : 0);
  return {
    Name: roleName(role),
    InstanceFleetType: role,
    ...(onDemandUnits > 0 && { TargetOnDemandCapacity: onDemandUnits }),
    ...(spotUnits > 0 && { TargetSpotCapacity: spotUnits }),
    InstanceTypeConfigs: fleet.instance_types.map((t) => ({
      InstanceType: t.emr_instance_type,
      WeightedCapacity: t.weighted_capacity ?? 1,
      ...(spotUnits > 0 && t.bid_price !== undefined && { BidPrice: String(t.bid_price) }),
      ...(spotUnits > 0 &&
        t.bid_price_as_percentage_of_on_demand !== undefined && {
          BidPriceAsPercentageOfOnDemandPrice: t.bid_price_as_percentage_of_on_demand,
        }),
      ...(t.ebs_volume_size && { EbsConfiguration: ebs(t.ebs_volume_size) }),
    })),
    LaunchSpecifications: {
      ...(spotUnits > 0 && {
        SpotSpecification: {
          TimeoutDurationMinutes: fleet.spot_timeout_minutes ?? DEFAULT_SPOT_TIMEOUT_MINUTES,
          TimeoutAction: 'SWITCH_TO_ON_DEMAND',
          AllocationStrategy: 'price-capacity-optimized',
        },
      }),
      ...(onDemandUnits > 0 && { OnDemandSpecification: { AllocationStrategy: 'lowest-price' } }),
    },
  };
}

function ebs(sizeInGb: number): EbsConfiguration {
  return {
    EbsBlockDeviceConfigs: [
      { VolumeSpecification: { VolumeType: 'gp2', SizeInGB: sizeInGb }, VolumesPerInstance: 1 },
    ],
  };
}
