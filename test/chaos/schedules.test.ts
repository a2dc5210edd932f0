import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shellTask, waitFor } from '../helpers/harness.js';
import { becameLeader, Cluster } from './cluster.js';
import { recordFigures } from './figures.js';

// Scaled to CI: 20 s of an every-second continuous schedule and an every-minute cron (the shortest
// Quartz allows here: seconds are fixed at 0) on 4 replicas, with the leader killed once in the middle.
// SUNDIAL_CHAOS_WINDOW_S=180 runs it for minutes (bench/RESULTS.md has such a run).
const LEASE_S = 2;
const WINDOW_MS = Number(process.env.SUNDIAL_CHAOS_WINDOW_S ?? 20) * 1000;

interface RunRow {
  definition_name: string;
  due_at: Date;
  started_at: Date;
}

describe('four replicas and every-second schedules', () => {
  let cluster: Cluster;

  beforeAll(async () => {
    cluster = await Cluster.start(4, ['--lease-seconds', String(LEASE_S)]);
  });
  afterAll(async () => {
    await cluster?.close();
  });

  it(
    'fire each due time exactly once: no duplicate, no missed run, across a takeover',
    async () => {
      const api = () => cluster.alive[0]!;
      const task = [shellTask('tick', 'true')];
      await api().api('PUT', '/api/process_definitions/every-second', {
        process_definition_name: 'every-second',
        schedule: { continuous_schedule: { buffer_seconds: 1 } },
        task_definitions: task,
      });
      const from = Date.now();
      await api().api('PUT', '/api/process_definitions/every-minute', {
        process_definition_name: 'every-minute',
        schedule: {
          cron_schedule: { minutes: '*', hours: '*', day_of_month: '*', month: '*', day_of_week: '?' },
        },
        task_definitions: task,
      });
      await new Promise((r) => setTimeout(r, WINDOW_MS / 2));
      const leader = await cluster.leader();
      const others = cluster.alive.filter((r) => r !== leader);
      leader.child.kill('SIGKILL');
      await waitFor(async () => (others.some((r) => r.logs.some(becameLeader)) ? true : undefined));
      await new Promise((r) => setTimeout(r, WINDOW_MS / 2));
      const to = Date.now();

      const db = new pg.Client({ connectionString: cluster.databaseUrl });
      await db.connect();
      const { rows } = await db.query<RunRow>(
        `select definition_name, due_at, started_at from processes where started_by = 'schedule' order by started_at`,
      );
      await db.end();
      const continuous = rows.filter((r) => r.definition_name === 'every-second');
      const cron = rows.filter((r) => r.definition_name === 'every-minute');
      const dueTimes = rows.map((r) => `${r.definition_name} ${r.due_at.toISOString()}`);
      const duplicates = dueTimes.length - new Set(dueTimes).size;
      // Continuous: the next run is due 1 s after one starts; a gap longer than that plus a takeover is a missed run.
      const gaps = continuous
        .slice(1)
        .map((r, i) => r.started_at.getTime() - continuous[i]!.started_at.getTime());
      const missed = gaps.filter((g) => g > 1000 + (LEASE_S + 2) * 1000).length;
      // Cron: one run per minute boundary that passed (with 3 s to fire) within the window.
      const boundaries: number[] = [];
      for (let t = Math.ceil(from / 60_000) * 60_000; t <= to - 3000; t += 60_000) boundaries.push(t);
      const cronMissed = boundaries.filter((b) => !cron.some((r) => r.due_at.getTime() === b)).length;
      recordFigures({
        scenario: `4 replicas, every-second continuous + every-minute cron for ${WINDOW_MS / 1000} s, leader killed once`,
        tasks: `${continuous.length} + ${cron.length} scheduled runs`,
        duplicates: duplicates + gaps.filter((g) => g < 500).length,
        losses: missed + cronMissed,
      });
      expect(duplicates).toBe(0);
      expect(gaps.filter((g) => g < 500)).toEqual([]); // two runs of one due time would start together
      expect(missed).toBe(0);
      expect(cronMissed).toBe(0);
      expect(cron.length).toBe(boundaries.length + cron.filter((r) => r.due_at.getTime() > to - 3000).length);
      expect(continuous.length).toBeGreaterThan(WINDOW_MS / 1000 / 2);
    },
    WINDOW_MS + 100_000,
  );
});
