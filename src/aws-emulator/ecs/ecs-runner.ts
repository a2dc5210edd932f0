import type { EmulatorContext } from '../context.js';
import type { LogStream } from '../logs/log-store.js';
import { childEnv, runProcess } from '../process-runner.js';
import { containerSecrets } from '../secrets-manager/container-secrets.js';
import type { ContainerRun, TaskRecord, TaskStatus } from './ecs-records.js';

const STOP_SEQUENCE: TaskStatus[] = ['DEACTIVATING', 'STOPPING', 'DEPROVISIONING', 'STOPPED'];

/**
 * Moves tasks PROVISIONING → PENDING → ACTIVATING → RUNNING → DEACTIVATING → STOPPING →
 * DEPROVISIONING → STOPPED, runs each container's command as a local process and ships its
 * output through an emulated awslogs driver. The task stops when an essential container exits.
 */
export class EcsRunner {
  constructor(private readonly ctx: EmulatorContext) {}

  private after(fn: () => void): void {
    this.ctx.timers.after(this.ctx.config.timings.transitionMs, fn);
  }

  private set(task: TaskRecord, status: TaskStatus): void {
    this.ctx.config.log(`ecs task ${task.id}: ${task.lastStatus} → ${status}`);
    task.lastStatus = status;
  }

  start(task: TaskRecord): void {
    const steps: TaskStatus[] = ['PENDING', 'ACTIVATING'];
    const advance = () => {
      if (task.desiredStatus === 'STOPPED') return;
      const next = steps.shift();
      if (next) {
        this.set(task, next);
        this.after(advance);
      } else {
        this.run(task);
      }
    };
    this.after(advance);
  }

  /**
   * The awslogs driver: `awslogs-group` must exist unless `awslogs-create-group` is "true" (then
   * the container cannot start, like on ECS); the stream is `prefix/container/task-id`.
   */
  private logStream(task: TaskRecord, c: ContainerRun): LogStream | undefined {
    const group = c.logOptions?.['awslogs-group'];
    if (!group) return undefined;
    if (!this.ctx.logs.groups.has(group) && c.logOptions?.['awslogs-create-group'] !== 'true') {
      throw new Error(
        `CannotStartContainerError: Error response from daemon: failed to initialize logging driver: ResourceNotFoundException: The specified log group does not exist. (group ${group})`,
      );
    }
    const prefix = c.logOptions?.['awslogs-stream-prefix'];
    return this.ctx.logs.ensureStream(group, prefix ? `${prefix}/${c.name}/${task.id}` : task.id);
  }

  private run(task: TaskRecord): void {
    if (task.desiredStatus === 'STOPPED') return;
    const streams = new Map<ContainerRun, LogStream | undefined>();
    const secrets = new Map<ContainerRun, Record<string, string>>();
    try {
      // Secrets are pulled before any container starts; one that cannot be read stops the task.
      for (const c of task.containers) secrets.set(c, containerSecrets(this.ctx, c.secrets));
      for (const c of task.containers) streams.set(c, this.logStream(task, c));
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      for (const c of task.containers) c.reason = reason;
      this.stop(task, 'TaskFailedToStart', reason);
      return;
    }
    task.startedAt = this.ctx.config.now();
    this.set(task, 'RUNNING');
    for (const c of task.containers) {
      const [command, ...args] = c.command;
      c.lastStatus = 'RUNNING';
      if (!command) {
        c.exitCode = 0;
        c.lastStatus = 'STOPPED';
        continue;
      }
      const stream = streams.get(c);
      c.process = runProcess(
        {
          command,
          args,
          env: childEnv(this.ctx.config, {
            ...Object.fromEntries(c.environment.map((e) => [e.name, e.value])),
            ...secrets.get(c),
          }),
          onLine: (_s, line) => {
            if (stream) this.ctx.logs.append(stream, [{ timestamp: Date.now(), message: line }]);
          },
        },
        this.ctx.config.timings.killGraceMs,
      );
      c.process.done.then((exit) => {
        c.process = undefined;
        c.exitCode = exit.code;
        if (exit.error) c.reason = `CannotStartContainerError: ${exit.error}`;
        c.lastStatus = 'STOPPED';
        const allDone = task.containers.every((x) => x.lastStatus === 'STOPPED');
        if (c.essential || allDone)
          this.stop(task, 'EssentialContainerExited', 'Essential container in task exited');
      });
    }
    if (task.containers.every((x) => x.lastStatus === 'STOPPED')) {
      this.stop(task, 'EssentialContainerExited', 'Essential container in task exited');
    }
  }

  /** desiredStatus STOPPED, kill what still runs, then walk the stop sequence. */
  stop(task: TaskRecord, stopCode: string, reason: string): void {
    if (task.desiredStatus === 'STOPPED') return;
    task.desiredStatus = 'STOPPED';
    task.stopCode = stopCode;
    task.stoppedReason = reason;
    task.stoppingAt = this.ctx.config.now();
    for (const c of task.containers) c.process?.stop('SIGTERM');
    const advance = () => {
      if (STOP_SEQUENCE.indexOf(task.lastStatus) < 0 || task.lastStatus === 'DEACTIVATING') {
        // Containers must be gone before the task leaves DEACTIVATING.
        if (task.containers.some((c) => c.process)) return this.after(advance);
      }
      const next = STOP_SEQUENCE[STOP_SEQUENCE.indexOf(task.lastStatus) + 1];
      if (!next) return;
      this.set(task, next);
      if (next === 'STOPPED') {
        task.stoppedAt = this.ctx.config.now();
        for (const c of task.containers) c.lastStatus = 'STOPPED';
        return;
      }
      this.after(advance);
    };
    this.after(advance);
  }

  async shutdown(tasks: Iterable<TaskRecord>): Promise<void> {
    const waits: Promise<unknown>[] = [];
    for (const t of tasks) {
      for (const c of t.containers) {
        if (c.process) {
          c.process.stop('SIGKILL');
          waits.push(c.process.done);
        }
      }
    }
    await Promise.all(waits);
  }
}
