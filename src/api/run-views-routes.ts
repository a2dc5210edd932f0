import type { FastifyPluginAsync } from 'fastify';
import { definitionToWire, getDefinition, listDefinitions } from '../storage/stores/definitions-store.js';
import {
  type ProcessSummaryRow,
  processHistoryPage,
  recentProcessesPerDefinition,
} from '../storage/stores/process-history-store.js';
import { getProcess } from '../storage/stores/processes-store.js';
import type { ApiContext } from './api-context.js';
import { notFound } from './errors.js';
import { intParam, uuidParam } from './query-params.js';

/** A run without its tasks on the wire. */
export function processSummaryToWire(p: ProcessSummaryRow) {
  return {
    process_id: p.id,
    process_definition_name: p.definition_name,
    status: p.status,
    start_time: p.started_at.toISOString(),
    ...(p.ended_at && { end_time: p.ended_at.toISOString() }),
  };
}

/**
 * Reads the web UI needs beyond the original API, added without changing it:
 * every definition (with its next run time) and its newest runs in one request, a
 * definition's run history paged, and the task definitions a run was started
 * with (a filtered trigger runs a subset, and the definition may have changed since).
 */
export const runViewsRoutes =
  (ctx: ApiContext): FastifyPluginAsync =>
  async (app) => {
    app.get<{ Querystring: { recent?: string } }>('/api/definition_overview', async (req) => {
      const recent = intParam(req.query.recent, 'recent', 0, 100) ?? 10;
      const [definitions, runs] = await Promise.all([
        listDefinitions(ctx.db),
        recent > 0 ? recentProcessesPerDefinition(ctx.db, recent) : [],
      ]);
      const byDefinition = new Map<string, ProcessSummaryRow[]>();
      for (const r of runs)
        byDefinition.set(r.definition_name, [...(byDefinition.get(r.definition_name) ?? []), r]);
      return definitions.map((d) => ({
        definition: definitionToWire(d),
        recent_processes: (byDefinition.get(d.name) ?? []).map(processSummaryToWire),
      }));
    });

    app.get<{ Params: { name: string }; Querystring: { before?: string; limit?: string } }>(
      '/api/process_definitions/:name/history',
      async (req) => {
        const before = req.query.before === undefined ? undefined : uuidParam(req.query.before, 'before');
        const limit = intParam(req.query.limit, 'limit', 1, 1000) ?? 20;
        if (!(await getDefinition(ctx.db, req.params.name)))
          throw notFound(`process definition '${req.params.name}'`);
        // One more than asked tells whether an older page exists.
        const rows = await processHistoryPage(ctx.db, req.params.name, before, limit + 1);
        const page = rows.slice(0, limit);
        return {
          processes: page.map(processSummaryToWire),
          ...(rows.length > limit && { next_before: page.at(-1)!.id }),
        };
      },
    );

    app.get<{ Params: { id: string } }>('/api/processes/:id/task_definitions', async (req) => {
      const process = await getProcess(ctx.db, uuidParam(req.params.id, 'process_id'));
      if (!process) throw notFound(`process ${req.params.id}`);
      return process.task_definitions;
    });
  };
