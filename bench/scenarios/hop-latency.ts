import { type Backend, type BenchSundial, startBenchSundial } from '../lib/bench-sundial.js';
import type { BenchConfig } from '../lib/config.js';
import { freshPostgres } from '../lib/databases.js';
import { chainDefinition, type TrivialKind, taskName } from '../lib/definitions.js';
import { percentile } from '../lib/stats.js';
import { costRows, fmt, type Row } from '../lib/table.js';
import { type ChainHops, graphileChain, perUnit } from '../peers/graphile.js';
import type { ScenarioResult } from './scenario.js';

const WARM_UP = 20;
const SCENARIO = '1. Hop latency';
const CORE = '1b. Core chain';

interface SundialHops extends ChainHops {
  totalSeconds: number;
}

/**
 * Work to work: the executor's `finished` → the dependent's executor
 * `start` (monotonic clock). Recorded to dispatched: the write that ended
 * the task returning → the dependent's executor `start` (same clock).
 */
export async function sundialChain(
  s: BenchSundial,
  name: string,
  n: number,
  kind: TrivialKind,
): Promise<SundialHops> {
  await s.put(chainDefinition(name, n, kind));
  s.work.reset();
  const processId = await s.run(name, 600_000);
  const perJob = perUnit(s.work, n);
  // Epoch milliseconds with the database clock's microseconds (a Date would cut them).
  const rows = await s.sundial.db.query<{
    id: string;
    task_definition_name: string;
    status: string;
    started_at: number;
    ended_at: number;
  }>(
    `select id, task_definition_name, status, extract(epoch from started_at)::float8 * 1000 as started_at,
       extract(epoch from ended_at)::float8 * 1000 as ended_at
     from tasks where process_id = $1`,
    [processId],
  );
  const byName = new Map(rows.map((r) => [r.task_definition_name, r]));
  const failed = rows.filter((r) => r.status !== 'succeeded').length;
  if (rows.length !== n || failed > 0)
    throw new Error(`${name}: ${rows.length}/${n} tasks, ${failed} failed`);
  const marks = s.probe.ofProcess(processId);
  const workToWork: number[] = [];
  const recordedToDispatched: number[] = [];
  for (let i = 1; i < n; i++) {
    const [up, down] = [marks.get(taskName(i - 1))!, marks.get(taskName(i))!];
    workToWork.push(down.startedAt - up.finishedAt!);
    const upRow = byName.get(taskName(i - 1))!;
    // From the write that ended the upstream returning to the dependent reaching its executor, both on
    // this process's monotonic clock (graphile-worker: job:complete → job:start).
    recordedToDispatched.push(down.startedAt - s.probe.recorded.get(upRow.id)!);
  }
  const first = byName.get(taskName(0))!.started_at;
  const last = byName.get(taskName(n - 1))!.ended_at;
  return { workToWork, recordedToDispatched, perJob, totalSeconds: (last - first) / 1000 };
}

async function theirs(config: BenchConfig, kind: TrivialKind): Promise<ChainHops> {
  const db = await freshPostgres(config.postgresUrl, 'graphile');
  try {
    await graphileChain(db.url, WARM_UP, kind);
    return await graphileChain(db.url, config.chain, kind);
  } finally {
    await db.drop();
  }
}

const p = (hops: readonly number[], q: number) => percentile(hops, q);

/**
 * Scenario 1: a chain of trivial tasks on Sundial and the same chain of
 * self-enqueuing jobs on graphile-worker; plus the core issue's 200-task figure.
 *
 * @example
 * const { rows } = await hopLatency(benchConfig());
 */
export async function hopLatency(config: BenchConfig): Promise<ScenarioResult> {
  const rows: Row[] = [];
  const notes: string[] = [];
  for (const kind of ['noop', 'shell'] as const) {
    const peer = await theirs(config, kind);
    for (const backend of config.backends as Backend[]) {
      const s = await startBenchSundial(backend, config.postgresUrl, config.concurrency);
      try {
        await sundialChain(s, `warm-${kind}`, WARM_UP, kind);
        const main = await sundialChain(s, `chain-${kind}`, config.chain, kind);
        const core = await sundialChain(s, `core-${kind}`, config.coreChain, kind);
        for (const [what, key] of [
          ['work → work', 'workToWork'],
          ['recorded → dispatched', 'recordedToDispatched'],
        ] as const) {
          for (const q of [50, 99]) {
            rows.push({
              scenario: SCENARIO,
              metric: `${what} p${q}, ${config.chain} ${kind}`,
              backend,
              ours: p(main[key], q),
              theirs: p(peer[key], q),
              unit: 'ms',
              goal: { kind: 'ratio-at-most', value: 2 },
            });
          }
        }
        rows.push(...costRows(SCENARIO, `${config.chain} ${kind}`, backend, main.perJob, peer.perJob));
        for (const q of [50, 99]) {
          rows.push({
            scenario: CORE,
            metric: `work → work p${q}, ${config.coreChain} ${kind}`,
            backend,
            ours: p(core.workToWork, q),
            unit: 'ms',
            ...(q === 99 && { goal: { kind: 'below', value: 50 } as const }),
          });
        }
        notes.push(
          `Sundial ${backend} ${kind} chain of ${config.chain}: ${main.totalSeconds.toFixed(1)} s end to end ` +
            `(core chain: recorded → dispatched p50 ${fmt(p(core.recordedToDispatched, 50), 'ms')}, ` +
            `p99 ${fmt(p(core.recordedToDispatched, 99), 'ms')}).`,
        );
      } finally {
        await s.close();
      }
    }
  }
  notes.push(
    'Hop definitions: work → work = from a job ending (Sundial: executor reports it finished; graphile-worker: ' +
      'handler resolved, job:success) to the next job starting (executor start; job:start). Recorded → dispatched = ' +
      'from the write that stored the result returning (job:complete) to the next job being handed out (executor ' +
      'start; job:start), on one monotonic clock. On PostgreSQL Sundial records a ' +
      "dependent in the same statement that ends its upstream (planned from the engine's copy of the process), " +
      'stores a log line per task start and end, and closes each log; graphile-worker stores no logs.',
  );
  return { rows, notes };
}
