import { DescribeClusterCommand, type EMRClient } from '@aws-sdk/client-emr';
import type { NewEmrCluster } from '../../domain/types.js';
import { type JobCost, type PriceTable, round } from '../aws/price-table.js';

/** Instances of one type and market a cluster ran. */
interface InstanceRun {
  type: string;
  count: number;
  spot: boolean;
  bid?: number;
}

/**
 * What a cluster cost: its instances (from the definition: instance groups, or fleets counted in
 * instances of their first type) × the hours from its creation to its end × the price table's
 * price (spot: the table's spot price, else the bid, else on-demand).
 *
 * @example
 * clusterCost(post.new_emr_cluster, false, 2 * 3_600_000, { instances: { 'm4.large': { on_demand: 0.1 }, 'm4.xlarge': { on_demand: 0.2 } } })
 * // { usd: 1, instance_hours: 6 }
 */
export function clusterCost(
  cluster: NewEmrCluster,
  onDemand: boolean,
  durationMs: number,
  prices: PriceTable,
): JobCost {
  const hours = Math.max(0, durationMs) / 3_600_000;
  let usd = 0;
  let instanceHours = 0;
  const unpriced = new Set<string>();
  for (const run of instanceRuns(cluster, onDemand)) {
    instanceHours += run.count * hours;
    const price = prices.instances?.[run.type];
    if (!price) {
      unpriced.add(run.type);
      continue;
    }
    const perHour = run.spot ? (price.spot ?? run.bid ?? price.on_demand) : price.on_demand;
    usd += run.count * hours * perHour;
  }
  return {
    usd: round(usd),
    instance_hours: round(instanceHours),
    ...(unpriced.size > 0 && { unpriced: [...unpriced] }),
  };
}

function instanceRuns(cluster: NewEmrCluster, onDemand: boolean): InstanceRun[] {
  const fleets = cluster.instance_fleets;
  if (fleets) {
    return [fleets.master, fleets.core, fleets.task].flatMap((f) => {
      const first = f?.instance_types[0];
      if (!f || !first) return [];
      const weight = first.weighted_capacity ?? 1;
      const spotUnits = onDemand ? 0 : (f.target_spot_capacity ?? 0);
      const onDemandUnits = (f.target_on_demand_capacity ?? 0) + (f.target_spot_capacity ?? 0) - spotUnits;
      return [
        { type: first.emr_instance_type, count: Math.ceil(onDemandUnits / weight), spot: false },
        {
          type: first.emr_instance_type,
          count: Math.ceil(spotUnits / weight),
          spot: true,
          ...(first.bid_price !== undefined && { bid: first.bid_price }),
        },
      ].filter((r) => r.count > 0);
    });
  }
  const groups = [
    cluster.master_instance && { ...cluster.master_instance, instance_count: 1 },
    cluster.core_instance,
    cluster.task_instance,
  ];
  return groups.flatMap((g) => {
    if (!g) return [];
    const spot = 'spot' in g.aws_market && !onDemand;
    return [
      {
        type: g.emr_instance_type,
        count: g.instance_count,
        spot,
        ...('spot' in g.aws_market && { bid: g.aws_market.spot.bid_price }),
      },
    ];
  });
}

/**
 * What a cluster we created cost, from creation to its end (or now, if it has not ended yet) as
 * DescribeCluster tells; `fallbackStart` when EMR gives no creation time.
 *
 * @example
 * const cost = await createdClusterCost(emr, 'j-1', spec, false, prices, run.startedAt);
 */
export async function createdClusterCost(
  emr: EMRClient,
  clusterId: string,
  cluster: NewEmrCluster,
  onDemand: boolean,
  prices: PriceTable,
  fallbackStart: Date,
): Promise<JobCost> {
  const { Cluster } = await emr.send(new DescribeClusterCommand({ ClusterId: clusterId }));
  const timeline = Cluster?.Status?.Timeline;
  const created = timeline?.CreationDateTime?.getTime() ?? fallbackStart.getTime();
  const ended = timeline?.EndDateTime?.getTime() ?? Date.now();
  return clusterCost(cluster, onDemand, ended - created, prices);
}
