import { type Backend, type BenchSundial, startBenchSundial } from '../lib/bench-sundial.js';
import type { BenchConfig } from '../lib/config.js';
import { freshPostgres } from '../lib/databases.js';
import { chainDefinition, type TrivialKind, taskName } from '../lib/definitions.js';
import { percentile } from '../lib/stats.js';
import type { Row } from '../lib/table.js';
import { graphileChain } from '../peers/graphile.js';
import type { ScenarioResult } from './scenario.js';

const WARM_UP = 20;
const SCENARIO = '1. Hop latency';
const CORE = '1b. Core chain';

interface ChainHops {
  /** Executor `finished` → dependent's executor `start`, monotonic clock. */
  probe: number[];
  /** `tasks.ended_at` → dependent's `tasks.started_at` (ms resolution). */
  recorded: number[];
  totalSeconds: number;
}

async function sundialChain(s: BenchSundial, name: string, n: number, kind: TrivialKind): Promise<ChainHops> {
  await s.put(chainDefinition(name, n, kind));
  const processId = await s.run(name, 600_000);
  const rows = await s.sundial.db.query<{
    task_definition_name: string;
    status: string;
    started_at: Date;
    ended_at: Date;
  }>('select task_definition_name, status, started_at, ended_at from tasks where process_id = $1', [
    processId,
  ]);
  const byName = new Map(rows.map((r) => [r.task_definition_name, r]));
  const failed = rows.filter((r) => r.status !== 'succeeded').length;
  if (rows.length !== n || failed > 0)
    throw new Error(`${name}: ${rows.length}/${n} tasks, ${failed} failed`);
  const marks = s.probe.ofProcess(processId);
  const probe: number[] = [];
  const recorded: number[] = [];
  for (let i = 1; i < n; i++) {
    const [up, down] = [marks.get(taskName(i - 1))!, marks.get(taskName(i))!];
    probe.push(down.startedAt - up.finishedAt!);
    const [upRow, downRow] = [byName.get(taskName(i - 1))!, byName.get(taskName(i))!];
    recorded.push(downRow.started_at.getTime() - upRow.ended_at.getTime());
  }
  const first = byName.get(taskName(0))!.started_at.getTime();
  const last = byName.get(taskName(n - 1))!.ended_at.getTime();
  return { probe, recorded, totalSeconds: (last - first) / 1000 };
}

async function theirs(config: BenchConfig, kind: TrivialKind): Promise<number[]> {
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
    notes.push(`graphile-worker ${kind} chain of ${config.chain}: hop p50 ${p(peer, 50).toFixed(2)} ms`);
    for (const backend of config.backends as Backend[]) {
      const s = await startBenchSundial(backend, config.postgresUrl, config.concurrency);
      try {
        await sundialChain(s, `warm-${kind}`, WARM_UP, kind);
        const main = await sundialChain(s, `chain-${kind}`, config.chain, kind);
        const core = await sundialChain(s, `core-${kind}`, config.coreChain, kind);
        const metric = (q: number, n: number) => `hop p${q}, ${n}-task chain, ${kind}`;
        for (const q of [50, 99]) {
          rows.push({
            scenario: SCENARIO,
            metric: metric(q, config.chain),
            backend,
            ours: p(main.probe, q),
            theirs: p(peer, q),
            unit: 'ms',
            goal: { kind: 'ratio-at-most', value: 2 },
          });
        }
        for (const q of [50, 99]) {
          rows.push({
            scenario: CORE,
            metric: metric(q, config.coreChain),
            backend,
            ours: p(core.probe, q),
            unit: 'ms',
            ...(q === 99 && { goal: { kind: 'below', value: 50 } as const }),
          });
        }
        notes.push(
          `Sundial ${backend} ${kind} chain of ${config.chain}: ${main.totalSeconds.toFixed(1)} s end to end; ` +
            `tasks.ended_at → dependent started_at p50 ${p(main.recorded, 50)} ms, p99 ${p(main.recorded, 99)} ms ` +
            `(core chain: p50 ${p(core.recorded, 50)} ms, p99 ${p(core.recorded, 99)} ms)`,
        );
      } finally {
        await s.close();
      }
    }
  }
  return { rows, notes };
}
