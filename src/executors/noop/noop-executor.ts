import type { Executor, ExecutorHost, TaskRun } from '../executor.js';

/**
 * Runs `noop_command`: nothing. The task succeeds as soon as it starts, so a
 * DAG can join or fan out without paying for a process or an AWS job
 * (the role of Airflow's EmptyOperator).
 *
 * @example
 * engine.register(new NoopExecutor(engine));
 * // task_definitions: [{ task_definition_name: 'join', executable: { noop_command: {} }, … }]
 */
export class NoopExecutor implements Executor {
  readonly kind = 'noop';

  constructor(private readonly host: ExecutorHost) {}

  async start(run: TaskRun): Promise<void> {
    this.host.finished(run.taskId, { succeeded: true });
  }

  /** Nothing to stop: the task has already ended by the time a kill could arrive. */
  async kill(): Promise<void> {}

  /** A noop interrupted by a restart did nothing either way, so it can safely succeed now. */
  async resume(runs: readonly TaskRun[]): Promise<void> {
    for (const run of runs) this.host.finished(run.taskId, { succeeded: true });
  }

  async close(): Promise<void> {}
}
