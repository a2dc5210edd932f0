import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Harness } from '../../helpers/harness.js';
import { awsOptions, awsTask, useAwsWorld } from './aws-world.js';
import { newClusterJob } from './emr-world.js';

interface CostedTask {
  cost?: { usd: number; instance_hours: number };
  log_entries: { message: string }[];
}

describe('the cost of a run on a new EMR cluster', () => {
  const world = useAwsWorld({ sundial: false });
  let h: Harness;
  beforeAll(async () => {
    h = await Harness.start({
      aws: awsOptions(world.emulator, {
        prices: {
          instances: { 'm4.large': { on_demand: 0.1 }, 'm4.xlarge': { on_demand: 0.2, spot: 0.05 } },
        },
      }),
    });
  });
  afterAll(() => h?.close());

  it('is instance-hours × the price table, on the task, the run and /metrics', async () => {
    await h.put({
      process_definition_name: 'emr-cost',
      task_definitions: [awsTask('spark', newClusterJob())],
    });
    const run = (await h.triggerAndWait('emr-cost')) as Awaited<ReturnType<Harness['triggerAndWait']>> & {
      cost_usd?: number;
    };
    expect(run.status).toBe('succeeded');
    const task = run.task[0] as unknown as CostedTask;
    // The post's cluster: one m4.large master and two m4.xlarge core nodes, on demand.
    const cost = task.cost!;
    const hoursEach = cost.instance_hours / 3;
    expect(hoursEach).toBeGreaterThan(0);
    // Both figures are rounded to 1e-6: compare to 1e-5.
    expect(cost.usd).toBeCloseTo(hoursEach * (0.1 + 2 * 0.2), 5);
    expect(run.cost_usd).toBe(cost.usd);
    // Said in the task's log, stored before the run was recorded ended (the run read above).
    expect(task.log_entries.map((l) => l.message)).toContainEqual(
      expect.stringMatching(/^EMR cluster j-\w+ cost \$\d+\.\d{4}: \d+\.\d{4} instance-hours$/),
    );
    const metrics = await (await fetch(`${h.url}/metrics`)).text();
    const line = metrics.split('\n').find((l) => l.startsWith('sundial_aws_cost_usd_total{executor="emr"}'));
    expect(Number(line?.split(' ')[1])).toBeCloseTo(cost.usd, 6);
  });
});
