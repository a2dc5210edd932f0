import type { EMRClient } from '@aws-sdk/client-emr';
import { errorText } from '../aws/aws-errors.js';
import { addCosts, costText, type PriceTable } from '../aws/price-table.js';
import type { ExecutorHost } from '../executor.js';
import { createdClusterCost } from './emr-cost.js';
import { commandOf } from './emr-submit.js';
import type { EmrTarget } from './emr-target.js';

export interface CostRecordDeps {
  prices?: PriceTable;
  emr: EMRClient;
  host: Pick<ExecutorHost, 'progress' | 'log'>;
  onCost?: (executor: 'emr', usd: number) => void;
}

/**
 * With a price table: what a cluster we created cost (its definition's instances × the hours
 * from its creation to its end, or now), added to the task's `cost` (recorded with its state),
 * counted for `/metrics` and told in its log. Without prices, or on an existing cluster, nothing.
 *
 * @example
 * await recordClusterCost({ prices, emr, host, onCost }, target, 'j-1', 0);
 */
export async function recordClusterCost(
  deps: CostRecordDeps,
  t: EmrTarget,
  clusterId: string,
  spotLossesBefore: number,
): Promise<void> {
  const { prices, host } = deps;
  const cmd = commandOf(t.run);
  if (!prices?.instances || !t.newCluster || !('new_emr_cluster' in cmd.emr_cluster)) return;
  const spec = cmd.emr_cluster.new_emr_cluster;
  try {
    const onDemand = spotLossesBefore > 0 && spec.spot_fallback === 'on_demand';
    const cost = await createdClusterCost(deps.emr, clusterId, spec, onDemand, prices, t.run.startedAt);
    t.cost = addCosts(t.cost, cost);
    await host.progress(t.taskId, t.status ?? 'running', { cost: t.cost });
    deps.onCost?.('emr', cost.usd);
    host.log(t.taskId, 'scheduler', `EMR cluster ${clusterId} cost ${costText(cost)}`);
  } catch (err) {
    host.log(
      t.taskId,
      'scheduler',
      `could not work out what EMR cluster ${clusterId} cost: ${errorText(err)}`,
    );
  }
}
