import {
  CancelStepsCommand,
  type EMRClient,
  type StepSummary,
  TerminateJobFlowsCommand,
} from '@aws-sdk/client-emr';

/** What tearing a task down needs to know of it. */
export interface EmrWork {
  clusterId: string;
  /** The cluster is ours (RunJobFlow): it goes. Otherwise only our steps do. */
  newCluster: boolean;
  stepIds?: string[];
}

/**
 * A kill: terminates the cluster we created, or cancels our steps on an existing cluster
 * (TERMINATE_PROCESS), saying so through `log`. The poller then sees the steps end.
 *
 * @example
 * await stopEmrWork(emr, work, 'killed by request', (m) => host.log(taskId, 'scheduler', m));
 */
export async function stopEmrWork(
  emr: EMRClient,
  work: EmrWork,
  reason: string,
  log: (message: string) => void,
): Promise<void> {
  if (work.newCluster) {
    await emr.send(new TerminateJobFlowsCommand({ JobFlowIds: [work.clusterId] }));
    log(`terminating EMR cluster ${work.clusterId} (${reason})`);
    return;
  }
  if (!work.stepIds?.length) return;
  const out = await emr.send(
    new CancelStepsCommand({
      ClusterId: work.clusterId,
      StepIds: work.stepIds,
      StepCancellationOption: 'TERMINATE_PROCESS',
    }),
  );
  for (const info of out.CancelStepsInfoList ?? []) {
    const what =
      info.Status === 'SUBMITTED'
        ? 'cancelling it (CancelSteps, TERMINATE_PROCESS)'
        : `EMR could not cancel it: ${info.Reason ?? info.Status}`;
    log(`step ${info.StepId} on existing cluster ${work.clusterId}: ${what}`);
  }
}

/**
 * After the task ended nothing of ours may keep running: our cluster is terminated, our steps
 * still pending on an existing cluster are cancelled. Throws when AWS refused or did not answer.
 *
 * @example
 * await cleanUpEmrWork(emr, work, steps, (m) => host.log(taskId, 'scheduler', m));
 */
export async function cleanUpEmrWork(
  emr: EMRClient,
  work: EmrWork,
  steps: StepSummary[],
  log: (message: string) => void,
): Promise<void> {
  if (work.newCluster) {
    await emr.send(new TerminateJobFlowsCommand({ JobFlowIds: [work.clusterId] }));
    log(`EMR cluster ${work.clusterId} terminated with its task`);
    return;
  }
  const pending = steps.filter((s) => s.Status?.State === 'PENDING').map((s) => s.Id!);
  if (pending.length === 0) return;
  await emr.send(new CancelStepsCommand({ ClusterId: work.clusterId, StepIds: pending }));
  log(`cancelled the remaining steps ${pending.join(', ')}`);
}
