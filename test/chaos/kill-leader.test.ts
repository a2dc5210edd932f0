import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dependsOn, shellTask, type WireProcess, waitFor } from '../helpers/harness.js';
import type { ServerProcess } from '../helpers/server-process.js';
import { becameLeader, Cluster, ledgerScript, overlapping, readLedger, startedTwice } from './cluster.js';
import { percentile, recordFigures } from './figures.js';

// The scenario at its scale, with short jobs and a short lease to fit CI: 3 replicas, lease 2 s,
// 20 definitions of 10 shell tasks (200 tasks, two waves each) plus an every-second schedule, and the
// leader killed with kill -9 every ~5 s while its jobs run, a replacement started after each kill
// (as an orchestrator would restart it).
const LEASE_S = 2;
const DEFINITIONS = 20;
const WAVE = 5;
const KILLS = 3;
const KILL_EVERY_MS = 5000;

describe('kill -9 of the leader while shell and scheduled runs are in flight', () => {
  let cluster: Cluster;
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sundial-kill-'));
    cluster = await Cluster.start(3, ['--lease-seconds', String(LEASE_S), '--shell-concurrency', '8']);
  });
  afterAll(async () => {
    await cluster?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('ends every attempt exactly once, never runs two attempts of a task at once, and takes over', async () => {
    const ledger = join(dir, 'ledger');
    const api = () => cluster.alive[0]!;
    const job = ledgerScript(ledger, 'sleep 0.3');
    // Two waves per run: a chain in flight, not only a fan-out.
    const first = Array.from({ length: WAVE }, (_, i) => `a${i}`);
    const tasks = [
      ...first.map((name) => shellTask(name, job, { max_attempts: 5 })),
      ...first.map((_, i) => shellTask(`b${i}`, job, { max_attempts: 5, dependencies: dependsOn(...first) })),
    ];
    const names = Array.from({ length: DEFINITIONS }, (_, r) => `run${r}`);
    for (const name of names)
      await api().api('PUT', `/api/process_definitions/${name}`, {
        process_definition_name: name,
        task_definitions: tasks,
      });
    await api().api('PUT', '/api/process_definitions/every-second', {
      process_definition_name: 'every-second',
      schedule: { continuous_schedule: { buffer_seconds: 1 } },
      task_definitions: [shellTask('tick', job, { max_attempts: 5 })],
    });
    for (const name of names) await api().api('POST', `/api/process_definitions/${name}/trigger`);

    const takeovers: number[] = [];
    let killedAt = Date.now();
    let replacement: Promise<unknown> = Promise.resolve();
    for (let k = 0; k < KILLS; k++) {
      await new Promise((r) => setTimeout(r, Math.max(0, killedAt + KILL_EVERY_MS - Date.now())));
      await replacement;
      const leader = await cluster.leader();
      // Killed while jobs of its own run (started, not ended).
      await waitFor(async () => {
        const lines = readLedger(ledger);
        const ended = new Set(lines.filter((l) => l.event === 'end').map((l) => l.taskId));
        return lines.some((l) => l.pid === leader.pid && !ended.has(l.taskId)) ? true : undefined;
      });
      const others = cluster.alive.filter((r) => r !== leader);
      const seen = others.map((r) => r.logs.filter(becameLeader).length);
      leader.child.kill('SIGKILL'); // its shell jobs live on, as after a crash of the scheduler alone
      killedAt = Date.now();
      const next = await waitFor(async () =>
        others.find((r, i) => r.logs.filter(becameLeader).length > seen[i]!),
      );
      const won = next.logs.filter(becameLeader).at(-1)!;
      takeovers.push((won.time as number) - killedAt);
      replacement = cluster.add();
    }
    await replacement;
    await api().api('POST', '/api/process_definitions/every-second/pause');

    const runs = await waitFor(async () => {
      const all = await Promise.all([...names, 'every-second'].map((name) => processesOf(api(), name)));
      const flat = all.flat();
      return flat.every((p) => p.status !== 'running') ? flat : undefined;
    }, 60_000);

    const lines = readLedger(ledger);
    const overlaps = overlapping(runs, lines);
    const unfinished = runs.flatMap((p) => p.task).filter((t) => !t.end_time);
    const triggered = runs.filter((p) => p.process_definition_name !== 'every-second');
    const scheduled = runs.filter((p) => p.process_definition_name === 'every-second');
    const notOnce = triggered.flatMap((p) =>
      tasks
        .map((t) => t.task_definition_name)
        .filter(
          (name) =>
            p.task.filter((t) => t.task_definition_name === name && t.status === 'succeeded').length !== 1,
        ),
    );
    recordFigures({
      scenario: `3 replicas, lease ${LEASE_S} s, the leader killed (kill -9) every ~${KILL_EVERY_MS / 1000} s, ${KILLS} times`,
      tasks: `${DEFINITIONS} definitions x ${tasks.length} shell tasks + ${scheduled.length} scheduled runs, ${lines.filter((l) => l.event === 'start').length} job starts`,
      takeoverP50Ms: percentile(takeovers, 0.5),
      takeoverMaxMs: Math.max(...takeovers),
      duplicates: startedTwice(lines).length + overlaps.length,
      losses: unfinished.length + notOnce.length,
    });
    expect(startedTwice(lines)).toEqual([]);
    expect(overlaps).toEqual([]);
    expect(unfinished).toEqual([]);
    expect(takeovers).toHaveLength(KILLS);
    expect(triggered.map((p) => p.status)).toEqual(names.map(() => 'succeeded'));
    expect(notOnce).toEqual([]);
    // An attempt cut short by a kill ends with the reason, and only such attempts failed.
    for (const t of runs.flatMap((p) => p.task).filter((t) => t.status === 'failed'))
      expect(t.failure_reason).toMatch(/died or lost its lease/);
    expect(scheduled.length).toBeGreaterThan(0);
  });
});

async function processesOf(server: ServerProcess, name: string): Promise<WireProcess[]> {
  const res = await server.api<WireProcess[]>('GET', `/api/processes?process_definition_name=${name}`);
  if (res.status !== 200) return [{ status: 'running' } as WireProcess]; // ask again
  // The list carries no logs; each run in full.
  return Promise.all(
    res.body.map(async (p) => (await server.api<WireProcess>('GET', `/api/processes/${p.process_id}`)).body),
  );
}
