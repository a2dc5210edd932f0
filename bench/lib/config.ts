/**
 * Scenario sizes. Every size defaults to the full benchmark and can be
 * scaled at once (`BENCH_SCALE=0.1` for a quick run) or set one by one.
 */
export interface BenchConfig {
  /** Tasks in the hop-latency chain compared with graphile-worker. */
  chain: number;
  /** Tasks in the core issue's chain (target < 50 ms p99). */
  coreChain: number;
  fanOut: number;
  /** graphile-worker concurrency, and the shell executor's, in the fan-out. */
  concurrency: number;
  idleDefinitions: number;
  idleSeconds: number;
  awsBatchJobs: number;
  awsEmrClusters: number;
  historyTasks: number;
  apiRequests: number;
  /** Tasks in the big-DAG scenario's process, and how many of them form its chain. */
  bigDag: number;
  bigDagChain: number;
  /** Starts measured per store in the start-up scenario (the median is reported). */
  startRuns: number;
  /** Scenarios to run (`BENCH_ONLY=hop,fanout`); all when unset. */
  only: Set<string> | undefined;
  backends: ('postgres' | 'pglite')[];
  postgresUrl: string;
}

const scale = Number(process.env.BENCH_SCALE ?? 1);

function size(name: string, full: number, min = 1): number {
  const raw = process.env[name];
  if (raw !== undefined) return Number(raw);
  return Math.max(min, Math.round(full * scale));
}

/**
 * Reads the configuration from the environment.
 *
 * @example
 * // BENCH_SCALE=0.1 BENCH_ONLY=hop npm run bench
 * const config = benchConfig();
 */
export function benchConfig(): BenchConfig {
  const only = process.env.BENCH_ONLY;
  return {
    chain: size('BENCH_CHAIN', 500, 10),
    coreChain: size('BENCH_CORE_CHAIN', 200, 10),
    fanOut: size('BENCH_FANOUT', 5000, 50),
    concurrency: Number(process.env.BENCH_CONCURRENCY ?? 32),
    idleDefinitions: size('BENCH_IDLE_DEFINITIONS', 10_000, 10),
    idleSeconds: size('BENCH_IDLE_SECONDS', 60, 5),
    awsBatchJobs: size('BENCH_AWS_BATCH_JOBS', 200, 5),
    awsEmrClusters: size('BENCH_AWS_EMR_CLUSTERS', 20, 2),
    historyTasks: size('BENCH_HISTORY_TASKS', 1_000_000, 5000),
    apiRequests: size('BENCH_API_REQUESTS', 200, 20),
    bigDag: size('BENCH_BIG_DAG', 10_000, 100),
    bigDagChain: size('BENCH_BIG_DAG_CHAIN', 1000, 20),
    startRuns: size('BENCH_START_RUNS', 5, 3),
    only: only ? new Set(only.split(',').map((s) => s.trim())) : undefined,
    backends: (process.env.BENCH_BACKENDS ?? 'postgres,pglite').split(',') as ('postgres' | 'pglite')[],
    postgresUrl: process.env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test',
  };
}
