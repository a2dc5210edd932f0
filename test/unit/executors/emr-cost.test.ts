import { describe, expect, it } from 'vitest';
import type { NewEmrCluster } from '../../../src/domain/types.js';
import { clusterCost } from '../../../src/executors/emr/emr-cost.js';

const base: Pick<
  NewEmrCluster,
  'name' | 'applications' | 's3_log_uri' | 'emr_service_role' | 'emr_job_flow_role'
> = {
  name: 'c',
  applications: ['Spark'],
  s3_log_uri: 's3://logs',
  emr_service_role: { default_emr_service_role: 'EMR_DefaultRole' },
  emr_job_flow_role: { default_emr_job_flow_role: 'EMR_EC2_DefaultRole' },
};
const prices = {
  instances: { 'm5.xlarge': { on_demand: 0.2, spot: 0.08 }, 'r5.2xlarge': { on_demand: 0.5 } },
};
const twoHours = 2 * 3_600_000;

describe('EMR cluster cost', () => {
  it('prices instance groups on demand, spot at the table price, else the bid', () => {
    const cluster: NewEmrCluster = {
      ...base,
      master_instance: {
        emr_instance_type: 'm5.xlarge',
        instance_count: 3,
        aws_market: { on_demand: 'on_demand' },
      },
      core_instance: {
        emr_instance_type: 'm5.xlarge',
        instance_count: 2,
        aws_market: { spot: { bid_price: 0.1 } },
      },
      task_instance: {
        emr_instance_type: 'r5.2xlarge',
        instance_count: 4,
        aws_market: { spot: { bid_price: 0.3 } },
      },
    };
    // master: 1 × 0.2; core: 2 × 0.08 (table spot); task: 4 × 0.3 (bid); for 2 hours.
    expect(clusterCost(cluster, false, twoHours, prices)).toEqual({ usd: 3.12, instance_hours: 14 });
    // The on-demand retry after a spot loss: every instance at the on-demand price.
    expect(clusterCost(cluster, true, twoHours, prices)).toEqual({ usd: 5.2, instance_hours: 14 });
  });

  it('counts fleets in instances of their first type, and names types without a price', () => {
    const cluster: NewEmrCluster = {
      ...base,
      instance_fleets: {
        master: { instance_types: [{ emr_instance_type: 'm5.xlarge' }], target_on_demand_capacity: 1 },
        core: {
          instance_types: [{ emr_instance_type: 'c9.huge', weighted_capacity: 4 }],
          target_on_demand_capacity: 4,
          target_spot_capacity: 6,
        },
      },
    };
    // master 1 × 0.2 × 2 h; core: 1 on-demand + 2 spot c9.huge, unpriced.
    expect(clusterCost(cluster, false, twoHours, prices)).toEqual({
      usd: 0.4,
      instance_hours: 8,
      unpriced: ['c9.huge'],
    });
  });
});
