import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { apiCaller } from '../lib/api-call.js';
import { type Backend, startBenchSundial } from '../lib/bench-sundial.js';
import { spawnSundialServer } from '../lib/child-server.js';
import type { BenchConfig } from '../lib/config.js';
import { freshPostgres } from '../lib/databases.js';
import { fanOutDefinition, type TrivialKind } from '../lib/definitions.js';
import { watchPeakRss } from '../lib/proc-sampler.js';
import { poll } from '../lib/stats.js';
import { costRows, type Row } from '../lib/table.js';
import { type graphileFanOut, perUnit } from '../peers/graphile.js';
import type { ScenarioResult } from './scenario.js';

const SCENARIO = '2. Fan-out';

type PeerFanOut = Awaited<ReturnType<typeof graphileFanOut>> & { peakRssMiB: number };

/** Runs `node <script> <args>` (a bench child): the JSON its last line prints, and its peak RSS. */
async function runChild<T>(script: string, args: string[]): Promise<{ result: T; peakRssMiB: number }> {
  let peak: { stop(): number } | undefined;
  const stdout = await new Promise<string>((resolve, reject) => {
    const child = execFile(process.execPath, [script, ...args], { maxBuffer: 1024 * 1024 }, (err, out) =>
      err ? reject(err) : resolve(out),
    );
    peak = watchPeakRss(child.pid!);
  });
  return { result: JSON.parse(stdout.trim().split('\n').at(-1)!) as T, peakRssMiB: peak!.stop() };
}

/** graphile-worker's fan-out, run in a process of its own (see `graphile-fan-out.ts`), and that process's peak RSS. */
async function theirs(config: BenchConfig, kind: TrivialKind): Promise<PeerFanOut> {
  const db = await freshPostgres(config.postgresUrl, 'graphile');
  try {
    const args = [db.url, String(config.fanOut), String(config.concurrency), kind];
    const { result, peakRssMiB } = await runChild<Awaited<ReturnType<typeof graphileFanOut>>>(
      'dist/bench/peers/graphile-fan-out.js',
      args,
    );
    return { ...result, peakRssMiB };
  } finally {
    await db.drop();
  }
}

/** The fan-out's floor: a bare Node loop spawning `bash -c true` (see `spawn-ceiling.ts`). */
async function spawnCeiling(config: BenchConfig): Promise<number> {
  const { result } = await runChild<{ perSecond: number }>('dist/bench/peers/spawn-ceiling.js', [
    String(config.fanOut),
    String(config.concurrency),
  ]);
  return result.perSecond;
}

/**
 * The shell fan-out against `sundial server` in a process of its own, as a deployment runs it
 * (the bench's own process holds every earlier round's store, PGlite's included): its rate, and
 * the peak RSS of the server and its spawner.
 */
async function serverFanOut(
  config: BenchConfig,
  backend: Backend,
): Promise<{ perSecond: number; peakRssMiB: number }> {
  const scratch = backend === 'postgres' ? await freshPostgres(config.postgresUrl, 'fan_server') : undefined;
  const dir = mkdtempSync(join(tmpdir(), 'sundial-bench-fan-'));
  const server = await spawnSundialServer([
    ...(scratch ? ['--database-url', scratch.url] : ['--data-dir', dir]),
    '--shell-concurrency',
    String(config.concurrency),
  ]);
  try {
    const call = apiCaller(server.ready);
    await call('PUT', '/api/process_definitions/fan', fanOutDefinition('fan', config.fanOut, 'shell'));
    const peak = watchPeakRss(server.pid);
    await call('POST', '/api/process_definitions/fan/trigger');
    const ended = await poll(
      'the fan-out in a server of its own',
      async () => {
        const list = (await call(
          'GET',
          '/api/processes?process_definition_name=fan&allowed_statuses=succeeded&allowed_statuses=failed&max_records=1',
        )) as { status: string; start_time: string; end_time: string }[];
        return list[0];
      },
      1_800_000,
      200,
    );
    const peakRssMiB = peak.stop();
    if (ended.status !== 'succeeded') throw new Error(`fan-out in a server of its own ${ended.status}`);
    const seconds = (Date.parse(ended.end_time) - Date.parse(ended.start_time)) / 1000;
    return { perSecond: config.fanOut / seconds, peakRssMiB };
  } finally {
    await server.stop();
    await scratch?.drop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Scenario 2: one process of `fanOut` independent trivial tasks, timed from
 * the process start to its end; graphile-worker processes as many jobs
 * with the shell executor's concurrency.
 *
 * @example
 * const { rows } = await fanOut(benchConfig());
 */
export async function fanOut(config: BenchConfig): Promise<ScenarioResult> {
  const rows: Row[] = [];
  const notes: string[] = [];
  const n = config.fanOut;
  let shellPeer: PeerFanOut = {
    perSecond: 0,
    perJob: { statements: 0, roundTrips: 0, cpuMs: 0 },
    peakRssMiB: 0,
  };
  for (const kind of ['noop', 'shell'] as const) {
    const peer = await theirs(config, kind);
    if (kind === 'shell') shellPeer = peer;
    for (const backend of config.backends as Backend[]) {
      const s = await startBenchSundial(backend, config.postgresUrl, config.concurrency);
      try {
        await s.put(fanOutDefinition('warm', 20, kind));
        await s.run('warm', 60_000);
        await s.put(fanOutDefinition('fan', n, kind));
        s.work.reset();
        const processId = await s.run('fan', 1_800_000);
        const perTask = perUnit(s.work, n);
        const [p] = await s.sundial.db.query<{ status: string; started_at: Date; ended_at: Date }>(
          'select status, started_at, ended_at from processes where id = $1',
          [processId],
        );
        if (p!.status !== 'succeeded') {
          const failed = await s.sundial.db.query<{ reason: string; n: number }>(
            "select failure_reason as reason, count(*)::int as n from tasks where process_id = $1 and status = 'failed' group by 1",
            [processId],
          );
          throw new Error(`fan-out process ${p!.status}: ${JSON.stringify(failed)}`);
        }
        const seconds = (p!.ended_at.getTime() - p!.started_at.getTime()) / 1000;
        rows.push({
          scenario: SCENARIO,
          metric: `${n} ${kind} tasks, tasks/s`,
          backend,
          ours: n / seconds,
          theirs: peer.perSecond,
          unit: '/s',
          // Round one asked for at least half graphile-worker's rate; round two (issue 19) twice its shell rate.
          goal: { kind: 'ratio-at-least', value: kind === 'shell' ? 2 : 0.5 },
        });
        rows.push(...costRows(SCENARIO, `${n} ${kind}`, backend, perTask, peer.perJob));

        notes.push(`Sundial ${backend} fan-out of ${n} ${kind} tasks: ${seconds.toFixed(1)} s`);
      } finally {
        await s.close();
      }
    }
  }
  for (const backend of config.backends as Backend[]) {
    const own = await serverFanOut(config, backend);
    rows.push(
      {
        scenario: SCENARIO,
        metric: `${n} shell tasks, tasks/s, \`sundial server\` in a process of its own`,
        backend,
        ours: own.perSecond,
        theirs: shellPeer.perSecond,
        unit: '/s',
      },
      {
        scenario: SCENARIO,
        metric: `peak RSS during ${n} shell tasks (Sundial: the server and its spawner)`,
        backend,
        ours: own.peakRssMiB,
        theirs: shellPeer.peakRssMiB,
        unit: 'MiB',
      },
    );
  }
  const ceiling = await spawnCeiling(config);
  rows.push({
    scenario: SCENARIO,
    metric: `ceiling: a bare Node loop spawning ${n} \`bash -c true\`, tasks/s (against graphile-worker's shell rate above)`,
    backend: 'postgres',
    ours: ceiling,
    theirs: shellPeer.perSecond,
    unit: '/s',
  });
  notes.push(
    `Fan-out concurrency: graphile-worker ${config.concurrency} workers; Sundial shell executor ${config.concurrency}, ` +
      'noop unbounded (it does no work). graphile-worker runs in a process of its own; Sundial in the bench process, ' +
      'its shell jobs spawned by its own spawner process.',
  );
  return { rows, notes };
}
