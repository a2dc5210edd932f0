import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '../../src/storage/open-database.js';
import type { Backend } from '../lib/bench-sundial.js';
import { type Child, spawnNode, spawnSundialServer } from '../lib/child-server.js';
import type { BenchConfig } from '../lib/config.js';
import { freshPostgres } from '../lib/databases.js';
import { type ProcessUsage, sampleProcess } from '../lib/proc-sampler.js';
import { sleep } from '../lib/stats.js';
import type { Row } from '../lib/table.js';
import type { ScenarioResult } from './scenario.js';

const SCENARIO = '3. Idle cost';
/** Start-up work (JIT, first queries) is not idle cost. */
const SETTLE_MS = 5000;

/**
 * `n` definitions with a yearly cron schedule (next due on 1 January),
 * written straight into the table: the server under test only ever sees
 * them at rest.
 */
async function seedDefinitions(store: { databaseUrl?: string; dataDir?: string }, n: number): Promise<void> {
  const db = await openDatabase(store);
  const nextJanuary = new Date(Date.UTC(new Date().getUTCFullYear() + 1, 0, 1));
  try {
    await db.query(
      `insert into process_definitions (name, definition, paused, created_at, updated_at, next_run_at)
       select 'idle-' || g, jsonb_build_object(
           'process_definition_name', 'idle-' || g,
           'schedule', '{"cron_schedule":{"minutes":"0","hours":"0","day_of_month":"1","month":"1","day_of_week":"?"}}'::jsonb,
           'task_definitions', '[{"task_definition_name":"t","dependencies":[],"executable":{"noop_command":{}},"max_attempts":1,"backoff_base_seconds":0}]'::jsonb),
         false, now(), now(), $1
       from generate_series(1, $2) g`,
      [nextJanuary, n],
    );
  } finally {
    await db.close();
  }
}

async function measure(start: () => Promise<Child>, seconds: number): Promise<ProcessUsage> {
  const child = await start();
  try {
    await sleep(SETTLE_MS);
    return await sampleProcess(child.pid, seconds);
  } finally {
    await child.stop();
  }
}

async function ours(config: BenchConfig, backend: Backend): Promise<ProcessUsage> {
  if (backend === 'postgres') {
    const db = await freshPostgres(config.postgresUrl, 'idle');
    try {
      await seedDefinitions({ databaseUrl: db.url }, config.idleDefinitions);
      return await measure(() => spawnSundialServer(['--database-url', db.url]), config.idleSeconds);
    } finally {
      await db.drop();
    }
  }
  const dir = mkdtempSync(join(tmpdir(), 'sundial-bench-idle-'));
  try {
    await seedDefinitions({ dataDir: dir }, config.idleDefinitions);
    return await measure(() => spawnSundialServer(['--data-dir', dir]), config.idleSeconds);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function theirs(config: BenchConfig): Promise<ProcessUsage> {
  const db = await freshPostgres(config.postgresUrl, 'idle_graphile');
  try {
    const start = () =>
      spawnNode(
        'dist/bench/peers/graphile-idle.js',
        [db.url, String(config.idleDefinitions)],
        /^(ready)$/,
        'stdout',
      );
    return await measure(start, config.idleSeconds);
  } finally {
    await db.drop();
  }
}

/**
 * Scenario 3: a server child with `idleDefinitions` far-future cron
 * schedules and nothing to do; CPU (% of one core) and RSS over
 * `idleSeconds`, sampled from /proc. graphile-worker holds as many crontab
 * entries in its own child.
 *
 * @example
 * const { rows } = await idleCost(benchConfig());
 */
export async function idleCost(config: BenchConfig): Promise<ScenarioResult> {
  const peer = await theirs(config);
  const rows: Row[] = [];
  const notes: string[] = [];
  for (const backend of config.backends) {
    const usage = await ours(config, backend);
    const label = `${config.idleDefinitions} cron definitions, ${config.idleSeconds} s`;
    rows.push(
      {
        scenario: SCENARIO,
        metric: `CPU, ${label}`,
        backend,
        ours: usage.cpuPercent,
        theirs: peer.cpuPercent,
        unit: '%',
        goal: { kind: 'below', value: 5 },
      },
      {
        scenario: SCENARIO,
        metric: `RSS (mean), ${label}`,
        backend,
        ours: usage.rssMeanMiB,
        theirs: peer.rssMeanMiB,
        unit: 'MiB',
      },
    );
    notes.push(
      `Idle ${backend}: RSS max ${usage.rssMaxMiB.toFixed(0)} MiB (graphile-worker ${peer.rssMaxMiB.toFixed(0)} MiB).`,
    );
  }
  notes.push(
    'Idle graphile-worker: default concurrency (1), one crontab line per definition; the PGlite server holds its ' +
      'database in its own process, so its RSS includes the database.',
  );
  return { rows, notes };
}
