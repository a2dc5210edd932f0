import type { InstanceFleetConfig, InstanceGroupConfig, JobFlowInstancesConfig } from '@aws-sdk/client-emr';
import { emrId, epochSeconds } from '../ids.js';
import type { JsonObject } from '../types.js';
import type { ClusterRecord, Reason } from './emr-records.js';

/**
 * A cluster's instance groups or instance fleets as RunJobFlow asked for them. Their state follows
 * the cluster's; a spot fault gives one its own state-change reason, as EMR reports a lost group.
 */
export interface InstanceUnitRecord {
  id: string;
  kind: 'group' | 'fleet';
  name: string;
  role: string;
  /** The request as sent (InstanceGroupConfig or InstanceFleetConfig). */
  config: JsonObject;
  /** Why this group or fleet changed state on its own (a spot interruption); else the cluster's story. */
  reason?: Reason;
  /** Instances lost (spot interruption): the group reports 0 running. */
  lost?: boolean;
  /** No spot capacity came and the fleet's timeout action switched its spot units to on-demand. */
  switched?: boolean;
}

/** The units of a RunJobFlow `Instances`: fleets, groups, or the old MasterInstanceType/InstanceCount form. */
export function instanceUnits(instances: JsonObject | undefined): InstanceUnitRecord[] {
  const req = (instances ?? {}) as JobFlowInstancesConfig;
  if (req.InstanceFleets?.length) {
    return req.InstanceFleets.map((f: InstanceFleetConfig) => ({
      id: emrId('if'),
      kind: 'fleet',
      name: f.Name ?? f.InstanceFleetType ?? '',
      role: f.InstanceFleetType ?? 'CORE',
      config: f as unknown as JsonObject,
    }));
  }
  const groups: InstanceGroupConfig[] = req.InstanceGroups?.length
    ? req.InstanceGroups
    : [
        {
          InstanceRole: 'MASTER',
          InstanceType: req.MasterInstanceType,
          InstanceCount: 1,
          Market: 'ON_DEMAND',
        },
        ...((req.InstanceCount ?? 1) > 1
          ? [
              {
                InstanceRole: 'CORE' as const,
                InstanceType: req.SlaveInstanceType ?? req.MasterInstanceType,
                InstanceCount: (req.InstanceCount ?? 1) - 1,
                Market: 'ON_DEMAND' as const,
              },
            ]
          : []),
      ];
  return groups.map((g) => ({
    id: emrId('ig'),
    kind: 'group',
    name: g.Name ?? g.InstanceRole ?? '',
    role: g.InstanceRole ?? 'CORE',
    config: JSON.parse(JSON.stringify(g)) as JsonObject,
  }));
}

/** True when the unit runs (some) spot instances. */
export function isSpotUnit(unit: InstanceUnitRecord): boolean {
  const c = unit.config;
  return unit.kind === 'group' ? c.Market === 'SPOT' : Number(c.TargetSpotCapacity ?? 0) > 0;
}

/** The unit's state, derived from its cluster's (group and fleet states differ at the end). */
function unitState(unit: InstanceUnitRecord, cluster: ClusterRecord): string {
  switch (cluster.state) {
    case 'STARTING':
      return 'PROVISIONING';
    case 'BOOTSTRAPPING':
      return 'BOOTSTRAPPING';
    case 'RUNNING':
    case 'WAITING':
      return unit.lost && unit.kind === 'group' ? 'ARRESTED' : 'RUNNING';
    case 'TERMINATING':
      return unit.kind === 'group' ? 'SHUTTING_DOWN' : 'TERMINATING';
    default:
      return unit.kind === 'group' ? 'ENDED' : 'TERMINATED';
  }
}

function unitStatus(unit: InstanceUnitRecord, cluster: ClusterRecord): JsonObject {
  const ended = cluster.state.startsWith('TERMINATED');
  const reason =
    unit.reason ?? (ended ? { Code: 'CLUSTER_TERMINATED', Message: 'Cluster was terminated.' } : {});
  return JSON.parse(
    JSON.stringify({
      State: unitState(unit, cluster),
      StateChangeReason: reason,
      Timeline: {
        CreationDateTime: epochSeconds(cluster.created),
        ReadyDateTime: cluster.ready && epochSeconds(cluster.ready),
        EndDateTime: cluster.ended && epochSeconds(cluster.ended),
      },
    }),
  ) as JsonObject;
}

const running = (unit: InstanceUnitRecord, cluster: ClusterRecord) =>
  !unit.lost && (cluster.state === 'RUNNING' || cluster.state === 'WAITING');

/** ListInstanceGroups' view of a group. */
export function instanceGroupOutput(unit: InstanceUnitRecord, cluster: ClusterRecord): JsonObject {
  const c = unit.config;
  const count = Number(c.InstanceCount ?? 1);
  return JSON.parse(
    JSON.stringify({
      Id: unit.id,
      Name: unit.name,
      Market: c.Market ?? 'ON_DEMAND',
      InstanceGroupType: unit.role,
      BidPrice: c.BidPrice,
      InstanceType: c.InstanceType,
      RequestedInstanceCount: count,
      RunningInstanceCount: running(unit, cluster) ? count : 0,
      Status: unitStatus(unit, cluster),
    }),
  ) as JsonObject;
}

/** ListInstanceFleets' view of a fleet: what it asked for is what it got, unless its spot units were lost. */
export function instanceFleetOutput(unit: InstanceUnitRecord, cluster: ClusterRecord): JsonObject {
  const c = unit.config as unknown as InstanceFleetConfig;
  const up = running(unit, cluster);
  return JSON.parse(
    JSON.stringify({
      Id: unit.id,
      Name: unit.name,
      Status: unitStatus(unit, cluster),
      InstanceFleetType: unit.role,
      TargetOnDemandCapacity: c.TargetOnDemandCapacity ?? 0,
      TargetSpotCapacity: c.TargetSpotCapacity ?? 0,
      ProvisionedOnDemandCapacity: up
        ? (c.TargetOnDemandCapacity ?? 0) + (unit.switched ? (c.TargetSpotCapacity ?? 0) : 0)
        : 0,
      ProvisionedSpotCapacity: up && !unit.switched ? (c.TargetSpotCapacity ?? 0) : 0,
      InstanceTypeSpecifications: (c.InstanceTypeConfigs ?? []).map((t) => ({
        InstanceType: t.InstanceType,
        WeightedCapacity: t.WeightedCapacity ?? 1,
        BidPrice: t.BidPrice,
        BidPriceAsPercentageOfOnDemandPrice: t.BidPriceAsPercentageOfOnDemandPrice,
      })),
      LaunchSpecifications: c.LaunchSpecifications,
    }),
  ) as JsonObject;
}

/** What the insufficient-capacity fault reports, in EC2's words. */
export function capacityShortage(unit: InstanceUnitRecord): Reason {
  const type = unit.kind === 'group' ? unit.config.InstanceType : 'the requested instance types';
  return {
    Code: 'INSTANCE_FAILURE',
    Message: `Spot instances of ${unit.kind === 'group' ? 'instance group' : 'instance fleet'} ${unit.id} could not be provisioned: InsufficientInstanceCapacity: We currently do not have sufficient ${type} Spot capacity in the Availability Zone you requested (us-east-1a).`,
  };
}
