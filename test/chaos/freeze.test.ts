import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shellTask, type WireProcess, waitFor } from '../helpers/harness.js';
import { becameLeader, Cluster, ledgerScript, readLedger, startedTwice } from './cluster.js';

// The measurement, scaled down: lease 3 s (not 15), freeze until the other replica has
// taken over and started work (not 25 s), tasks of 0.5 s (not 1 s).
const LEASE_S = 3;
const TASKS = 20;

describe('a leader frozen past its lease (SIGSTOP), then resumed (SIGCONT)', () => {
  let cluster: Cluster;
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sundial-freeze-'));
    cluster = await Cluster.start(2, ['--shell-concurrency', '2', '--lease-seconds', String(LEASE_S)]);
  });
  afterAll(async () => {
    await cluster?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('starts, writes and kills nothing twice; the new leader ends the frozen one’s jobs with a reason', async () => {
    const ledger = join(dir, 'ledger');
    const frozen = await cluster.leader();
    const other = cluster.replicas.find((r) => r !== frozen)!;
    const tasks = Array.from({ length: TASKS }, (_, i) =>
      shellTask(`t${i}`, ledgerScript(ledger, 'sleep 0.5'), { max_attempts: 2 }),
    );
    await other.api('PUT', '/api/process_definitions/parallel', {
      process_definition_name: 'parallel',
      task_definitions: tasks,
    });
    await other.api('POST', '/api/process_definitions/parallel/trigger');
    await waitFor(async () => (readLedger(ledger).length > 0 ? true : undefined));

    frozen.signalGroup('SIGSTOP');
    const stoppedAt = Date.now();
    const takeover = await other.waitForLog(becameLeader);
    // Resume the frozen one only once the new leader has started jobs of its own.
    await waitFor(async () => (readLedger(ledger).some((l) => l.pid === other.pid) ? true : undefined));
    frozen.signalGroup('SIGCONT');
    const resumedAt = Date.now();
    const lost = await frozen.waitForLog((r) => r.msg.startsWith('lost scheduler leadership'));

    const run = await waitFor(async () => {
      const [p] = (await other.api<WireProcess[]>('GET', '/api/processes?process_definition_name=parallel'))
        .body;
      return p && p.status !== 'running' ? p : undefined;
    }, 60_000);
    const lines = readLedger(ledger);
    const takeoverMs = (takeover.time as number) - stoppedAt;
    console.log(
      `freeze: takeover ${takeoverMs} ms after SIGSTOP (lease ${LEASE_S} s); the frozen leader noticed ` +
        `${(lost.time as number) - resumedAt} ms after SIGCONT; ${lines.filter((l) => l.event === 'start').length} ` +
        `job starts, ${startedTwice(lines).length} task ids started twice`,
    );
    expect(startedTwice(lines)).toEqual([]);
    // After it resumed, the deposed leader started nothing.
    expect(lines.filter((l) => l.pid === frozen.pid && l.event === 'start' && l.at >= resumedAt)).toEqual([]);
    expect(takeoverMs).toBeLessThan((LEASE_S + 2) * 1000);
    expect(run.status).toBe('succeeded');
    // Each task succeeded once; an attempt the freeze cut short ended with a reason, then ran again.
    const byName = new Map<string, WireProcess['task']>();
    for (const t of run.task)
      byName.set(t.task_definition_name, [...(byName.get(t.task_definition_name) ?? []), t]);
    for (const [, attempts] of byName) {
      expect(attempts.filter((t) => t.status === 'succeeded')).toHaveLength(1);
      for (const t of attempts.filter((a) => a.status === 'failed'))
        expect(t.failure_reason).toMatch(/died or lost its lease|scheduler stopped/);
    }
    expect(frozen.alive).toBe(true);
  });
});
