import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { openDatabase } from '../../src/storage/open-database.js';
import type { Backend } from '../lib/bench-sundial.js';
import { spawnSundialServer } from '../lib/child-server.js';
import type { BenchConfig } from '../lib/config.js';
import { freshPostgres } from '../lib/databases.js';
import { percentile } from '../lib/stats.js';
import type { Row } from '../lib/table.js';
import { retentionRows } from './history-retention.js';
import { HISTORY_DEFINITIONS, seedHistory, TASKS_PER_PROCESS } from './history-seed.js';
import type { ScenarioResult } from './scenario.js';

const SCENARIO = '5. History scale';
const WARM_UP = 10;

/** Latencies (ms) of `n` sequential GETs, the body read in full, after a warm-up. */
async function timeGets(base: string, paths: (i: number) => string, n: number): Promise<number[]> {
  const times: number[] = [];
  for (let i = -WARM_UP; i < n; i++) {
    const path = paths(i + WARM_UP);
    const t0 = performance.now();
    const res = await fetch(`${base}${path}`);
    await res.arrayBuffer();
    if (!res.ok) throw new Error(`GET ${path}: ${res.status}`);
    if (i >= 0) times.push(performance.now() - t0);
  }
  return times;
}

async function withStore<T>(
  config: BenchConfig,
  backend: Backend,
  fn: (storeArgs: string[], store: { databaseUrl?: string; dataDir?: string }) => Promise<T>,
): Promise<T> {
  if (backend === 'postgres') {
    const db = await freshPostgres(config.postgresUrl, 'history');
    try {
      return await fn(['--database-url', db.url], { databaseUrl: db.url });
    } finally {
      await db.drop();
    }
  }
  const dir = mkdtempSync(join(tmpdir(), 'sundial-bench-history-'));
  try {
    return await fn(['--data-dir', dir], { dataDir: dir });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Scenario 5: `historyTasks` finished tasks in the store, then the list and
 * detail endpoints' latency, measured from this process against a server child,
 * then the store's size and a retention pass over it.
 *
 * @example
 * const { rows } = await historyScale(benchConfig());
 */
export async function historyScale(config: BenchConfig): Promise<ScenarioResult> {
  const rows: Row[] = [];
  const notes: string[] = [];
  const processes = Math.round(config.historyTasks / TASKS_PER_PROCESS);
  for (const backend of config.backends) {
    await withStore(config, backend, async (storeArgs, store) => {
      const t0 = performance.now();
      const db = await openDatabase(store);
      let ids: string[];
      try {
        await seedHistory(db, processes);
        ids = (
          await db.query<{ id: string }>('select id from processes order by random() limit $1', [
            config.apiRequests + WARM_UP,
          ])
        ).map((r) => r.id);
      } finally {
        await db.close();
      }
      notes.push(
        `History ${backend}: seeded ${processes} processes × ${TASKS_PER_PROCESS} tasks in ` +
          `${((performance.now() - t0) / 1000).toFixed(0)} s.`,
      );
      const server = await spawnSundialServer(storeArgs);
      try {
        const name = (i: number) => `hist-${String(i % HISTORY_DEFINITIONS).padStart(3, '0')}`;
        const endpoints: [string, (i: number) => string][] = [
          ['list processes', () => '/api/processes?max_records=50'],
          [
            'list tasks',
            (i) =>
              `/api/tasks?process_definition_name=${name(i)}&task_definition_name=t${(i % 5) + 1}&limit=50`,
          ],
          ['process detail', (i) => `/api/processes/${ids[i % ids.length]}`],
        ];
        for (const [label, path] of endpoints) {
          const times = await timeGets(server.ready, path, config.apiRequests);
          for (const q of [50, 99]) {
            rows.push({
              scenario: SCENARIO,
              metric: `${label} p${q}, ${config.historyTasks} tasks`,
              backend,
              ours: percentile(times, q),
              unit: 'ms',
              ...(q === 99 && { goal: { kind: 'below', value: 100 } as const }),
            });
          }
        }
      } finally {
        await server.stop();
      }
      const retention = await retentionRows(
        store,
        backend,
        config.historyTasks,
        processes,
        config.postgresUrl,
      );
      rows.push(...retention.rows);
      notes.push(...retention.notes);
    });
  }
  notes.push(
    `History API: ${config.apiRequests} sequential requests per endpoint after ${WARM_UP} warm-up ones.`,
  );
  return { rows, notes };
}
