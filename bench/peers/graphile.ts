import { performance } from 'node:perf_hooks';
import { Logger, run } from 'graphile-worker';
import pg from 'pg';
import { type TrivialKind, trivialWork } from '../lib/definitions.js';
import { poll } from '../lib/stats.js';
import type { UnitCost } from '../lib/table.js';
import { countPool, type WorkCounter } from '../lib/work-counter.js';

/** graphile-worker logging off, as Sundial's is in the benchmark. */
export const silentLogger = new Logger(() => () => {});

/**
 * A pool graphile-worker uses and we close: its own pool can still hold a
 * client when the scenario's database is dropped, and an unhandled pool
 * error would end the benchmark.
 */
export function peerPool(url: string, max = 10): pg.Pool {
  const pool = new pg.Pool({ connectionString: url, max });
  pool.on('error', () => {});
  return pool;
}

/** A counter's reading divided by the jobs (or tasks) it covered. */
export function perUnit(work: WorkCounter, n: number): UnitCost {
  const { statements, roundTrips, cpuMs } = work.read();
  return { statements: statements / n, roundTrips: roundTrips / n, cpuMs: cpuMs / n };
}

/** Hops of a chain, in ms, by two definitions. */
export interface ChainHops {
  /** From a job's work ending to the next job's work starting. */
  workToWork: number[];
  /** From a job's result being written back to the next job being handed out. */
  recordedToDispatched: number[];
  /** Statements and CPU milliseconds per job. */
  perJob: UnitCost;
}

/**
 * graphile-worker running a chain of `n` jobs, each enqueuing the next from
 * its handler. Work to work: job N's handler returning (`job:success`) to
 * job N+1's start (`job:start`); recorded to dispatched: job N's
 * `job:complete` (result written) to job N+1's `job:start`.
 *
 * @example
 * const { workToWork } = await graphileChain(url, 500, 'noop');
 */
export async function graphileChain(url: string, n: number, kind: TrivialKind): Promise<ChainHops> {
  const started = new Map<number, number>();
  const ended = new Map<number, number>();
  const completed = new Map<number, number>();
  const pool = peerPool(url);
  const work = countPool(pool);
  const runner = await run({
    pgPool: pool,
    concurrency: 1,
    noHandleSignals: true,
    logger: silentLogger,
    taskList: {
      hop: async (payload, helpers) => {
        const i = (payload as { i: number }).i;
        await trivialWork(kind);
        if (i + 1 < n) await helpers.addJob('hop', { i: i + 1 });
      },
    },
  });
  const index = (job: { payload: unknown }) => (job.payload as { i: number }).i;
  runner.events.on('job:start', ({ job }) => started.set(index(job), performance.now()));
  runner.events.on('job:success', ({ job }) => ended.set(index(job), performance.now()));
  runner.events.on('job:complete', ({ job }) => completed.set(index(job), performance.now()));
  let perJob: ChainHops['perJob'];
  try {
    work.reset();
    await runner.addJob('hop', { i: 0 });
    await poll('graphile-worker chain', async () => (completed.has(n - 1) ? true : undefined), 600_000, 50);
    perJob = perUnit(work, n);
  } finally {
    await runner.stop();
    await pool.end();
  }
  const hops = (from: Map<number, number>) =>
    Array.from({ length: n - 1 }, (_, k) => started.get(k + 1)! - from.get(k)!);
  return { workToWork: hops(ended), recordedToDispatched: hops(completed), perJob };
}

/**
 * graphile-worker processing `n` trivial jobs with `concurrency` workers;
 * the clock runs from enqueuing them (one statement) to the last job's
 * result being written back. Returns jobs per second and the work per job.
 *
 * @example
 * const { perSecond } = await graphileFanOut(url, 5000, 32, 'noop');
 */
export async function graphileFanOut(
  url: string,
  n: number,
  concurrency: number,
  kind: TrivialKind,
): Promise<{ perSecond: number; perJob: UnitCost }> {
  let completed = 0;
  let lastAt = 0;
  const pool = peerPool(url);
  const work = countPool(pool);
  const runner = await run({
    pgPool: pool,
    concurrency,
    noHandleSignals: true,
    logger: silentLogger,
    taskList: { fan: () => trivialWork(kind) },
  });
  runner.events.on('job:complete', () => {
    completed += 1;
    lastAt = performance.now();
  });
  try {
    await runner.addJob('fan', { warm: true });
    await poll('graphile-worker warm-up', async () => (completed >= 1 ? true : undefined), 60_000, 20);
    completed = 0;
    work.reset();
    const start = performance.now();
    await pool.query(
      `select graphile_worker.add_job('fan', json_build_object('i', g)) from generate_series(1, $1) g`,
      [n],
    );
    await poll('graphile-worker fan-out', async () => (completed >= n ? true : undefined), 900_000, 20);
    return { perSecond: n / ((lastAt - start) / 1000), perJob: perUnit(work, n) };
  } finally {
    await runner.stop();
    await pool.end();
  }
}
