import { type ChildProcess, spawn } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { PassThrough } from 'node:stream';
import { finished } from 'node:stream/promises';
import { SPAWNER_PROCESS_CODE } from './spawner-process.js';

/** The scheduler acknowledges a job's output in steps of this much (the spawner pauses at 1 MiB). */
const ACK_BYTES = 64 * 1024;

type FromSpawner =
  | { op: 'spawned'; id: number; pid: number | undefined }
  | { op: 'error'; id: number; message: string }
  | { op: 'out'; id: number; fd: 1 | 2; chunk: Uint8Array }
  | { op: 'close'; id: number; code: number | null; signal: NodeJS.Signals | null };

/**
 * A job spawned by the spawner process, as the shell executor sees it: its
 * process group id, its output, its gate, and `error` / `close (code,
 * signal)` events as a `ChildProcess` has them (`close` after all output).
 *
 * @example
 * const job = await spawnJob('bash', ['-c', START_GATE, 'bash', 'echo hi'], process.env);
 * job.stdout.on('data', (d) => console.log(String(d)));
 * job.on('close', (code) => console.log('exited', code));
 * job.release();
 */
export interface SpawnedJob extends EventEmitter {
  /** The job's pid, also its process group id (it leads a group of its own); undefined if spawning failed. */
  readonly pid: number | undefined;
  readonly stdout: PassThrough;
  readonly stderr: PassThrough;
  /** Writes the line that opens the job's start gate to its fd 3, and closes that. */
  release(): void;
}

class Job extends EventEmitter implements SpawnedJob {
  pid: number | undefined;
  readonly stdout = new PassThrough();
  readonly stderr = new PassThrough();
  received = 0;

  constructor(
    readonly id: number,
    private readonly post: (message: unknown) => void,
  ) {
    super();
  }

  release(): void {
    this.post({ op: 'go', id: this.id });
  }
}

/**
 * Spawns shell jobs from a small process of its own. Node spawns with
 * `fork`, whose cost grows with the memory of the process forking (about
 * 2 ms of CPU from a 54 MiB process, 6 ms from 250 MiB, 25 ms from 650 MiB,
 * measured), and the thread that spawns waits until the child has run
 * `exec` (longer when the machine is busy). From the scheduler's own
 * thread, every job held up its database writes and the other jobs' output
 * that long. The spawner is the scheduler's child and exits with it (see
 * `SPAWNER_PROCESS_CODE`); the jobs lead process groups of their own, as
 * before, so their recorded group id is what a restart kills.
 *
 * @example
 * const job = await jobSpawner().spawn('bash', ['-c', 'true'], process.env);
 */
export class JobSpawner {
  private spawner: ChildProcess | undefined;
  private nextId = 1;
  private readonly jobs = new Map<number, Job>();
  private readonly spawning = new Map<number, (job: Job) => void>();

  spawn(file: string, args: readonly string[], env: Record<string, string | undefined>): Promise<SpawnedJob> {
    const spawner = this.process();
    const id = this.nextId++;
    const job = new Job(id, (m) => spawner.send(m as never));
    this.jobs.set(id, job);
    this.hold(spawner, true); // a job is under way: its end must keep this process alive, as a child's pipes would
    return new Promise((resolve) => {
      this.spawning.set(id, resolve);
      spawner.send({ op: 'spawn', id, file, args, env } as never);
    });
  }

  private process(): ChildProcess {
    if (this.spawner) return this.spawner;
    // Nothing of this process's own start-up (loaders, NODE_OPTIONS) goes to the spawner: it stays small.
    const { NODE_OPTIONS: _, ...env } = process.env;
    // A 1 MiB young generation (V8's default grows to 16 MiB per semi-space under a fan-out): the
    // spawner's garbage is short-lived messages, and every fork copies its page tables. Measured,
    // 5,000 jobs: peak RSS 92 -> 62 MiB, its CPU per job 0.72 -> 0.64 ms.
    const spawner = spawn(process.execPath, ['--max-semi-space-size=1', '-e', SPAWNER_PROCESS_CODE], {
      env,
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      serialization: 'advanced',
    });
    spawner.on('message', (m: FromSpawner) => this.received(spawner, m));
    // Never expected while this process lives: its jobs are then beyond reach (their output went
    // with the spawner), so they are killed and end as killed.
    const lost = (reason: string) => {
      if (this.spawner !== spawner) return;
      this.spawner = undefined;
      for (const [id, job] of this.jobs) {
        if (job.pid !== undefined) killGroup(job.pid);
        job.emit('error', new Error(`the shell job spawner stopped: ${reason}`));
        this.ended(spawner, id, job, null, 'SIGKILL');
      }
    };
    spawner.on('error', (e) => lost(e.message));
    spawner.on('exit', (code, signal) => lost(signal ? `killed by ${signal}` : `exit code ${code}`));
    this.spawner = spawner;
    this.hold(spawner, false);
    return spawner;
  }

  /** Keeps this process alive for the spawner's messages only while jobs are under way. */
  private hold(spawner: ChildProcess, busy: boolean): void {
    const channel = spawner.channel as { ref(): void; unref(): void } | null | undefined;
    if (busy) {
      spawner.ref();
      channel?.ref();
    } else {
      spawner.unref();
      channel?.unref();
    }
  }

  private received(spawner: ChildProcess, m: FromSpawner): void {
    const job = this.jobs.get(m.id);
    if (!job) return;
    if (m.op === 'spawned') {
      job.pid = m.pid;
      this.spawning.get(m.id)?.(job);
      this.spawning.delete(m.id);
    } else if (m.op === 'out') {
      (m.fd === 1 ? job.stdout : job.stderr).write(
        Buffer.from(m.chunk.buffer, m.chunk.byteOffset, m.chunk.length),
      );
      job.received += m.chunk.length;
      if (job.received >= ACK_BYTES) {
        spawner.send({ op: 'ack', id: m.id, bytes: job.received } as never);
        job.received = 0;
      }
    } else if (m.op === 'error') {
      job.emit('error', new Error(m.message));
    } else {
      this.ended(spawner, m.id, job, m.code, m.signal);
    }
  }

  /** Ends the job's output, then reports `close`: like a ChildProcess, all output comes first. */
  private ended(
    spawner: ChildProcess,
    id: number,
    job: Job,
    code: number | null,
    signal: NodeJS.Signals | null,
  ): void {
    this.jobs.delete(id);
    this.spawning.get(id)?.(job);
    this.spawning.delete(id);
    if (this.jobs.size === 0) this.hold(spawner, false);
    for (const out of [job.stdout, job.stderr]) {
      out.end();
      out.resume(); // flowing already when read; unread output must not hold `close` back
    }
    void Promise.all([finished(job.stdout), finished(job.stderr)]).then(
      () => job.emit('close', code, signal),
      () => job.emit('close', code, signal),
    );
  }
}

function killGroup(pid: number): void {
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

let shared: JobSpawner | undefined;

/**
 * The spawner of this process, started on first use; every shell executor shares it.
 *
 * @example
 * const job = await jobSpawner().spawn('bash', ['-c', 'true'], process.env);
 */
export function jobSpawner(): JobSpawner {
  shared ??= new JobSpawner();
  return shared;
}
