import type { FastifyPluginAsync } from 'fastify';
import { retryGrants } from '../domain/retry.js';
import { progressFromTasks } from '../domain/task-progress.js';
import type { ProcessStatus } from '../domain/types.js';
import { ValidationError } from '../domain/validation-error.js';
import type { Queryable } from '../storage/database.js';
import {
  getProcess,
  getProcessHead,
  listProcesses,
  type ProcessHead,
  reopenProcess,
  requestKill,
} from '../storage/stores/processes-store.js';
import {
  costOfProcess,
  getTask,
  taskProgressRows,
  tasksOfProcessPage,
} from '../storage/stores/tasks-store.js';
import type { ApiContext } from './api-context.js';
import { audited } from './auth/audit-hook.js';
import { HttpError, notFound } from './errors.js';
import { dateParam, intParam, listParam, uuidParam } from './query-params.js';
import { INLINE_LOG_ENTRIES, processesToWire, processPageToWire } from './wire.js';

const PROCESS_STATUSES: readonly ProcessStatus[] = ['running', 'succeeded', 'failed'];

type IdParams = { Params: { id: string } };
type PageQuery = { log_entries?: string; limit?: string; after?: string };

/** Tasks per page of a run when `after` comes without `limit`, and the most one page holds. */
const DEFAULT_TASK_PAGE = 100;
const MAX_TASK_PAGE = 1000;
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

    app.get<IdParams & { Querystring: PageQuery }>(`${base}/:id`, async (req) => {
      const q = req.query;
      const process = await getProcessHead(ctx.db, uuidParam(req.params.id, 'process_id'));
      if (!process) throw notFound(`process ${req.params.id}`);
      const inline = intParam(q.log_entries, 'log_entries', 0, INLINE_LOG_ENTRIES);
      const limit = intParam(q.limit, 'limit', 1, MAX_TASK_PAGE);
      const after = q.after === undefined ? undefined : uuidParam(q.after, 'after');
      // Without `limit` or `after`: every task, as the original API answers.
      if (limit === undefined && after === undefined)
        return (await processesToWire(ctx.db, [process], inline))[0];
      return processPage(ctx.db, process, limit ?? DEFAULT_TASK_PAGE, after, inline);
    });

    app.post<IdParams>(`${base}/:id/kill`, async (req, reply) => {
      const id = uuidParam(req.params.id, 'process_id');
      const process = await getProcessHead(ctx.db, id);
      if (!process) throw notFound(`process ${id}`);
      if (process.status !== 'running') {
        throw new HttpError(400, `process ${id} is not running (it ${process.status}); nothing to kill`);
      }
      await audited(ctx.db, req, 204, (tx) =>
        requestKill(tx, id, 'killed by request (POST /api/processes/{id}/kill)', new Date()),
      );
      ctx.wake(`process:${id}`);
      return reply.status(204).send();
    });

    app.post<IdParams>(`${base}/:id/retry`, async (req, reply) => {
      const id = uuidParam(req.params.id, 'process_id');
      await audited(ctx.db, req, 204, async (tx) => {
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

/**
 * A run with one page of its tasks (`limit` of them after the task `after`),
 * and `next_after`, the cursor of the next page, while there is one.
 */
async function processPage(
  db: Queryable,
  process: ProcessHead,
  limit: number,
  after: string | undefined,
  inline: number | undefined,
) {
  // One more than asked tells whether another page exists.
  const [rows, cost] = await Promise.all([
    tasksOfProcessPage(db, process.id, { limit: limit + 1, ...(after && { after }) }),
    costOfProcess(db, process.id),
  ]);
  if (after && rows.length === 0 && (await getTask(db, after))?.process_id !== process.id)
    throw new ValidationError([{ field: 'after', problem: `no task ${after} in process ${process.id}` }]);
  const page = rows.slice(0, limit);
  const wire = await processPageToWire(db, process, page, cost, inline);
  return { ...wire, ...(rows.length > limit && { next_after: page.at(-1)!.id }) };
}
