import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Harness, shellTask, waitFor } from '../../helpers/harness.js';

/** The value of one sample line of a Prometheus text answer, or undefined when absent. */
function sample(text: string, name: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  return line === undefined ? undefined : Number(line.slice(name.length + 1));
}

describe('scheduler metrics', () => {
  let h: Harness;
  const metrics = async () => (await fetch(`${h.url}/metrics`)).text();

  beforeAll(async () => {
    h = await Harness.start();
  });
  afterAll(async () => {
    await h?.close();
  });

  it('say this replica leads, with its epoch and its one term; count renewals, dispatches and active tasks', async () => {
    const before = await metrics();
    expect(sample(before, 'sundial_leader')).toBe(1);
    expect(sample(before, 'sundial_leader_epoch')).toBeGreaterThanOrEqual(1);
    expect(sample(before, 'sundial_leader_takeovers_total')).toBe(1);
    expect(sample(before, 'sundial_lease_renew_seconds_count')).toBeGreaterThanOrEqual(1);
    const dispatchesBefore = sample(before, 'sundial_dispatch_seconds_count') ?? 0;

    await h.put({
      process_definition_name: 'waits',
      task_definitions: [shellTask('wait', 'sleep 600')],
    });
    await h.trigger('waits');
    const run = await h.waitForRun('waits');
    const during = await waitFor(async () => {
      const text = await metrics();
      return sample(text, 'sundial_tasks{status="running"}') === 1 ? text : undefined;
    });
    expect(sample(during, 'sundial_dispatch_seconds_count')).toBe(dispatchesBefore + 1);

    await h.request('POST', `/api/processes/${run.process_id}/kill`);
    await h.waitForEnd(run.process_id);
    expect(sample(await metrics(), 'sundial_tasks{status="running"}')).toBe(0);
  });
});
