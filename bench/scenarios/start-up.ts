import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BenchConfig } from '../lib/config.js';
import { freshPostgres } from '../lib/databases.js';
import { freePort, measureStart, type StartMeasure } from '../lib/spawn-ready.js';
import type { Row } from '../lib/table.js';
import type { ScenarioResult } from './scenario.js';

const SCENARIO = '7. Start-up';

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** Medians of `runs` starts. */
async function medianOf(runs: number, start: (run: number) => Promise<StartMeasure>): Promise<StartMeasure> {
  const all: StartMeasure[] = [];
  for (let i = 0; i < runs; i++) all.push(await start(i));
  return {
    readyMs: median(all.map((m) => m.readyMs)),
    cpuMs: median(all.map((m) => m.cpuMs)),
    startRssMiB: median(all.map((m) => m.startRssMiB)),
    idleRssMiB: median(all.map((m) => m.idleRssMiB)),
  };
}

/** `sundial server` from spawn to its healthcheck answering 200. */
async function sundialStart(storeArgs: string[]): Promise<StartMeasure> {
  const port = await freePort();
  return measureStart(['bin/sundial.js', 'server', '--port', String(port), ...storeArgs], {
    url: `http://127.0.0.1:${port}/_internal_/healthcheck`,
  });
}

/** graphile-worker from spawn to `run()` resolving (its migrations done, workers started). */
function graphileStart(url: string): Promise<StartMeasure> {
  return measureStart(['dist/bench/peers/graphile-idle.js', url, '0'], { line: /^ready$/ });
}

interface Case {
  label: string;
  backend: 'postgres' | 'pglite';
  ours: StartMeasure;
  theirs?: StartMeasure;
  readyGoalMs: number;
  rssGoalMiB: number;
}

/**
 * Scenario 7: process spawn to healthcheck 200 for a new embedded store, an
 * existing one and PostgreSQL (median of `startRuns` starts each), with the
 * CPU the start took and the idle RSS after it; graphile-worker's `run`
 * start on a new and on an existing schema beside them.
 *
 * @example
 * const { rows } = await startUp(benchConfig());
 */
export async function startUp(config: BenchConfig): Promise<ScenarioResult> {
  const runs = config.startRuns;
  const cases: Case[] = [];
  if (config.backends.includes('postgres')) {
    const theirsFresh = await medianOf(runs, async () => {
      const db = await freshPostgres(config.postgresUrl, 'start_graphile');
      try {
        return await graphileStart(db.url);
      } finally {
        await db.drop();
      }
    });
    const db = await freshPostgres(config.postgresUrl, 'start');
    const peer = await freshPostgres(config.postgresUrl, 'start_graphile');
    try {
      await graphileStart(peer.url); // its schema, once
      const theirs = await medianOf(runs, () => graphileStart(peer.url));
      await sundialStart(['--database-url', db.url]); // migrations, once
      const ours = await medianOf(runs, () => sundialStart(['--database-url', db.url]));
      cases.push({
        label: 'PostgreSQL',
        backend: 'postgres',
        ours,
        theirs,
        readyGoalMs: 700,
        rssGoalMiB: 100,
      });
    } finally {
      await db.drop();
      await peer.drop();
    }
    if (config.backends.includes('pglite')) cases.push(...(await embedded(runs, theirsFresh)));
  } else if (config.backends.includes('pglite')) {
    cases.push(...(await embedded(runs, undefined)));
  }
  const rows: Row[] = cases.flatMap((c) => [
    {
      scenario: SCENARIO,
      metric: `ready (healthcheck 200), ${c.label}, median of ${runs}`,
      backend: c.backend,
      ours: c.ours.readyMs,
      theirs: c.theirs?.readyMs,
      unit: 'ms',
      goal: { kind: 'below', value: c.readyGoalMs },
    },
    {
      scenario: SCENARIO,
      metric: `CPU to ready, ${c.label}`,
      backend: c.backend,
      ours: c.ours.cpuMs,
      theirs: c.theirs?.cpuMs,
      unit: 'ms',
    },
    {
      scenario: SCENARIO,
      metric: `RSS 2–5 s after ready, ${c.label}`,
      backend: c.backend,
      ours: c.ours.startRssMiB,
      theirs: c.theirs?.startRssMiB,
      unit: 'MiB',
    },
    {
      scenario: SCENARIO,
      metric: `RSS idle (27–30 s after ready), ${c.label}`,
      backend: c.backend,
      ours: c.ours.idleRssMiB,
      theirs: c.theirs?.idleRssMiB,
      unit: 'MiB',
      goal: { kind: 'below', value: c.rssGoalMiB },
    },
  ]);
  return {
    rows,
    notes: [
      'Start-up: from spawning `node` to the healthcheck answering 200 (graphile-worker: to `run()` resolving); ' +
        '"new" is a first start (Sundial: a new data directory; graphile-worker: a new database, its migrations), ' +
        'the others start on a store made by an earlier start. CPU: user + system time of the child until ready. ' +
        'RSS just after ready still holds the young generation the start-up grew; V8 shrinks it once the process ' +
        'idles (about 10 s later), so the goal is checked on the idle figure.',
    ],
  };
}

async function embedded(runs: number, theirsFresh: StartMeasure | undefined): Promise<Case[]> {
  const root = mkdtempSync(join(tmpdir(), 'sundial-bench-start-'));
  try {
    const fresh = await medianOf(runs, (i) => sundialStart(['--data-dir', join(root, `new-${i}`)]));
    const existing = await medianOf(runs, () => sundialStart(['--data-dir', join(root, 'new-0')]));
    return [
      {
        label: 'new embedded store',
        backend: 'pglite',
        ours: fresh,
        ...(theirsFresh && { theirs: theirsFresh }),
        readyGoalMs: 2000,
        rssGoalMiB: 250,
      },
      {
        label: 'existing embedded store',
        backend: 'pglite',
        ours: existing,
        readyGoalMs: 1000,
        rssGoalMiB: 250,
      },
    ];
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
