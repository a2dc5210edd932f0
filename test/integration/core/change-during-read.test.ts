import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callRate } from '../../../src/executors/aws/aws-options.js';
import { pooledLogClients } from '../../../src/executors/aws/log-client-pools.js';
import { ShellExecutor } from '../../../src/executors/shell/shell-executor.js';
import { LiveLogs } from '../../../src/logs/live-logs.js';
import { Engine } from '../../../src/scheduler/engine.js';
import type { Database } from '../../../src/storage/database.js';
import { openDatabase } from '../../../src/storage/open-database.js';
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

  beforeAll(async () => {
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
      const ended = await waitFor(async () => {
        const p = await getProcess(db, run.id);
        return p?.status === 'running' ? undefined : p;
      }, 10_000);
      expect(ended).toMatchObject({ status: 'failed' });
      const tasks = await tasksOfProcess(db, run.id);
      expect(tasks.map((t) => [t.status, t.failure_reason])).toEqual([['failed', 'killed during the read']]);
    });
  }
});
