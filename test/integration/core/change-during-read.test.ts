import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callRate } from '../../../src/executors/aws/aws-options.js';
import { pooledLogClients } from '../../../src/executors/aws/log-client-pools.js';
import { ShellExecutor } from '../../../src/executors/shell/shell-executor.js';
import { LiveLogs } from '../../../src/logs/live-logs.js';
import { Engine } from '../../../src/scheduler/engine.js';
import type { Database } from '../../../src/storage/database.js';
import { openDatabase } from '../../../src/storage/open-database.js';
import { readLogPage } from '../../../src/storage/stores/log-reads-store.js';
import { getProcess, insertProcess, requestKill } from '../../../src/storage/stores/processes-store.js';
import { tasksOfProcess } from '../../../src/storage/stores/tasks-store.js';
import { shellTask, waitFor } from '../../helpers/harness.js';
import { freshDatabase } from '../../helpers/test-database.js';

/**
 * The database, with the engine's read of a process held back after it returned: the state it
 * read is then older than the database's, as when a change lands while the engine reads.
 */
function holdingProcessReads(db: Database) {
  let held: { arrived: () => void; go: Promise<void> } | undefined;
  const gated = new Proxy(db, {
    get(target, prop) {
      if (prop === 'query')
        return async (sql: string, params?: unknown[]) => {
          const rows = await target.query(sql, params);
          const hold = held;
          if (hold && sql.includes('from processes p where p.id = $1')) {
            held = undefined;
            hold.arrived();
            await hold.go;
          }
          return rows;
        };
      const value = Reflect.get(target, prop, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  return {
    db: gated,
    /** Holds the next read; resolves once it has read, with the function that lets it go on. */
    holdNextRead(): Promise<() => void> {
      let go!: () => void;
      const released = new Promise<void>((r) => {
        go = r;
      });
      return new Promise((arrived) => {
        held = { arrived: () => arrived(go), go: released };
      });
    },
  };
}

// A kill (or a retry, or any change from the API) that lands while the engine reads the process
// must not be lost when the engine then keeps what it read.
describe('a change made while the engine reads a process', () => {
  let fresh: Awaited<ReturnType<typeof freshDatabase>>;
  let db: Database;
  let engine: Engine;
  let logs: LiveLogs;
  let reads: ReturnType<typeof holdingProcessReads>;
  let dir: string;
  /** A shell task that runs until the test writes `dir/name`. */
  const gated = (name: string) => shellTask(name, `while [ ! -e '${join(dir, name)}' ]; do sleep 0.05; done`);
  const open = (name: string) => writeFileSync(join(dir, name), '');
  const ended = (processId: string) =>
    waitFor(async () => {
      const p = await getProcess(db, processId);
      return p?.status === 'running' ? undefined : p;
    }, 10_000);

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sundial-change-during-read-'));
    fresh = await freshDatabase();
    db = await openDatabase(fresh.options);
    reads = holdingProcessReads(db);
    const logger = pino({ level: 'silent' });
    const clients = pooledLogClients(undefined, callRate(undefined));
    logs = new LiveLogs({ db: reads.db, logger, replicaId: 'r1', clients });
    engine = new Engine({
      db: reads.db,
      logger,
      replicaId: 'r1',
      publicUrl: 'http://127.0.0.1:9',
      liveLogs: logs,
    });
    engine.register(new ShellExecutor(engine, { killGraceMs: 200 }));
  });
  afterAll(async () => {
    await engine?.stop();
    await logs?.close();
    await db?.close();
    await fresh?.drop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  for (const moment of ['its first read', 'a read again after a change'] as const) {
    it(`is seen: a kill during ${moment} kills the job the engine starts from the older read`, async () => {
      const run = await insertProcess(db, 'nap', [shellTask('nap', 'sleep 30')], 'trigger', new Date());
      if (moment === 'a read again after a change') {
        engine.markDirty(run.id);
        await waitFor(async () => ((await tasksOfProcess(db, run.id)).length > 0 ? true : undefined));
      }
      const reading = reads.holdNextRead();
      engine.markDirty(run.id);
      const goOn = await reading;
      await requestKill(db, run.id, 'killed during the read', new Date());
      engine.markDirty(run.id);
      goOn();
      expect(await ended(run.id)).toMatchObject({ status: 'failed' });
      const tasks = await tasksOfProcess(db, run.id);
      expect(tasks.map((t) => [t.status, t.failure_reason])).toEqual([['failed', 'killed during the read']]);
    });
  }

  it('a task end stored while the engine reads is kept: the run ends when its last task does', async () => {
    const run = await insertProcess(db, 'two', [gated('quick'), gated('long')], 'trigger', new Date());
    engine.markDirty(run.id);
    await waitFor(async () => {
      const tasks = await tasksOfProcess(db, run.id);
      return tasks.length === 2 && tasks.every((t) => t.status === 'running') ? true : undefined;
    });
    const reading = reads.holdNextRead();
    engine.markDirty(run.id);
    const goOn = await reading;
    open('quick');
    const quick = (await tasksOfProcess(db, run.id)).find((t) => t.task_definition_name === 'quick')!;
    // The engine logs a task's end once it is stored, as it takes the end into its copy of the run.
    await waitFor(async () => {
      const lines = await readLogPage(db, { kind: 'task', id: quick.id }, 0, 100);
      return lines.some((l) => l.message === 'task succeeded') ? true : undefined;
    });
    goOn();
    open('long');
    expect(await ended(run.id)).toMatchObject({ status: 'succeeded' });
  });
});
