import type { FastifyPluginAsync } from 'fastify';
import {
  getTriggerRequest,
  type TriggerRequestRow,
  waitingTriggerRequests,
} from '../storage/stores/triggers-store.js';
import type { ApiContext } from './api-context.js';
import { notFound } from './errors.js';
import { intParam, uuidParam } from './query-params.js';

/** A trigger request on the wire: what `POST …/trigger` recorded, and the run it became once started. */
export interface WireTriggerRequest {
  trigger_request_id: string;
  process_definition_name: string;
  /** The tasks asked for with `task_definition_name`; null for the whole process. */
  task_definition_names: string[] | null;
  requested_at: string;
  /** Null while the request waits (a run in progress holds it back, or the scheduler has not got to it). */
  process_id: string | null;
}

/**
 * `GET /api/trigger_requests/{id}` follows a trigger to its run. The id is
 * the trigger's `sundial-trigger-request-id` header; a client polls this
 * when the answer came without `sundial-process-id`.
 * `GET /api/trigger_requests?process_definition_name=X` lists the requests
 * whose runs have not started yet (held back by a run in progress), oldest first.
 *
 * @example
 * await app.register(triggerRequestsRoutes(ctx));
 * // GET /api/trigger_requests/5b1e…  →  { …, "process_id": null }  then  { …, "process_id": "9c2d…" }
 */
export const triggerRequestsRoutes =
  (ctx: ApiContext): FastifyPluginAsync =>
  async (app) => {
    app.get<{ Querystring: { process_definition_name?: string; limit?: string } }>(
      '/api/trigger_requests',
      async (req) => {
        const limit = intParam(req.query.limit, 'limit', 1, 1000) ?? 100;
        const rows = await waitingTriggerRequests(ctx.db, req.query.process_definition_name, limit);
        return rows.map(triggerRequestToWire);
      },
    );

    app.get<{ Params: { id: string } }>('/api/trigger_requests/:id', async (req) => {
      const id = uuidParam(req.params.id, 'trigger_request_id');
      const row = await getTriggerRequest(ctx.db, id);
      // A request goes with its definition (deleted before the run started) or with its run (retention).
      if (!row) throw notFound(`trigger request ${id}`);
      return triggerRequestToWire(row);
    });
  };

function triggerRequestToWire(row: TriggerRequestRow): WireTriggerRequest {
  return {
    trigger_request_id: row.id,
    process_definition_name: row.definition_name,
    task_definition_names: row.task_filter,
    requested_at: row.requested_at.toISOString(),
    process_id: row.process_id,
  };
}
