import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Sundial, startSundial } from '../../../src/app.js';
import { shellTask, waitFor } from '../../helpers/harness.js';
import { backend, freshDatabase } from '../../helpers/test-database.js';
import { openSse, sseLines } from './helpers.js';

// Several replicas share one database only with PostgreSQL.
describe.skipIf(backend !== 'postgres')('live logs across replicas', () => {
  let db: Awaited<ReturnType<typeof freshDatabase>>;
  let leader: Sundial;
  let replica: Sundial;
  let dir: string;
  const start = () =>
    startSundial({
      port: 0,
      logger: pino({ level: 'silent' }),
      ...db.options,
      aws: false,
      liveLogs: { graceMs: 200 },
    });

  beforeAll(async () => {
    db = await freshDatabase();
    leader = await start();
    replica = await start();
    dir = mkdtempSync(join(tmpdir(), 'sundial-replicas-'));
  });
  afterAll(async () => {
    await replica?.close();
    await leader?.close();
    await db?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('streams from a replica the lines the leader stores, as they come (LISTEN/NOTIFY)', async () => {
    expect(leader.scheduler.isLeader).toBe(true);
    expect(replica.scheduler.isLeader).toBe(false);
    const gate = join(dir, 'gate');
    const def = {
      process_definition_name: 'replicated',
      task_definitions: [
        shellTask('talk', `echo one; while [ ! -f '${gate}' ]; do sleep 0.05; done; echo two`),
      ],
    };
    const api = (path: string, init: RequestInit = {}) => fetch(`${replica.url}${path}`, init);
    await api('/api/process_definitions/replicated', {
      method: 'PUT',
      body: JSON.stringify(def),
      headers: { 'content-type': 'application/json' },
    });
    await api('/api/process_definitions/replicated/trigger', { method: 'POST' });
    const processId = await waitFor(async () => {
      const [p] = (await (await api('/api/processes?process_definition_name=replicated')).json()) as {
        process_id: string;
      }[];
      return p?.process_id;
    });
    const sse = openSse(`${replica.url}/api/processes/${processId}/logs/stream`);
    await waitFor(async () => (sseLines(sse.events).some((l) => l.message === 'one') ? true : undefined));
    writeFileSync(gate, '');
    await sse.ended;
    const stdout = sseLines(sse.events).filter((l) => l.source === 'stdout');
    expect(stdout.map((l) => l.message)).toEqual(['one', 'two']);
    expect(sse.events.at(-1)?.event).toBe('end');
  });
});
