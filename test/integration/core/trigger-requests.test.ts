import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { shellTask, waitFor } from '../../helpers/harness.js';
import { useHarness } from '../../helpers/use-harness.js';

interface WireTriggerRequest {
  trigger_request_id: string;
  process_definition_name: string;
  task_definition_names: string[] | null;
  requested_at: string;
  process_id: string | null;
}

// A trigger answers with its request id; GET /api/trigger_requests/{id} follows it to its run.
describe('trigger requests', () => {
  const world = useHarness('sundial-trigger-requests-');

  /** A definition whose one task runs until `dir/go-NAME` exists. */
  const gated = (name: string) =>
    world.h.put({
      process_definition_name: name,
      task_definitions: [
        shellTask('wait', `while [ ! -e '${join(world.dir, `go-${name}`)}' ]; do sleep 0.05; done`),
        shellTask('other', 'true'),
      ],
    });
  const release = (name: string) => writeFileSync(join(world.dir, `go-${name}`), '');
  /** The trigger's response headers (the harness's request() keeps only status and body). */
  const trigger = async (name: string, query = '') => {
    const res = await fetch(`${world.h.url}/api/process_definitions/${name}/trigger${query}`, {
      method: 'POST',
    });
    expect(res.status).toBe(204);
    return res.headers;
  };
  const read = (id: string) => world.h.request<WireTriggerRequest>('GET', `/api/trigger_requests/${id}`);

  it('held back by a run in progress, a request shows no run; once that run ends, the one it became', async () => {
    await gated('held');
    const first = await world.h.startRun('held');
    const again = await trigger('held', '?task_definition_name=other');
    expect(again.get('sundial-process-id')).toBeNull();
    const requestId = again.get('sundial-trigger-request-id')!;
    const waiting = await read(requestId);
    expect(waiting.status).toBe(200);
    expect(waiting.body).toEqual({
      trigger_request_id: requestId,
      process_definition_name: 'held',
      task_definition_names: ['other'],
      requested_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT.+Z$/),
      process_id: null,
    });

    const waitingOf = (query: string) =>
      world.h.request<WireTriggerRequest[]>('GET', `/api/trigger_requests${query}`);
    expect((await waitingOf('?process_definition_name=held')).body).toEqual([waiting.body]);
    expect((await waitingOf('')).body).toContainEqual(waiting.body);
    expect((await waitingOf('?process_definition_name=nope')).body).toEqual([]);

    release('held');
    const started = await waitFor(async () => (await read(requestId)).body.process_id ?? undefined);
    expect((await waitingOf('?process_definition_name=held')).body).toEqual([]);
    expect(started).not.toBe(first.process_id);
    const run = await world.h.waitForEnd(started);
    expect(run.status).toBe('succeeded');
    expect(run.task.map((t) => t.task_definition_name)).toEqual(['other']);
    expect((await world.h.process(first.process_id)).status).toBe('succeeded');
  });

  it('a request whose definition is deleted before its run starts is gone: 404', async () => {
    await gated('dropped');
    const first = await world.h.startRun('dropped');
    const requestId = (await trigger('dropped')).get('sundial-trigger-request-id')!;
    expect((await read(requestId)).body.process_id).toBeNull();
    expect((await world.h.request('DELETE', '/api/process_definitions/dropped')).status).toBe(204);
    await world.h.request('POST', `/api/processes/${first.process_id}/kill`);
    const gone = await waitFor(async () => {
      const res = await read(requestId);
      return res.status === 404 ? res : undefined;
    });
    expect(gone.body).toEqual({ message: `trigger request ${requestId} not found` });
  });

  it('an id that is not a UUID, or a limit out of range, is a 400 naming the parameter', async () => {
    const limit = await world.h.request<{ message: string }>('GET', '/api/trigger_requests?limit=0');
    expect(limit.status).toBe(400);
    expect(limit.body.message).toContain('limit');
    const res = await read('nope');
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({
      message: expect.stringContaining("trigger_request_id: must be a UUID (got 'nope')"),
    });
  });
});
