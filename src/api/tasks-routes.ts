import type { FastifyPluginAsync } from 'fastify';
import { MAX_ENTRIES, textProblems } from '../domain/safe-input.js';
import { checkModel } from '../domain/schema/schema-validator.js';
import type { TaskStatus } from '../domain/types.js';
import { ValidationError } from '../domain/validation-error.js';
import { appendMetadata } from '../storage/stores/entries-store.js';
import { getTask, listTasks, reportTaskStatus } from '../storage/stores/tasks-store.js';
import type { ApiContext } from './api-context.js';
import { audited } from './auth/audit-hook.js';
import { HttpError, notFound } from './errors.js';
import { dateParam, intParam, listParam, uuidParam } from './query-params.js';
import { tasksToWire } from './wire.js';

const TASK_STATUSES: readonly TaskStatus[] = [
  'submitted',
  'runnable',
  'starting',
  'pending',
  'running',
  'failed',
  'succeeded',
];

type IdParams = { Params: { id: string } };

/** `/api/tasks`: list, read, paged logs, and the callbacks jobs use (log entries, metadata, succeed, fail). */
export const tasksRoutes =
  (ctx: ApiContext): FastifyPluginAsync =>
  async (app) => {
    const base = '/api/tasks';

    app.get<{ Querystring: Record<string, string | string[] | undefined> }>(base, async (req) => {
      const q = req.query as Record<string, string | undefined>;
      const rows = await listTasks(ctx.db, {
        ...(q.process_definition_name && { definitionName: q.process_definition_name }),
        ...(q.task_definition_name && { taskDefinitionName: q.task_definition_name }),
        statuses: listParam(req.query.allowed_statuses, 'allowed_statuses', TASK_STATUSES),
        startedAfter: dateParam(q.start_time, 'start_time'),
        startedBefore: dateParam(q.end_time, 'end_time'),
        limit: intParam(q.limit, 'limit', 1, 10_000) ?? 100,
      });
      return tasksToWire(ctx.db, rows);
    });

    app.get<IdParams>(`${base}/:id`, async (req) => {
      const task = await getTask(ctx.db, uuidParam(req.params.id, 'task_id'));
      if (!task) throw notFound(`task ${req.params.id}`);
      return (await tasksToWire(ctx.db, [task]))[0];
    });

    // GET /api/tasks/:id/logs (paged by cursor) and its live stream are in logs-routes.ts.

    app.post<IdParams>(`${base}/:id/log_entries`, async (req, reply) => {
      const id = await existingTask(ctx, req.params.id);
      const entries = checkedArray<{ log_entry_id?: string; when: string; source: string; message: string }>(
        'log_entry',
        req.body,
      );
      // Through the log writer: secrets masked, the per-task cap applied, live readers woken.
      await ctx.logs.writer.append(
        id,
        entries.map((e) => ({
          ...(e.log_entry_id && { id: e.log_entry_id }),
          at: new Date(e.when),
          source: e.source,
          message: e.message,
        })),
      );
      return reply.status(204).send();
    });

    app.post<IdParams>(`${base}/:id/metadata`, async (req, reply) => {
      const id = await existingTask(ctx, req.params.id);
      const entries = checkedArray<{ metadata_entry_id?: string; when: string; key: string; value: string }>(
        'metadata_entry',
        req.body,
      );
      await audited(ctx.db, req, 204, (tx) =>
        appendMetadata(
          tx,
          id,
          entries.map((e) => ({
            ...(e.metadata_entry_id && { id: e.metadata_entry_id }),
            at: new Date(e.when),
            key: e.key,
            value: e.value,
          })),
        ),
      );
      return reply.status(204).send();
    });

    for (const [action, status] of [
      ['succeed', 'succeeded'],
      ['fail', 'failed'],
    ] as const) {
      app.post<IdParams>(`${base}/:id/${action}`, async (req, reply) => {
        const id = uuidParam(req.params.id, 'task_id');
        await audited(ctx.db, req, 204, async (tx) => {
          const result = await reportTaskStatus(tx, id, status);
          if (result === 'unknown') throw notFound(`task ${id}`);
          if (result === 'finished') throw new HttpError(400, `task ${id} has already finished`);
        });
        return reply.status(204).send();
      });
    }
  };

async function existingTask(ctx: ApiContext, rawId: string): Promise<string> {
  const id = uuidParam(rawId, 'task_id');
  if (!(await getTask(ctx.db, id))) throw notFound(`task ${id}`);
  return id;
}

function checkedArray<T>(model: string, body: unknown): T[] {
  if (!Array.isArray(body))
    throw new ValidationError([{ field: 'body', problem: `must be an array of ${model}` }]);
  if (body.length > MAX_ENTRIES)
    throw new ValidationError([
      { field: 'body', problem: `holds ${body.length} entries; at most ${MAX_ENTRIES} a request` },
    ]);
  const text = textProblems(body);
  if (text.length > 0) throw new ValidationError(text);
  const problems = body.flatMap((item, i) =>
    checkModel(model, item).map((p) => ({ ...p, field: p.field ? `[${i}].${p.field}` : `[${i}]` })),
  );
  if (problems.length > 0) throw new ValidationError(problems);
  return body as T[];
}
