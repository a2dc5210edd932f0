import { once } from 'node:events';
import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ShellScriptCommand } from '../../domain/types.js';
import { readBoundedLines } from '../../logs/bounded-lines.js';
import { type Masker, resolvedSecretsMasker } from '../../logs/secret-masker.js';
import type { Executor, ExecutorHost, TaskRun } from '../executor.js';
import { SecretReader, SecretUnavailable } from '../secrets/secret-reader.js';
import { jobSpawner, type SpawnedJob } from './job-spawner.js';
import { parseShellLine } from './line-protocol.js';

export interface ShellExecutorOptions {
  /** Most shell jobs running at once; the rest wait in order. */
  concurrency?: number;
  /** Time between SIGTERM and SIGKILL when a job is killed. */
  killGraceMs?: number;
  /** Reads the variables that reference secrets, right before the job starts. */
  secrets?: SecretReader;
}

/** What `executionState` holds for a shell task: where its job runs (see `resume`). */
interface ShellState {
  host?: string;
  pid?: number;
}

type ShellRun = TaskRun<{ shell_script_command: ShellScriptCommand }, ShellState>;

interface Running {
  child: SpawnedJob;
  killReason?: string;
}

/** Process groups of the shell jobs running in this OS process, whichever executor started them. */
const jobGroups = new Set<number>();

/**
 * Kills every shell job this process started, at once and synchronously: the last act of a
 * forced exit (a second SIGTERM), so no job outlives its scheduler unwatched.
 *
 * @example
 * process.once('SIGTERM', () => { killShellJobsNow(); process.exit(1); });
 */
export function killShellJobsNow(): void {
  for (const pid of jobGroups) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

/**
 * Runs `shell_script_command` with bash on this host, one process group per
 * job so a kill takes its children too.
 *
 * @example
 * const shell = new ShellExecutor(host, { concurrency: 16 });
 * await shell.start(run);
 */
export class ShellExecutor implements Executor<ShellRun> {
  readonly kind = 'shell';
  private readonly running = new Map<string, Running>();
  private readonly queue: ShellRun[] = [];
  private launching = 0;
  /** Jobs being launched (secrets read, spawned at the gate, recorded), each opened or stopped. */
  private readonly launches = new Set<Promise<void>>();
  /** Tasks not spawned yet (reading secrets may take a while), and kills asked meanwhile. */
  private readonly launchingKills = new Map<string, string | undefined>();
  private closing = false;
  private readonly concurrency: number;
  private readonly killGraceMs: number;
  private readonly secrets: SecretReader;

  constructor(
    private readonly host: ExecutorHost,
    options: ShellExecutorOptions = {},
  ) {
    this.concurrency = options.concurrency ?? 32;
    this.killGraceMs = options.killGraceMs ?? 5000;
    this.secrets = options.secrets ?? new SecretReader();
  }

  async start(run: ShellRun): Promise<void> {
    this.queue.push(run);
    this.drain();
  }

  async kill(run: ShellRun, reason: string): Promise<void> {
    const queued = this.queue.findIndex((r) => r.taskId === run.taskId);
    if (queued >= 0) {
      this.queue.splice(queued, 1);
      this.host.finished(run.taskId, { succeeded: false, reason });
      return;
    }
    if (this.launchingKills.has(run.taskId)) {
      this.launchingKills.set(run.taskId, reason); // the launch ends it instead of spawning
      return;
    }
    const r = this.running.get(run.taskId);
    if (!r) return;
    r.killReason = reason;
    signalGroup(r.child, 'SIGTERM');
    setTimeout(() => signalGroup(r.child, 'SIGKILL'), this.killGraceMs).unref();
  }

  /** Shell jobs cannot be reattached: a job this process does not hold was lost with its scheduler. */
  async resume(runs: readonly ShellRun[]): Promise<void> {
    for (const run of runs) {
      if (this.running.has(run.taskId) || this.queue.some((q) => q.taskId === run.taskId)) continue;
      const { pid, host } = run.executionState;
      if (host === undefined) {
        // Recorded but never spawned (the scheduler died in between): nothing ran yet, so run it now.
        await this.start(run);
        continue;
      }
      if (pid !== undefined && host === hostname()) {
        try {
          process.kill(-pid, 'SIGKILL'); // an orphan of the previous scheduler process, if still alive
        } catch {
          // already gone
        }
      }
      // Whoever ran it (this replica before a restart, or another one) died or lost its lease:
      // the reason says so and where, since a restart is only one of the ways here.
      const lost = `the scheduler that ran this shell job (on ${host}) died or lost its lease while it ran`;
      this.host.log(run.taskId, 'scheduler', lost);
      this.host.finished(run.taskId, {
        succeeded: false,
        reason: `${lost}; its output and exit status were lost`,
      });
    }
  }

  /**
   * Starts nothing more, gives the running jobs `graceMs` to end by
   * themselves, kills the rest, and waits until each has been reported
   * finished, so the outcome is recorded while the database is still open.
   * Queued jobs never ran and stay recorded without a host: the next
   * leader's `resume` starts them, as a first try.
   */
  async close(graceMs = 0): Promise<void> {
    this.closing = true;
    this.queue.length = 0;
    await Promise.all(this.launches);
    const exits = [...this.running.values()].map((r) => once(r.child, 'close'));
    if (graceMs > 0) await Promise.race([Promise.all(exits), sleep(graceMs, undefined, { ref: false })]);
    for (const r of this.running.values()) {
      r.killReason ??=
        graceMs > 0
          ? `the scheduler shut down and this shell job did not end within its ${graceMs / 1000} s grace period`
          : 'the scheduler stopped while this shell job was running';
      signalGroup(r.child, 'SIGKILL');
    }
    // A daemon that left the group may hold the output open: do not wait for it forever.
    await Promise.race([Promise.all(exits), sleep(this.killGraceMs, undefined, { ref: false })]);
    await this.secrets.close();
  }

  private drain(): void {
    while (this.running.size + this.launching < this.concurrency && this.queue.length > 0) {
      const run = this.queue.shift()!;
      this.launching += 1;
      this.launchingKills.set(run.taskId, undefined);
      let counted = true; // until the job is spawned and counted in `running`
      const spawned = () => {
        this.launching -= 1;
        this.launchingKills.delete(run.taskId); // from now on a kill signals the job
        counted = false;
      };
      // Secrets are read only now, at dispatch: their values live in this process and the job, nowhere else.
      const launch: Promise<void> = this.secrets
        .resolve(run.executable.shell_script_command.environment_variables)
        .then((secrets) => this.launch(run, secrets, spawned))
        .catch((e: Error) =>
          this.host.finished(run.taskId, {
            succeeded: false,
            reason: e instanceof SecretUnavailable ? e.message : `could not start: ${e.message}`,
          }),
        )
        .finally(() => {
          if (counted) {
            this.launching -= 1;
            this.launchingKills.delete(run.taskId);
          }
          this.launches.delete(launch);
        });
      this.launches.add(launch);
    }
  }

  /**
   * Spawns the job held at a gate, records where it runs (host and process
   * group) in the task's one status write, and only then lets it go. Until
   * the gate opens, bash waits on a line from this process's spawner (a
   * child that exits with it): if this process dies first, the pipe closes
   * and the job exits without running, while
   * the task has no host recorded and the next leader runs it as a first try.
   * Once the write is stored, a restart knows the job may have run and
   * which process group to kill.
   */
  private async launch(run: ShellRun, secrets: Record<string, string>, spawned: () => void): Promise<void> {
    const killReason = this.launchingKills.get(run.taskId);
    if (killReason !== undefined) {
      this.host.finished(run.taskId, { succeeded: false, reason: killReason });
      return;
    }
    if (this.closing) {
      this.host.finished(run.taskId, {
        succeeded: false,
        reason: 'the scheduler shut down before starting the job',
      });
      return;
    }
    const command = run.executable.shell_script_command;
    const env: Record<string, string | undefined> = { ...process.env, ...this.host.jobEnvironment(run) };
    for (const v of command.environment_variables ?? [])
      env[v.variable_name] = v.value ?? secrets[v.variable_name];
    // Spawned by a small process of its own: fork and exec no longer hold up this thread (see JobSpawner).
    const child = await jobSpawner().spawn('bash', ['-c', START_GATE, 'bash', command.script], env);
    const entry: Running = { child };
    this.running.set(run.taskId, entry);
    const killedMeanwhile = this.launchingKills.get(run.taskId);
    spawned();
    const group = child.pid;
    if (group !== undefined) jobGroups.add(group);
    const mask = resolvedSecretsMasker(Object.values(secrets));
    this.pipe(run.taskId, child.stdout, 'stdout', mask);
    this.pipe(run.taskId, child.stderr, 'stderr', mask);
    child.on('error', (e: Error) => {
      this.host.log(run.taskId, 'scheduler', `could not start bash: ${e.message}`);
    });
    child.on('close', (code: number | null, signal: NodeJS.Signals | null) => {
      this.running.delete(run.taskId);
      if (group !== undefined) jobGroups.delete(group);
      this.drain();
      if (entry.killReason) this.host.finished(run.taskId, { succeeded: false, reason: entry.killReason });
      else if (code === 0) this.host.finished(run.taskId, { succeeded: true });
      else this.host.finished(run.taskId, { succeeded: false, reason: exitReason(code, signal) });
    });
    if (group === undefined) return; // spawning failed: 'error', then 'close', report it
    if (killedMeanwhile !== undefined) return this.stopAtGate(entry, killedMeanwhile); // asked while it spawned
    try {
      await this.host.progress(run.taskId, 'running', { host: hostname(), pid: group });
    } catch (e) {
      return this.stopAtGate(entry, `could not start: ${(e as Error).message}`);
    }
    // The write may have landed just before this scheduler froze and lost the lease: the new
    // leader has then ended the task already. Starting it now would run it beside its retry.
    if (!this.host.mayStart())
      return this.stopAtGate(entry, 'the scheduler lost its lease before starting the job');
    if (this.closing) return this.stopAtGate(entry, 'the scheduler shut down before starting the job');
    if (!entry.killReason) child.release();
  }

  /** Ends a job still waiting at its gate (it never ran); its `close` reports the task failed with `reason`. */
  private stopAtGate(entry: Running, reason: string): void {
    entry.killReason ??= reason;
    signalGroup(entry.child, 'SIGKILL');
  }

  private pipe(
    taskId: string,
    stream: NodeJS.ReadableStream,
    source: 'stdout' | 'stderr',
    mask: Masker,
  ): void {
    // Bounded, unlike readline: a job printing 100 MB without a newline must not cost 100 MB here.
    readBoundedLines(stream, MAX_LINE_BYTES, (line) => {
      const parsed = parseShellLine(line);
      if (parsed.kind === 'status') this.host.reported(taskId, parsed.status);
      else if (parsed.kind === 'metadata') this.host.metadata(taskId, parsed.key, mask(parsed.value));
      else this.host.log(taskId, source, mask(parsed.message));
    });
  }
}

/**
 * Runs the script (`$1`) once a line arrives on file descriptor 3, as `bash
 * -c script` would; exits 125 without running it if fd 3 closes first (the
 * scheduler died before the job was recorded as started). Stdin is
 * /dev/null from the start: Node's pipes are sockets, and bash started with
 * a socket as stdin and no SHLVL (a server run by systemd or in a
 * container) reads ~/.bashrc, whose output and exports then reached every job.
 *
 * The script runs in the gate's own bash (`eval`, after `shift` has taken
 * it out of the positional parameters) rather than in a second `exec bash
 * -c`: a bash start is about a millisecond of CPU, a third of what a job
 * costs the machine in a fan-out. The job sees the same `$0`, no arguments,
 * no fd 3, the same exit status, traps and `set -e`; what differs is that a
 * syntax error is reported as `bash: eval: line N` instead of `bash: -c:
 * line N`, and `BASH_EXECUTION_STRING` holds this gate (tests compare both).
 *
 * @example
 * const child = spawn('bash', ['-c', START_GATE, 'bash', 'echo hi'], { stdio: ['ignore', 'pipe', 'pipe', 'pipe'] });
 * (child.stdio[3] as Writable).end('go\n'); // or destroy() it: it exits 125, having run nothing
 */
export const START_GATE = 'read -r _ <&3 || exit 125; exec 3<&-; eval "shift; $1"';

/** Longer lines reach the log in pieces (the log writer cuts lines at 64 KiB anyway). */
const MAX_LINE_BYTES = 64 * 1024;

function exitReason(code: number | null, signal: NodeJS.Signals | null): string {
  return signal ? `the shell job was terminated by ${signal}` : `the shell job exited with code ${code}`;
}

/**
 * Signals the job's whole process group. Deliberately not skipped once bash
 * itself has exited: children that ignore SIGTERM outlive it in the group,
 * and the SIGKILL that follows must still reach them.
 */
function signalGroup(child: SpawnedJob, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // the group is already gone
  }
}
