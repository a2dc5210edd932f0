import { execFile } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { promisify } from 'node:util';
import { Logger, run } from 'graphile-worker';
import pg from 'pg';
import type { TrivialKind } from '../lib/definitions.js';
import { poll } from '../lib/stats.js';

const execFileAsync = promisify(execFile);

/** graphile-worker logging off, as Sundial's is in the benchmark. */
export const silentLogger = new Logger(() => () => {});

/** The same work as Sundial's trivial tasks: nothing, or `bash -c true`. */
async function trivialWork(kind: TrivialKind): Promise<void> {
  if (kind === 'shell') await execFileAsync('bash', ['-c', 'true']);
}

/**
 * graphile-worker running a chain of `n` jobs, each enqueuing the next from
 * its handler. Returns the hops: from job N's handler returning
 * (`job:success`) to job N+1's start (`job:start`), in ms.
 *
 * @example
 * const hops = await graphileChain(url, 500, 'noop');
 */
export async function graphileChain(url: string, n: number, kind: TrivialKind): Promise<number[]> {
  const started = new Map<number, number>();
  const ended = new Map<number, number>();
  const runner = await run({
    connectionString: url,
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
  runner.events.on('job:start', ({ job }) =>
    started.set((job.payload as { i: number }).i, performance.now()),
  );
  runner.events.on('job:success', ({ job }) =>
    ended.set((job.payload as { i: number }).i, performance.now()),
  );
  try {
    await runner.addJob('hop', { i: 0 });
    await poll('graphile-worker chain', async () => (ended.has(n - 1) ? true : undefined), 600_000, 50);
  } finally {
    await runner.stop();
  }
  return Array.from({ length: n - 1 }, (_, i) => started.get(i + 1)! - ended.get(i)!);
}

/**
 * graphile-worker processing `n` trivial jobs with `concurrency` workers;
 * the clock runs from enqueuing them (one statement) to the last job's
 * result being written back. Returns jobs per second.
 *
 * @example
 * const perSecond = await graphileFanOut(url, 5000, 32, 'noop');
 */
export async function graphileFanOut(
  url: string,
  n: number,
  concurrency: number,
  kind: TrivialKind,
): Promise<number> {
  let completed = 0;
  let lastAt = 0;
  const runner = await run({
    connectionString: url,
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
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    const start = performance.now();
    await client.query(
      `select graphile_worker.add_job('fan', json_build_object('i', g)) from generate_series(1, $1) g`,
      [n],
    );
    await client.end();
    await poll('graphile-worker fan-out', async () => (completed >= n ? true : undefined), 900_000, 20);
    return n / ((lastAt - start) / 1000);
  } finally {
    await runner.stop();
  }
}
