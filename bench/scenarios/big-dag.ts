import { performance } from 'node:perf_hooks';
import { type Backend, type BenchSundial, startBenchSundial } from '../lib/bench-sundial.js';
import type { BenchConfig } from '../lib/config.js';
import { chainDefinition, executableOf, taskName } from '../lib/definitions.js';
import { percentile } from '../lib/stats.js';
import { fmt, type Row } from '../lib/table.js';
import type { ScenarioResult } from './scenario.js';

const SCENARIO = '8. Big DAG';
const PAGE = 100;

/** A chain of `chain` noop tasks, and `size - chain` more fanning out of its head: one process of `size`. */
function bigDag(name: string, size: number, chain: number) {
  const noop = executableOf('noop');
  const dep = (i: number) => [{ task_definition_name: taskName(i), success_required: true }];
  const task = (n: string, dependencies: ReturnType<typeof dep>) => ({
    task_definition_name: n,
    dependencies,
    executable: noop,
    max_attempts: 1,
    backoff_base_seconds: 0,
  });
  return {
    process_definition_name: name,
    task_definitions: [
      ...Array.from({ length: chain }, (_, i) => task(taskName(i), i === 0 ? [] : dep(i - 1))),
      ...Array.from({ length: size - chain }, (_, i) => task(`f${String(i).padStart(6, '0')}`, dep(0))),
    ],
  };
}

/** Work → work hops along the chain `t000000 … t(n-1)` of a finished process. */
function chainHops(s: BenchSundial, processId: string, n: number): number[] {
  const marks = s.probe.ofProcess(processId);
  const hops: number[] = [];
  for (let i = 1; i < n; i++)
    hops.push(marks.get(taskName(i))!.startedAt - marks.get(taskName(i - 1))!.finishedAt!);
  return hops;
}

/** Reads every page of the run's tasks `rounds` times; the latency of each request. */
async function pageThrough(url: string, rounds: number): Promise<{ ms: number[]; tasks: number }> {
  const ms: number[] = [];
  let tasks = 0;
  for (let r = 0; r < rounds; r++) {
    let after: string | undefined;
    tasks = 0;
    do {
      const t0 = performance.now();
      const res = await fetch(`${url}?log_entries=0&limit=${PAGE}${after ? `&after=${after}` : ''}`);
      const body = (await res.json()) as { task: unknown[]; next_after?: string };
      ms.push(performance.now() - t0);
      if (!res.ok) throw new Error(`run page: ${res.status} ${JSON.stringify(body)}`);
      tasks += body.task.length;
      after = body.next_after;
    } while (after);
  }
  return { ms, tasks };
}

/**
 * Scenario 8: one process of `bigDag` noop tasks (a chain of `bigDagChain`
 * and the rest fanning out of the chain's head). The chain's hops are
 * compared with a 500-task chain's on the same server (goal: p99 within
 * 2×), and the run page's API is read page by page (goal: p99 < 100 ms).
 *
 * @example
 * const { rows } = await bigDagScenario(benchConfig());
 */
export async function bigDagScenario(config: BenchConfig): Promise<ScenarioResult> {
  const rows: Row[] = [];
  const notes: string[] = [];
  const { bigDag: size, bigDagChain: chain } = config;
  for (const backend of config.backends as Backend[]) {
    const s = await startBenchSundial(backend, config.postgresUrl, config.concurrency);
    try {
      await s.put(chainDefinition('warm', 20, 'noop'));
      await s.run('warm', 60_000);
      await s.put(chainDefinition('reference', 500, 'noop'));
      const reference = chainHops(s, await s.run('reference', 600_000), 500);
      await s.put(bigDag('big', size, chain));
      const t0 = performance.now();
      const processId = await s.run('big', 1_800_000);
      const seconds = (performance.now() - t0) / 1000;
      const [{ n, failed }] = (await s.sundial.db.query<{ n: number; failed: number }>(
        `select count(*)::int as n, count(*) filter (where status <> 'succeeded')::int as failed
         from tasks where process_id = $1`,
        [processId],
      )) as [{ n: number; failed: number }];
      if (n !== size || failed > 0) throw new Error(`big DAG: ${n}/${size} tasks, ${failed} not succeeded`);
      const hops = chainHops(s, processId, chain);
      for (const q of [50, 99]) {
        const limit = 2 * percentile(reference, q);
        rows.push({
          scenario: SCENARIO,
          metric: `chain hop p${q} in a ${size}-task run (500-task chain: ${fmt(percentile(reference, q), 'ms')})`,
          backend,
          ours: percentile(hops, q),
          unit: 'ms',
          ...(q === 99 && { goal: { kind: 'below', value: Number(limit.toFixed(2)) } as const }),
        });
      }
      const url = `${s.sundial.url}/api/processes/${processId}`;
      const paged = await pageThrough(url, Math.max(1, Math.round(config.apiRequests / (size / PAGE))));
      if (paged.tasks !== size) throw new Error(`paging read ${paged.tasks} of ${size} tasks`);
      rows.push({
        scenario: SCENARIO,
        metric: `run page API p99, ${PAGE} tasks a page (${paged.ms.length} requests)`,
        backend,
        ours: percentile(paged.ms, 99),
        unit: 'ms',
        goal: { kind: 'below', value: 100 },
      });
      const w0 = performance.now();
      const whole = await fetch(`${url}?log_entries=0`);
      await whole.arrayBuffer();
      notes.push(
        `Sundial ${backend} big DAG of ${size} noop tasks (chain ${chain}): ${seconds.toFixed(1)} s end to end; ` +
          `the unpaged run answer (all ${size} tasks, no log lines) took ${fmt(performance.now() - w0, 'ms')}.`,
      );
    } finally {
      await s.close();
    }
  }
  notes.push(
    'Big DAG: the hop goal is relative to a 500-task chain run on the same server just before (the ' +
      "`below` figure is 2× that chain's p99); the fan-out's 9,000 tasks start beside the chain's second task.",
  );
  return { rows, notes };
}
