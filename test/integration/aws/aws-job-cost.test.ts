import { describe, expect, it } from 'vitest';
import type { TaskExecutable } from '../../../src/domain/types.js';
import type { PriceTable } from '../../../src/executors/aws/price-table.js';
import type { WireProcess, WireTask } from '../../helpers/harness.js';
import { awsTask, createServerlessApplication, useAwsWorld } from './aws-world.js';

/** Each reading of the emulator's clock is six minutes (0.1 h) after the last. */
const TICK_MS = 6 * 60_000;

const PRICES: PriceTable = {
  batch: { vcpu_hour: 0.04, gb_hour: 0.005 },
  ecs: { vcpu_hour: 0.04048, gb_hour: 0.004445 },
  emr_serverless: { vcpu_hour: 0.052624, gb_hour: 0.0057785, storage_gb_hour: 0.000111 },
};

type Costed = WireProcess & {
  cost_usd?: number;
  task: (WireTask & { cost?: { usd: number; [hours: string]: number } })[];
};

let applicationId = '';

describe('the cost of Batch, ECS and EMR Serverless jobs', () => {
  let now = Date.parse('2026-12-01T00:00:00Z');
  const world = useAwsWorld({
    // Known run times: a job started at one reading and stopped at the next ran for 0.1 h.
    emulatorOptions: { clock: () => (now += TICK_MS) },
    seed: async (emulator) => {
      applicationId = await createServerlessApplication(emulator);
    },
    aws: { prices: PRICES },
    sundialOptions: { liveLogs: { graceMs: 300, s3GraceMs: 300, drainSettleMs: 200 } },
  });

  /** Runs a one-task process; returns the run, its task's cost and what /metrics counts for `executor`. */
  async function costOf(name: string, executable: TaskExecutable, executor: string) {
    await world.h.put({ process_definition_name: name, task_definitions: [awsTask('job', executable)] });
    const run = (await world.h.triggerAndWait(name)) as Costed;
    expect(run.status).toBe('succeeded');
    const task = run.task[0]!;
    const metrics = await (await fetch(`${world.h.url}/metrics`)).text();
    const line = metrics
      .split('\n')
      .find((l) => l.startsWith(`sundial_aws_cost_usd_total{executor="${executor}"}`));
    expect(run.cost_usd).toBe(task.cost?.usd);
    expect(Number(line?.split(' ')[1])).toBeCloseTo(task.cost!.usd, 9);
    return { cost: task.cost, said: task.log_entries.map((l) => l.message) };
  }

  it('a Batch job: the vCPUs and memory it asked for × the time it ran', async () => {
    const { cost, said } = await costOf(
      'cost-batch',
      {
        batch_image_command: {
          image: 'acme/etl',
          tag: '1',
          command: ['sundial-job'],
          vCpus: 2,
          memory: 4096,
        },
      },
      'batch',
    );
    // 2 vCPU and 4 GB for 0.1 h: 0.2 × 0.04 + 0.4 × 0.005.
    expect(cost).toEqual({ usd: 0.01, vcpu_hours: 0.2, memory_gb_hours: 0.4 });
    expect(said).toContainEqual(
      expect.stringMatching(/^AWS Batch job \S+ cost \$0\.0100: 0\.2000 vCPU-hours, 0\.4000 GB-hours$/),
    );
  });

  it('an ECS task: its cpu units and memory × the time from start to stop', async () => {
    const { cost } = await costOf(
      'cost-ecs',
      {
        docker_image_command: {
          image: 'acme/report',
          tag: '1',
          command: ['sundial-job'],
          cpu: 512,
          memory: 1024,
        },
      },
      'ecs',
    );
    // Started, stopping, stopped: 0.2 h of 0.5 vCPU and 1 GB: 0.1 × 0.04048 + 0.2 × 0.004445.
    expect(cost).toEqual({ usd: 0.004937, vcpu_hours: 0.1, memory_gb_hours: 0.2 });
  });

  it('an EMR Serverless job run: the vCPU, memory and disk hours it was billed', async () => {
    const { cost } = await costOf(
      'cost-serverless',
      {
        emr_serverless_command: {
          application_id: applicationId,
          execution_role_arn: 'arn:aws:iam::000000000000:role/emr-serverless-job',
          entry_point: 's3://acme-jobs/etl.jar',
          spark_submit_parameters:
            '--conf spark.executor.instances=1 --conf spark.executor.cores=2 --conf spark.executor.memory=7g ' +
            '--conf spark.emr-serverless.executor.disk=50g',
        },
      },
      'emr_serverless',
    );
    // A driver (4 vCPU, 16 GB, 20 GB disk) and an executor (2 vCPU, 7 GB + overhead = 8 GB, 50 GB
    // disk: 30 GB beyond the free 20) for 0.1 h: 0.6 × 0.052624 + 2.4 × 0.0057785 + 3 × 0.000111.
    expect(cost).toEqual({ usd: 0.045776, vcpu_hours: 0.6, memory_gb_hours: 2.4, storage_gb_hours: 3 });
  });
});
