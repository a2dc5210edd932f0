import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { latestTasks, shellTask, type WireProcess, waitFor } from '../../helpers/harness.js';
import { isAlive } from '../../helpers/processes.js';
import { useHarness } from '../../helpers/use-harness.js';

const ms = (iso: string | undefined) => Date.parse(iso!);
/** Blocks until `file` exists. */
const waitForFile = (file: string) => `while [ ! -e ${file} ]; do sleep 0.05; done`;

describe('schedules and overlap', () => {
  const world = useHarness('sundial-sched-', { tickMs: 200 });

  const post = (path: string) => world.h.request<{ message?: string }>('POST', path);
  /**
   * Resolves once the scheduler has started `runs` more runs of an unpaused continuous schedule
   * (buffer 1 s): proof that it checked schedules and trigger requests, over at least
   * `runs - 1` seconds, since the call. What should not have happened meanwhile can then be checked.
   */
  const witnessRuns = async (runs: number) => {
    const before = (await world.h.processes('witness')).length;
    await world.h.waitForRun('witness', before + runs);
  };

  it('a paused continuous schedule does not start runs, a manual trigger does, and resuming repeats it', async () => {
    await world.h.put({
      process_definition_name: 'continuous',
      paused: true,
      schedule: { continuous_schedule: { buffer_seconds: 1 } },
      task_definitions: [shellTask('tick', 'true')],
    });
    await world.h.put({
      process_definition_name: 'witness',
      schedule: { continuous_schedule: { buffer_seconds: 1 } },
      task_definitions: [shellTask('tick', 'true')],
    });
    await witnessRuns(2); // the paused schedule was due as long as the witness's, and checked as often
    expect(await world.h.processes('continuous')).toEqual([]);

    const manual = await world.h.triggerAndWait('continuous');
    expect(manual.status).toBe('succeeded');
    await witnessRuns(2); // a manual run does not start the paused schedule
    expect(await world.h.processes('continuous')).toHaveLength(1);

    expect((await post('/api/process_definitions/continuous/resume')).status).toBe(204);
    await world.h.waitForRun('continuous', 3);
    expect((await post('/api/process_definitions/continuous/pause')).status).toBe(204);
    const runs = (await world.h.processes('continuous')).reverse(); // oldest first
    const scheduled = runs.slice(1);
    expect(scheduled.length).toBeGreaterThanOrEqual(2);
    // missed runs are not backfilled; each run starts at least buffer_seconds after the previous start
    for (let i = 1; i < runs.length; i++) {
      expect(ms(runs[i]!.start_time) - ms(runs[i - 1]!.start_time)).toBeGreaterThanOrEqual(1000);
    }
    const def = await world.h.request<{ paused: boolean }>('GET', '/api/process_definitions/continuous');
    expect(def.body.paused).toBe(true);
    expect((await post('/api/process_definitions/witness/pause')).status).toBe(204);
  });

  it('overlap wait: a second trigger waits until the running process ends', async () => {
    const release = join(world.dir, 'release-wait');
    await world.h.put({
      process_definition_name: 'overlap-wait',
      overlap_action: 'wait',
      task_definitions: [shellTask('gate', waitForFile(release))],
    });
    await world.h.put({
      process_definition_name: 'bystander',
      task_definitions: [shellTask('tick', 'true')],
    });
    const first = await world.h.startRun('overlap-wait');
    await world.h.trigger('overlap-wait');
    // The scheduler weighs open trigger requests oldest first, in one pass: once it started the
    // later one, it has weighed this one too (and held it back).
    await world.h.startRun('bystander');
    expect(await world.h.processes('overlap-wait')).toHaveLength(1);

    writeFileSync(release, '');
    const second = await world.h.waitForRun('overlap-wait', 2);
    const firstDone = await world.h.process(first.process_id);
    expect(firstDone.status).toBe('succeeded');
    expect(ms(second.start_time)).toBeGreaterThanOrEqual(ms(latestTasks(firstDone).get('gate')!.end_time));
    expect((await world.h.waitForEnd(second.process_id)).status).toBe('succeeded');
  });

  it('overlap terminate: a second trigger kills the running process with a reason, then runs', async () => {
    const release = join(world.dir, 'release-terminate');
    const pidFile = join(world.dir, 'pid-terminate');
    await world.h.put({
      process_definition_name: 'overlap-terminate',
      overlap_action: 'terminate',
      task_definitions: [shellTask('gate', `echo $$ > ${pidFile}; echo started; ${waitForFile(release)}`)],
    });
    const first = await world.h.startRun('overlap-terminate');
    // The job's own line, not the scheduler's "task started": the job is up and holds the gate.
    await waitFor(async () =>
      (await world.h.process(first.process_id)).task[0]?.log_entries.some((e) => e.message === 'started')
        ? true
        : undefined,
    );
    const pid = Number(readFileSync(pidFile, 'utf8'));
    await world.h.trigger('overlap-terminate');
    const killed = await world.h.waitForEnd(first.process_id);
    expect(killed.status).toBe('failed');
    const reason = "terminated: a new run of 'overlap-terminate' is due (overlap_action is terminate)";
    expect((killed as WireProcess & { kill_reason?: string }).kill_reason).toBe(reason);
    expect(killed.task[0]!.failure_reason).toBe(reason);
    expect(isAlive(pid)).toBe(false); // the job was killed, not only recorded as failed

    writeFileSync(release, '');
    const second = await world.h.waitForRun('overlap-terminate', 2);
    expect(second.process_id).not.toBe(first.process_id);
    const secondDone = await world.h.waitForEnd(second.process_id);
    expect(secondDone.status).toBe('succeeded');
    // the old job was gone before the new one started: they never ran side by side
    const killedEnd = (killed as WireProcess & { end_time?: string }).end_time;
    expect(ms(secondDone.start_time)).toBeGreaterThanOrEqual(ms(killedEnd));
    expect(ms(secondDone.task[0]!.start_time)).toBeGreaterThanOrEqual(ms(killed.task[0]!.end_time));
  });
});
