import { type AwsEmulator, startAwsEmulator } from '../../src/aws-emulator/index.js';
import { type BenchSundial, startBenchSundial } from '../lib/bench-sundial.js';
import type { BenchConfig } from '../lib/config.js';
import { mean, percentile, poll, sleep } from '../lib/stats.js';
import type { Row } from '../lib/table.js';
import { AWS_BIN, batchDefinition, emrDefinition, emulatorEndTimes } from './aws-workload.js';
import type { ScenarioResult } from './scenario.js';

const SCENARIO = '4. AWS efficiency';
const WINDOW_SECONDS = Number(process.env.BENCH_AWS_WINDOW_SECONDS ?? 60);
/** Jobs outlive the measuring window by this much (start-up of every job plus margin). */
const JOB_EXTRA_SECONDS = 60;

interface TaskEnd {
  id: string;
  executor: string;
  status: string;
  ended_at: Date | null;
  failure_reason: string | null;
}

const tasksOf = (s: BenchSundial) =>
  s.sundial.db.query<TaskEnd>(
    `select id, executor, status, ended_at, failure_reason from tasks where definition_name in ('aws-batch', 'aws-emr')`,
  );

/** Calls per service over the window, e.g. { batch: 12, emr: 40, logs: 300 }. */
function byService(stats: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [key, n] of Object.entries(stats)) {
    const service = key.split('.')[0]!;
    out[service] = (out[service] ?? 0) + n;
  }
  return out;
}

async function measure(config: BenchConfig, emulator: AwsEmulator, s: BenchSundial): Promise<ScenarioResult> {
  const [nBatch, nEmr] = [config.awsBatchJobs, config.awsEmrClusters];
  const seconds = WINDOW_SECONDS + JOB_EXTRA_SECONDS;
  await s.put(batchDefinition('aws-batch', nBatch, seconds));
  await s.put(emrDefinition('aws-emr', nEmr, seconds));
  await s.trigger('aws-batch');
  await s.trigger('aws-emr');
  const notes: string[] = [];
  const emrFailures = await poll(
    'AWS tasks running',
    async () => {
      const tasks = await tasksOf(s);
      const failedEmr = tasks.filter((t) => t.executor === 'emr' && t.status === 'failed');
      if (failedEmr.length > 0) return failedEmr;
      return tasks.filter((t) => t.status === 'running').length === nBatch + nEmr ? [] : undefined;
    },
    JOB_EXTRA_SECONDS * 1000,
    1000,
  );
  if (emrFailures.length > 0) {
    notes.push(`AWS: EMR tasks failed at once (${emrFailures[0]!.failure_reason}); EMR pending.`);
    return {
      rows: [
        {
          scenario: SCENARIO,
          metric: 'EMR',
          backend: 'postgres',
          ours: undefined,
          unit: '',
          note: 'pending',
        },
      ],
      notes,
    };
  }
  emulator.resetStats();
  const running: number[] = [];
  const t0 = performance.now();
  while (performance.now() - t0 < WINDOW_SECONDS * 1000) {
    await sleep(5000);
    running.push((await tasksOf(s)).filter((t) => t.status === 'running').length);
  }
  const minutes = (performance.now() - t0) / 60_000;
  const stats = emulator.stats();
  const services = byService(stats);
  const calls = Object.values(services).reduce((a, b) => a + b, 0);
  const perTaskMinute = calls / mean(running) / minutes;
  const done = await poll(
    'AWS tasks ended',
    async () => {
      const tasks = await tasksOf(s);
      return tasks.every((t) => t.ended_at) ? tasks : undefined;
    },
    (seconds + 120) * 1000,
    1000,
  );
  const ends = emulatorEndTimes(emulator);
  const noticed = (executor: string) =>
    done
      .filter((t) => t.executor === executor && ends.has(t.id))
      .map((t) => (t.ended_at!.getTime() - ends.get(t.id)!) / 1000);
  const rows: Row[] = [
    {
      scenario: SCENARIO,
      metric: `AWS calls per running task per minute (${nBatch} Batch + ${nEmr} EMR)`,
      backend: 'postgres',
      ours: perTaskMinute,
      unit: '',
      goal: { kind: 'below', value: 0.2 },
    },
  ];
  for (const [executor, label] of [
    ['batch', 'Batch job end'],
    ['emr', 'EMR step end'],
  ] as const) {
    const times = noticed(executor);
    rows.push({
      scenario: SCENARIO,
      metric: `${label} → task ended, max (p50 ${percentile(times, 50).toFixed(1)} s, n=${times.length})`,
      backend: 'postgres',
      ours: times.length ? Math.max(...times) : undefined,
      unit: 's',
      goal: { kind: 'below', value: 15 },
    });
  }
  const failed = done.filter((t) => t.status !== 'succeeded');
  notes.push(
    `AWS: ${calls} calls in ${minutes.toFixed(1)} min with ${mean(running).toFixed(0)} tasks running on average; ` +
      `by service ${JSON.stringify(services)}; top operations ${JSON.stringify(
        Object.fromEntries(
          Object.entries(stats)
            .sort((a, b) => b[1] - a[1])
            .slice(0, 6),
        ),
      )}; production poll settings; ${failed.length} tasks did not succeed` +
      (failed[0] ? ` (e.g. ${failed[0].failure_reason})` : '') +
      '.',
  );
  return { rows, notes };
}

/**
 * Scenario 4: `awsBatchJobs` Batch jobs and `awsEmrClusters` EMR clusters
 * running at once on the local AWS emulator; AWS calls per running task
 * per minute over a window (the emulator's counters), then how long after
 * each job's end Sundial recorded it.
 *
 * @example
 * const { rows } = await awsEfficiency(benchConfig());
 */
export async function awsEfficiency(config: BenchConfig): Promise<ScenarioResult> {
  const emulator = await startAwsEmulator({ extraPath: [AWS_BIN] });
  try {
    const s = await startBenchSundial('postgres', config.postgresUrl, config.concurrency, {
      aws: {
        client: {
          endpoint: emulator.url,
          region: 'us-east-1',
          credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' },
        },
        batchJobQueue: 'default',
      },
    });
    try {
      return await measure(config, emulator, s);
    } finally {
      await s.close();
    }
  } finally {
    await emulator.stop();
  }
}
