import { pino } from 'pino';
import { type Sundial, type SundialOptions, startSundial } from '../../src/app.js';
import type { ProcessDefinition } from '../../src/domain/types.js';
import { NoopExecutor } from '../../src/executors/noop/noop-executor.js';
import { ShellExecutor } from '../../src/executors/shell/shell-executor.js';
import { apiCaller } from './api-call.js';
import { freshPostgres } from './databases.js';
import { HopProbe } from './hop-probe.js';
import { poll } from './stats.js';
import { countDatabase, type WorkCounter } from './work-counter.js';

export type Backend = 'postgres' | 'pglite';

/** A Sundial inside the benchmark process, with its noop and shell executors timed by a {@link HopProbe}. */
export interface BenchSundial {
  sundial: Sundial;
  probe: HopProbe;
  /** Statements sent and CPU used, for per-task costs. */
  work: WorkCounter;
  put(def: ProcessDefinition): Promise<void>;
  trigger(name: string): Promise<void>;
  /** Triggers a run and resolves with its process id once it has ended. */
  run(name: string, timeoutMs: number): Promise<string>;
  close(): Promise<void>;
}

/**
 * Starts Sundial on a fresh database of `backend` (a new PostgreSQL database, or in-memory PGlite),
 * or on an existing `store`, which is left as it is.
 *
 * @example
 * const s = await startBenchSundial('postgres', adminUrl, 32);
 * await s.put(def);
 * const processId = await s.run(def.process_definition_name, 60_000);
 * await s.close();
 */
export async function startBenchSundial(
  backend: Backend,
  adminUrl: string,
  shellConcurrency: number,
  extra: Pick<SundialOptions, 'aws'> = { aws: false },
  store?: { databaseUrl?: string; dataDir?: string },
): Promise<BenchSundial> {
  const scratch = !store && backend === 'postgres' ? await freshPostgres(adminUrl, 'sundial') : undefined;
  const probe = new HopProbe();
  const sundial = await startSundial({
    port: 0,
    logger: pino({ level: process.env.BENCH_LOG_LEVEL ?? 'silent' }),
    ...(store ?? (scratch ? { databaseUrl: scratch.url } : { dataDir: 'memory://' })),
    ...extra,
    executors: (host) => [
      probe.wrap(host, (h) => new NoopExecutor(h)),
      probe.wrap(host, (h) => new ShellExecutor(h, { concurrency: shellConcurrency })),
    ],
  });
  const call = apiCaller(sundial.url);
  // The benchmark's own polling goes around the counter and the probe.
  const query = sundial.db.query.bind(sundial.db);
  probe.watchResults(sundial.db);
  return {
    sundial,
    probe,
    work: countDatabase(sundial.db),
    put: async (def) => {
      await call('PUT', `/api/process_definitions/${def.process_definition_name}`, def);
    },
    trigger: async (name) => {
      await call('POST', `/api/process_definitions/${name}/trigger`);
    },
    async run(name, timeoutMs) {
      await call('POST', `/api/process_definitions/${name}/trigger`);
      return poll(
        `run of ${name}`,
        async () => {
          const [p] = await query<{ id: string; status: string }>(
            'select id, status from processes where definition_name = $1 order by started_at desc limit 1',
            [name],
          );
          return p && p.status !== 'running' ? p.id : undefined;
        },
        timeoutMs,
        200,
      );
    },
    async close() {
      await sundial.close();
      await scratch?.drop();
    },
  };
}
