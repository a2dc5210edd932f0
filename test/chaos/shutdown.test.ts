import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dependsOn, shellTask, type WireProcess, type WireTask, waitFor } from '../helpers/harness.js';
import { becameLeader, Cluster, ledgerScript, readLedger, startedTwice } from './cluster.js';

// A lease far longer than the test's waits: a takeover can only come from the leader handing the
// lease over, not from it expiring.
const LEASE_S = 60;
const GRACE_S = 5;

describe('SIGTERM of the leader while shell jobs run', () => {
  let cluster: Cluster;
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sundial-shutdown-'));
    cluster = await Cluster.start(2, [
      '--lease-seconds',
      String(LEASE_S),
      '--shutdown-grace-seconds',
      String(GRACE_S),
      '--shell-concurrency',
      '2',
    ]);
  });
  afterAll(async () => {
    await cluster?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('stops taking work, lets a job end in its grace period, cuts the other short for a retry, and hands over at once', async () => {
    const ledger = join(dir, 'ledger');
    const go = join(dir, 'go');
    const leader = await cluster.leader();
    const follower = cluster.replicas.find((r) => r !== leader)!;
    await follower.api('PUT', '/api/process_definitions/shutdown', {
      process_definition_name: 'shutdown',
      task_definitions: [
        // Ends once the test says so, within the grace period.
        shellTask('quick', ledgerScript(ledger, `while [ ! -e '${go}' ]; do sleep 0.05; done`)),
        // Its first attempt outlives any grace period; the retry ends at once.
        shellTask('slow', ledgerScript(ledger, '[ "$SUNDIAL_TASK_PREVIOUS_ATTEMPTS" != 0 ] || sleep 600'), {
          max_attempts: 2,
        }),
        // Waits for a free slot (concurrency 2): recorded but never started by the leader.
        shellTask('queued', ledgerScript(ledger, 'true')),
        // Could start once 'quick' ends, during the shutdown.
        shellTask('after', ledgerScript(ledger, 'true'), { dependencies: dependsOn('quick') }),
      ],
    });
    await follower.api('POST', '/api/process_definitions/shutdown/trigger');
    await waitFor(async () => (readLedger(ledger).length === 2 ? true : undefined));

    leader.child.kill('SIGTERM');
    await leader.waitForLog((r) => r.msg.includes('SIGTERM: shutting down'));
    // Readiness fails at once, so a load balancer moves on; liveness stays.
    const ready = await leader.api<{ ready: boolean; reason: string }>('GET', '/ready');
    expect(ready).toEqual({ status: 503, body: { ready: false, reason: 'shutting down' } });
    expect((await leader.api('GET', '/health')).status).toBe(200);
    writeFileSync(go, '');

    expect(await leader.exited).toEqual({ code: 0, signal: null });
    expect(leader.logs.some((r) => r.msg === 'handed scheduler leadership over')).toBe(true);
    // Well before the lease could have expired.
    await follower.waitForLog(becameLeader, (LEASE_S / 2) * 1000);

    const run = await waitFor(async () => {
      const [p] = (
        await follower.api<WireProcess[]>('GET', '/api/processes?process_definition_name=shutdown')
      ).body;
      return p && p.status !== 'running' ? p : undefined;
    }, 60_000);
    expect(run.status).toBe('succeeded');
    const attempts = (name: string) =>
      run.task
        .filter((t) => t.task_definition_name === name)
        .sort((a, b) => a.previous_attempt_count - b.previous_attempt_count);
    const shape = (t: WireTask) => ({ status: t.status, failure_reason: t.failure_reason ?? null });
    expect(attempts('quick').map(shape)).toEqual([{ status: 'succeeded', failure_reason: null }]);
    expect(attempts('slow').map(shape)).toEqual([
      {
        status: 'failed',
        failure_reason: `the scheduler shut down and this shell job did not end within its ${GRACE_S} s grace period`,
      },
      { status: 'succeeded', failure_reason: null },
    ]);
    // Never started by the leader that shut down, so no attempt was spent on them.
    expect(attempts('queued').map(shape)).toEqual([{ status: 'succeeded', failure_reason: null }]);
    expect(attempts('after').map(shape)).toEqual([{ status: 'succeeded', failure_reason: null }]);

    const lines = readLedger(ledger);
    expect(startedTwice(lines)).toEqual([]);
    const ranOn = (t: WireTask) =>
      lines
        .filter((l) => l.taskId === t.task_id)
        .map((l) => `${l.event} ${l.pid === leader.pid ? 'old' : 'new'}`);
    expect(ranOn(attempts('quick')[0]!)).toEqual(['start old', 'end old']);
    expect(ranOn(attempts('slow')[0]!)).toEqual(['start old']);
    expect(ranOn(attempts('slow')[1]!)).toEqual(['start new', 'end new']);
    expect(ranOn(attempts('queued')[0]!)).toEqual(['start new', 'end new']);
    expect(ranOn(attempts('after')[0]!)).toEqual(['start new', 'end new']);
  });
});
