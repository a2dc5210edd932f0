import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { benchConfig } from './lib/config.js';
import { postgresVersion } from './lib/databases.js';
import { type Row, renderTable } from './lib/table.js';
import { awsEfficiency } from './scenarios/aws-efficiency.js';
import { bigDagScenario } from './scenarios/big-dag.js';
import { fanOut } from './scenarios/fan-out.js';
import { historyScale } from './scenarios/history-scale.js';
import { hopLatency } from './scenarios/hop-latency.js';
import { idleCost } from './scenarios/idle-cost.js';
import type { ScenarioResult } from './scenarios/scenario.js';
import { startUp } from './scenarios/start-up.js';
import { uiFirstPaint } from './scenarios/ui-first-paint.js';

// The AWS SDK is pinned on purpose (README, Choices); the server silences its Node 22 notice the same way.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

// `npm run bench`: every scenario in one run, printed as one table.
const scenarios: [key: string, title: string, run: typeof hopLatency][] = [
  ['hop', '1. Hop latency', hopLatency],
  ['fanout', '2. Fan-out', fanOut],
  ['idle', '3. Idle cost', idleCost],
  ['history', '5. History scale', historyScale],
  ['ui', '6. UI first paint', uiFirstPaint],
  ['start', '7. Start-up', startUp],
  ['bigdag', '8. Big DAG', bigDagScenario],
  // Last: it needs the AWS executors, which landed last.
  ['aws', '4. AWS efficiency', awsEfficiency],
];

function commit(): string {
  if (process.env.BENCH_COMMIT) return process.env.BENCH_COMMIT; // a copy of the tree, outside git
  try {
    const sha = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--', 'src', 'bench'], { encoding: 'utf8' });
    return dirty.trim() ? `${sha} (+ uncommitted changes)` : sha;
  } catch {
    return 'unknown';
  }
}

/** `npm run bench` runs from the package root. */
function packageVersion(name: string): string {
  return JSON.parse(readFileSync(`node_modules/${name}/package.json`, 'utf8')).version;
}

async function main(): Promise<void> {
  const config = benchConfig();
  const machine = [
    `date ${new Date().toISOString()}`,
    `commit ${commit()}`,
    `${cpus().length} × ${cpus()[0]?.model.trim()}`,
    `${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM`,
    `load ${loadavg()[0]!.toFixed(1)} at start`,
    `Node ${process.version}`,
    await postgresVersion(config.postgresUrl),
    `PGlite ${packageVersion('@electric-sql/pglite')}`,
    `graphile-worker ${packageVersion('graphile-worker')}`,
  ].join(', ');
  console.error(`bench: ${machine}`);
  const rows: Row[] = [];
  const notes: string[] = [];
  for (const [key, title, run] of scenarios) {
    if (config.only && !config.only.has(key)) continue;
    const t0 = Date.now();
    console.error(`bench: ${title}…`);
    let result: ScenarioResult;
    try {
      result = await run(config);
    } catch (e) {
      console.error(e);
      result = {
        rows: [
          { scenario: title, metric: 'failed', backend: '-', ours: undefined, unit: '', note: String(e) },
        ],
        notes: [],
      };
    }
    rows.push(...result.rows);
    notes.push(...result.notes);
    console.error(`bench: ${title} done in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  }
  console.log(`Machine: ${machine}; load ${loadavg()[0]!.toFixed(1)} at end\n`);
  // By scenario number; the sort is stable, so rows keep their order within a scenario.
  rows.sort((a, b) => (a.scenario < b.scenario ? -1 : a.scenario > b.scenario ? 1 : 0));
  console.log(renderTable(rows));
  if (notes.length > 0) console.log(`\n${notes.map((n) => `- ${n}`).join('\n')}`);
}

await main();
process.exit(0);
