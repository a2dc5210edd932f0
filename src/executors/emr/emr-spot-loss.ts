import {
  DescribeClusterCommand,
  type EMRClient,
  ListInstanceFleetsCommand,
  ListInstanceGroupsCommand,
} from '@aws-sdk/client-emr';

/** A state-change reason as EMR reports it on a cluster, an instance group or an instance fleet. */
export interface StateChangeReason {
  Code?: string;
  Message?: string;
}

/** Codes EMR gives a cluster, group or fleet that lost its instances or never got them. */
const CAPACITY_CODES = ['INSTANCE_FAILURE', 'INSTANCE_FLEET_TIMEOUT'];
const CAPACITY_WORDS = /spot|insufficient\s*(instance)?\s*capacity/i;

/**
 * True when a reason says the instances were lost or never came (instance failure, spot
 * interruption, insufficient capacity), rather than the job failing on its own.
 *
 * @example
 * isCapacityLoss({ Code: 'INSTANCE_FAILURE', Message: 'Spot instance capacity lost' }) // true
 * isCapacityLoss({ Code: 'STEP_FAILURE', Message: 'Shut down as step failed' }) // false
 */
export function isCapacityLoss(reason: StateChangeReason | undefined): boolean {
  if (!reason) return false;
  return CAPACITY_CODES.includes(reason.Code ?? '') || CAPACITY_WORDS.test(reason.Message ?? '');
}

const describe = (what: string, r: StateChangeReason) =>
  `${what}: ${[r.Code, r.Message].filter(Boolean).join(': ')}`;

/**
 * Why a cluster we created lost its capacity, if it did: its own state-change reason, else that of
 * one of its instance groups (or fleets). Undefined when neither tells of a capacity loss.
 *
 * @example
 * await capacityLossOf(emr, 'j-1', false)
 * // 'instance group ig-2 (CORE): INSTANCE_FAILURE: Spot instances of ig-2 were terminated by EC2 …'
 */
export async function capacityLossOf(
  emr: EMRClient,
  clusterId: string,
  fleets: boolean,
): Promise<string | undefined> {
  const { Cluster } = await emr.send(new DescribeClusterCommand({ ClusterId: clusterId }));
  const own = Cluster?.Status?.StateChangeReason;
  if (own && isCapacityLoss(own)) return describe(`cluster ${clusterId}`, own);
  const units = fleets
    ? ((await emr.send(new ListInstanceFleetsCommand({ ClusterId: clusterId }))).InstanceFleets ?? []).map(
        (f) => ({
          what: `instance fleet ${f.Id} (${f.InstanceFleetType})`,
          reason: f.Status?.StateChangeReason,
        }),
      )
    : ((await emr.send(new ListInstanceGroupsCommand({ ClusterId: clusterId }))).InstanceGroups ?? []).map(
        (g) => ({
          what: `instance group ${g.Id} (${g.InstanceGroupType})`,
          reason: g.Status?.StateChangeReason,
        }),
      );
  const lost = units.find((u) => isCapacityLoss(u.reason));
  return lost?.reason ? describe(lost.what, lost.reason) : undefined;
}
