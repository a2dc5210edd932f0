import type { FastifyPluginAsync } from 'fastify';
import { retryGrants } from '../domain/retry.js';
import { progressFromTasks } from '../domain/task-progress.js';
import type { ProcessStatus } from '../domain/types.js';
import { getProcess, listProcesses, reopenProcess, requestKill } from '../storage/stores/processes-store.js';
import { taskProgressRows } from '../storage/stores/tasks-store.js';
import type { ApiContext } from './api-context.js';
import { HttpError, notFound } from './errors.js';
import { dateParam, intParam, listParam, uuidParam } from './query-params.js';
import { INLINE_LOG_ENTRIES, processesToWire } from './wire.js';

const PROCESS_STATUSES: readonly ProcessStatus[] = ['running', 'succeeded', 'failed'];

type IdParams = { Params: { id: string } };
type ListQuery = {
  Querystring: {
    process_definition_name?: string;
    start_time?: string;
    end_time?: string;
    max_records?: string;
    allowed_statuses?: string | string[];
  };
};

/** `/api/processes`: list, read, retry, kill. */
export const processesRoutes =
  (ctx: ApiContext): FastifyPluginAsync =>
  async (app) => {
    const base = '/api/processes';

    app.get<ListQuery>(base, async (req) => {
      const q = req.query;
      const rows = await listProcesses(ctx.db, {
        ...(q.process_definition_name && { definitionName: q.process_definition_name }),
        statuses: listParam(q.allowed_statuses, 'allowed_statuses', PROCESS_STATUSES),
        startedAfter: dateParam(q.start_time, 'start_time'),
        startedBefore: dateParam(q.end_time, 'end_time'),
        limit: intParam(q.max_records, 'max_records', 1, 10_000) ?? 100,
      });
      return processesToWire(ctx.db, rows);
    });

    app.get<IdParams & { Querystring: { log_entries?: string } }>(`${base}/:id`, async (req) => {
      const process = await getProcess(ctx.db, uuidParam(req.params.id, 'process_id'));
      if (!process) throw notFound(`process ${req.params.id}`);
      const inline = intParam(req.query.log_entries, 'log_entries', 0, INLINE_LOG_ENTRIES);
      return (await processesToWire(ctx.db, [process], inline))[0];
    });

    app.post<IdParams>(`${base}/:id/kill`, async (req, reply) => {
      const id = uuidParam(req.params.id, 'process_id');
      const process = await getProcess(ctx.db, id);
      if (!process) throw notFound(`process ${id}`);
      if (process.status !== 'running') {
        throw new HttpError(400, `process ${id} is not running (it ${process.status}); nothing to kill`);
      }
      await requestKill(ctx.db, id, 'killed by request (POST /api/processes/{id}/kill)', new Date());
      ctx.wake(`process:${id}`);
      return reply.status(204).send();
    });

    app.post<IdParams>(`${base}/:id/retry`, async (req, reply) => {
      const id = uuidParam(req.params.id, 'process_id');
      await ctx.db.transaction(async (tx) => {
        const full = await getProcess(tx, id, { forUpdate: true });
        if (!full) throw notFound(`process ${id}`);
        if (full.status !== 'failed') {
          throw new HttpError(
            400,
            `process ${id} ${full.status === 'running' ? 'is still running' : 'succeeded'}; only a failed process can be retried`,
          );
        }
        const progress = progressFromTasks(await taskProgressRows(tx, id));
        const latest = new Map(
          [...progress].map(([name, p]) => [name, { attempts: p.attempts, latestStatus: p.latest!.status }]),
        );
        await reopenProcess(tx, id, retryGrants(full.task_definitions, latest, full.retry_grants));
      });
      ctx.wake(`process:${id}`);
      return reply.status(204).send();
    });
  };
