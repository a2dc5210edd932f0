import type { Command } from 'commander';
import type { PlanOptions } from './plan.js';

/**
 * `sundial plan -f def.json`: the AWS requests each task would make, without making them.
 * The planning itself (the executors' request builders) is imported when the command runs.
 *
 * @example
 * registerPlanCommand(program); // sundial plan -f nightly.json --batch-job-queue jobs
 */
export function registerPlanCommand(program: Command): void {
  program
    .command('plan')
    .description('print the AWS requests (operation and input) each task of a definition would make')
    .requiredOption('-f, --file <file>', 'definition JSON')
    .option(
      '--public-url <url>',
      'URL jobs use to call back',
      process.env.SUNDIAL_PUBLIC_URL ?? 'http://127.0.0.1:8080',
    )
    .option('--region <region>', 'region of Batch and ECS jobs (default AWS_REGION, else us-east-1)')
    .option('--batch-job-queue <queue>', 'Batch queue of jobs that name none (SUNDIAL_BATCH_JOB_QUEUE)')
    .option('--ecs-cluster <cluster>', 'ECS cluster (SUNDIAL_ECS_CLUSTER, else default)')
    .option('--json', 'print the requests as a JSON array')
    .action(async (o: PlanOptions) => {
      // Loaded here: the executors' request builders are this command's only, not every command's start.
      const { runPlan } = await import('./plan.js');
      runPlan(o);
    });
}
