import type { Executor, ExecutorHost, TaskRun } from '../../../src/executors/executor.js';
import type { LogStreamRef } from '../../../src/logs/log-stream-ref.js';

/**
 * A stand-in for an AWS executor whose job writes to a remote log the test
 * controls: it reports the task running, asks the host to follow the log,
 * asks again after a scheduler restart (as the real executors do in
 * `resume`), and ends the task when the test says so.
 *
 * @example
 * const stub = new RemoteLogExecutor(host, 'batch', () => ref);
 * stub.end(taskId);
 */
export class RemoteLogExecutor implements Executor {
  constructor(
    private readonly host: ExecutorHost,
    readonly kind: 'batch' | 'ecs' | 'emr',
    private readonly refOf: (run: TaskRun) => LogStreamRef,
  ) {}

  async start(run: TaskRun): Promise<void> {
    await this.host.progress(run.taskId, 'running', { stub: true });
    this.host.watchLogs(run.taskId, this.refOf(run));
  }

  async resume(runs: readonly TaskRun[]): Promise<void> {
    for (const run of runs) this.host.watchLogs(run.taskId, this.refOf(run));
  }

  async kill(run: TaskRun, reason: string): Promise<void> {
    this.host.finished(run.taskId, { succeeded: false, reason });
  }

  async close(): Promise<void> {}

  /** The remote job finished. */
  end(taskId: string): void {
    this.host.finished(taskId, { succeeded: true });
  }
}
