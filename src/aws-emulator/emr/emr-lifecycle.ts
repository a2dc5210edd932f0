import type { EmulatorContext } from '../context.js';
import { childEnv, type ProcessExit, runProcess } from '../process-runner.js';
import type { JsonObject } from '../types.js';
import { capacityShortage, isSpotUnit } from './emr-instances.js';
import {
  type ClusterRecord,
  type ClusterState,
  isEndingCluster,
  isTerminalStep,
  type Reason,
  type StepRecord,
} from './emr-records.js';
import { controllerLog, stepLogUri, uploadStepLogs } from './step-logs.js';

/**
 * Drives clusters STARTING → BOOTSTRAPPING → WAITING/RUNNING → TERMINATING → TERMINATED(_WITH_ERRORS)
 * and runs their steps one at a time as local processes, honouring ActionOnFailure and
 * KeepJobFlowAliveWhenNoSteps like EMR does.
 */
export class EmrLifecycle {
  constructor(private readonly ctx: EmulatorContext) {}

  private get delay(): number {
    return this.ctx.config.timings.transitionMs;
  }

  private setState(cluster: ClusterRecord, state: ClusterState): void {
    if (cluster.state !== state)
      this.ctx.config.log(`emr cluster ${cluster.id}: ${cluster.state} → ${state}`);
    cluster.state = state;
  }

  start(cluster: ClusterRecord): void {
    this.ctx.timers.after(this.delay, () => {
      if (isEndingCluster(cluster)) return;
      if (cluster.noSpotCapacity && !this.provisionWithoutSpot(cluster)) return;
      this.setState(cluster, 'BOOTSTRAPPING');
      this.ctx.timers.after(this.delay, () => {
        if (isEndingCluster(cluster)) return;
        if (cluster.bootstrapFails) {
          this.terminate(cluster, 'TERMINATED_WITH_ERRORS', {
            Code: 'BOOTSTRAP_FAILURE',
            Message:
              'On the master instance (i-0emulator0000000), bootstrap action 1 returned a non-zero return code',
          });
          return;
        }
        cluster.ready = Date.now();
        cluster.reason = { Message: 'Cluster ready to run steps.' };
        this.setState(cluster, 'WAITING');
        this.pump(cluster);
      });
    });
  }

  /**
   * No spot capacity came: fleets whose timeout action is SWITCH_TO_ON_DEMAND get on-demand
   * instances instead; anything else (an instance group, a fleet set to terminate) ends the cluster.
   * False when the cluster ends.
   */
  private provisionWithoutSpot(cluster: ClusterRecord): boolean {
    const spot = cluster.instances.filter(isSpotUnit);
    const stuck = spot.filter((u) => {
      const action = (u.config.LaunchSpecifications as JsonObject | undefined)?.SpotSpecification as
        | JsonObject
        | undefined;
      return u.kind === 'group' || action?.TimeoutAction !== 'SWITCH_TO_ON_DEMAND';
    });
    for (const u of spot) u.switched = !stuck.includes(u);
    if (stuck.length === 0) return true;
    for (const u of stuck) u.reason = capacityShortage(u);
    const fleet = stuck[0]!.kind === 'fleet';
    this.terminate(cluster, 'TERMINATED_WITH_ERRORS', {
      Code: fleet ? 'INSTANCE_FLEET_TIMEOUT' : 'INSTANCE_FAILURE',
      Message: fleet
        ? `The instance fleet ${stuck[0]!.id} did not reach its Spot target capacity within its timeout.`
        : `${stuck[0]!.reason?.Message}`,
    });
    return false;
  }

  /**
   * EC2 takes back the spot instances of a role: losing the master ends the cluster at once; losing
   * core or task nodes fails the running step (its executors are gone), whose ActionOnFailure decides.
   */
  spotInterrupt(cluster: ClusterRecord, role: 'MASTER' | 'CORE' | 'TASK'): void {
    const unit = cluster.instances.find((u) => u.role === role);
    if (unit) {
      unit.lost = true;
      unit.reason = {
        Code: 'INSTANCE_FAILURE',
        Message: `Spot instances of ${unit.id} were terminated by EC2 because of a Spot interruption (Spot instance capacity lost).`,
      };
    }
    const failure = {
      Reason: 'Instance failure',
      Message: 'The step failed because its Spot instances were interrupted.',
    };
    if (role === 'MASTER') {
      this.terminate(
        cluster,
        'TERMINATED_WITH_ERRORS',
        {
          Code: 'INSTANCE_FAILURE',
          Message:
            'The master node was terminated by EC2 because of a Spot interruption (Spot instance capacity lost).',
        },
        { state: 'FAILED', failure },
      );
      return;
    }
    for (const step of cluster.steps.filter((s) => s.state === 'RUNNING'))
      this.stopStep(cluster, step, { state: 'FAILED', failure }, 'SIGKILL');
  }

  /** Starts the next pending step, or waits, or auto-terminates when nothing is left. */
  pump(cluster: ClusterRecord): void {
    if (cluster.state !== 'WAITING' && cluster.state !== 'RUNNING') return;
    if (cluster.steps.some((s) => s.state === 'RUNNING' || s.state === 'CANCEL_PENDING')) {
      this.setState(cluster, 'RUNNING');
      return;
    }
    const next = cluster.steps.find((s) => s.state === 'PENDING');
    if (next) {
      this.setState(cluster, 'RUNNING');
      this.runStep(cluster, next);
      return;
    }
    this.setState(cluster, 'WAITING');
    cluster.reason = { Message: 'Cluster ready after last step completed.' };
    if (!cluster.keepAlive) {
      const failed = cluster.steps.some((s) => s.state === 'FAILED');
      this.terminate(cluster, 'TERMINATED', {
        Code: 'ALL_STEPS_COMPLETED',
        Message: failed ? 'Steps completed with errors' : 'Steps completed',
      });
    }
  }

  private runStep(cluster: ClusterRecord, step: StepRecord): void {
    step.state = 'RUNNING';
    step.started = Date.now();
    if (this.ctx.faults.takeHang(step.name)) {
      step.hanging = true;
      return;
    }
    const command =
      step.jar.endsWith('command-runner.jar') || step.jar === 'command-runner.jar'
        ? step.args
        : ['hadoop', 'jar', step.jar, ...(step.mainClass ? [step.mainClass] : []), ...step.args];
    const [exe = 'true', ...args] = command;
    const upload = (exitCode?: number) =>
      uploadStepLogs(this.ctx.s3, cluster, step, controllerLog(step, command, exitCode));
    step.process = runProcess(
      {
        command: exe,
        args,
        env: childEnv(this.ctx.config, { EMR_CLUSTER_ID: cluster.id, EMR_STEP_ID: step.id }),
        onData: (stream, chunk) => step[stream].push(chunk),
      },
      this.ctx.config.timings.killGraceMs,
    );
    const stopUploads = this.ctx.timers.every(this.ctx.config.timings.logUploadMs, () => upload());
    step.process.done.then((exit) => {
      stopUploads();
      upload(exit.code);
      this.finishStep(cluster, step, exit);
    });
  }

  private finishStep(cluster: ClusterRecord, step: StepRecord, exit: ProcessExit): void {
    step.process = undefined;
    step.ended = Date.now();
    if (step.stopOutcome?.state === 'CANCELLED' || (step.stopOutcome && isEndingCluster(cluster))) {
      step.state = step.stopOutcome.state;
      step.failure = step.stopOutcome.failure;
      this.ctx.timers.after(this.delay, () => this.pump(cluster));
      return;
    }
    if (step.stopOutcome) {
      // Failed under it (lost instances): its ActionOnFailure applies as to any failure.
      step.state = 'FAILED';
      step.failure = step.stopOutcome.failure;
      this.afterFailure(cluster, step);
      return;
    }
    if (exit.code === 0) {
      step.state = 'COMPLETED';
      this.ctx.timers.after(this.delay, () => this.pump(cluster));
      return;
    }
    step.state = 'FAILED';
    const stderr = Buffer.concat(step.stderr).toString('utf8');
    const errorLine = stderr
      .split('\n')
      .reverse()
      .find((l) => /exception|error/i.test(l));
    step.failure = {
      Reason: errorLine?.trim() || 'Unknown Error.',
      Message: `Step ${step.id} failed with exit code ${exit.code}${exit.error ? ` (${exit.error})` : ''}.`,
      LogFile: stepLogUri(cluster, step, 'stderr.gz'),
    };
    this.ctx.config.log(
      `emr step ${step.id} FAILED (exit ${exit.code}), ActionOnFailure ${step.actionOnFailure}`,
    );
    this.afterFailure(cluster, step);
  }

  private afterFailure(cluster: ClusterRecord, step: StepRecord): void {
    if (step.actionOnFailure === 'TERMINATE_CLUSTER' || step.actionOnFailure === 'TERMINATE_JOB_FLOW') {
      this.terminate(cluster, 'TERMINATED_WITH_ERRORS', {
        Code: 'STEP_FAILURE',
        Message: 'Shut down as step failed',
      });
      return;
    }
    if (step.actionOnFailure === 'CANCEL_AND_WAIT') this.cancelPending(cluster);
    this.ctx.timers.after(this.delay, () => this.pump(cluster));
  }

  private cancelPending(cluster: ClusterRecord): void {
    for (const s of cluster.steps) {
      if (s.state === 'PENDING') {
        s.state = 'CANCELLED';
        s.ended = Date.now();
      }
    }
  }

  /**
   * Stops a running step. `outcome` is the state it ends in once its process has exited; a
   * hanging step (no process) ends at once.
   */
  stopStep(
    cluster: ClusterRecord,
    step: StepRecord,
    outcome: NonNullable<StepRecord['stopOutcome']>,
    signal: NodeJS.Signals,
  ) {
    if (isTerminalStep(step)) return;
    step.stopOutcome = outcome;
    if (step.state === 'PENDING' || step.hanging || !step.process) {
      step.state = outcome.state;
      step.failure = outcome.failure;
      step.ended = Date.now();
      this.ctx.timers.after(this.delay, () => this.pump(cluster));
      return;
    }
    if (outcome.state === 'CANCELLED') step.state = 'CANCEL_PENDING';
    step.process.stop(signal);
  }

  /** TERMINATING now, the final state after the running step (if any) is gone. */
  terminate(
    cluster: ClusterRecord,
    finalState: 'TERMINATED' | 'TERMINATED_WITH_ERRORS',
    reason: Reason,
    runningOutcome: NonNullable<StepRecord['stopOutcome']> = { state: 'CANCELLED' },
  ): void {
    if (isEndingCluster(cluster)) return;
    this.setState(cluster, 'TERMINATING');
    cluster.reason = reason;
    this.cancelPending(cluster);
    const running = cluster.steps.filter((s) => s.state === 'RUNNING' || s.state === 'CANCEL_PENDING');
    for (const step of running) this.stopStep(cluster, step, runningOutcome, 'SIGTERM');
    const finish = () => {
      if (cluster.steps.some((s) => s.process)) {
        this.ctx.timers.after(this.delay, finish);
        return;
      }
      cluster.ended = Date.now();
      this.setState(cluster, finalState);
    };
    this.ctx.timers.after(this.delay, finish);
  }

  /** Emulator shutdown: kill every step process. */
  async shutdown(clusters: Iterable<ClusterRecord>): Promise<void> {
    const waits: Promise<unknown>[] = [];
    for (const c of clusters) {
      for (const s of c.steps) {
        if (s.process) {
          s.process.stop('SIGKILL');
          waits.push(s.process.done);
        }
      }
    }
    await Promise.all(waits);
  }
}
