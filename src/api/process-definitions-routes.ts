import type { FastifyPluginAsync } from 'fastify';
import { validateDefinition } from '../domain/validate-definition.js';
import { ValidationError } from '../domain/validation-error.js';
import {
  definitionToWire,
  deleteDefinition,
  getDefinition,
  listDefinitions,
  setPaused,
  upsertDefinition,
} from '../storage/stores/definitions-store.js';
import { insertTriggerRequest } from '../storage/stores/triggers-store.js';
import type { ApiContext } from './api-context.js';
import { audited } from './auth/audit-hook.js';
import { notFound } from './errors.js';
import { PROCESS_ID_HEADER, TRIGGER_REQUEST_HEADER, triggeredProcess } from './trigger-answer.js';

type NameParams = { Params: { name: string } };

/** `/api/process_definitions`: create/replace, read, delete, trigger, pause, resume. */
export const processDefinitionsRoutes =
  (ctx: ApiContext): FastifyPluginAsync =>
  async (app) => {
    const base = '/api/process_definitions';

    app.get(base, async () => (await listDefinitions(ctx.db)).map(definitionToWire));

    app.get<NameParams>(`${base}/:name`, async (req) => {
      const row = await getDefinition(ctx.db, req.params.name);
      if (!row) throw notFound(`process definition '${req.params.name}'`);
      return definitionToWire(row);
    });

    app.put<NameParams>(`${base}/:name`, async (req) => {
      if (req.body === undefined)
        throw new ValidationError([{ field: 'body', problem: 'a process definition is required' }]);
      const def = validateDefinition(req.body, {
        urlName: req.params.name,
        ecsFargate: ctx.ecsFargate,
      });
      const row = await audited(ctx.db, req, 200, (tx) => upsertDefinition(tx, def, new Date()));
      ctx.wake('tick');
      return definitionToWire(row);
    });

    app.delete<NameParams>(`${base}/:name`, async (req, reply) => {
      await audited(ctx.db, req, 204, async (tx) => {
        if (!(await deleteDefinition(tx, req.params.name)))
          throw notFound(`process definition '${req.params.name}'`);
      });
      return reply.status(204).send();
    });

    app.post<NameParams & { Querystring: { task_definition_name?: string | string[] } }>(
      `${base}/:name/trigger`,
      async (req, reply) => {
        const row = await getDefinition(ctx.db, req.params.name);
        if (!row) throw notFound(`process definition '${req.params.name}'`);
        const raw = req.query.task_definition_name;
        const filter = raw === undefined ? undefined : Array.isArray(raw) ? raw : [raw];
        const known = new Set(row.definition.task_definitions.map((t) => t.task_definition_name));
        const unknown = filter?.find((t) => !known.has(t));
        if (unknown !== undefined) {
          throw new ValidationError([
            { field: 'task_definition_name', problem: `'${req.params.name}' has no task named '${unknown}'` },
          ]);
        }
        const requestId = await audited(ctx.db, req, 204, (tx) =>
          insertTriggerRequest(tx, req.params.name, filter, new Date()),
        );
        ctx.wake('tick');
        reply.header(TRIGGER_REQUEST_HEADER, requestId);
        const processId = await triggeredProcess(ctx.db, req.params.name, requestId);
        if (processId) reply.header(PROCESS_ID_HEADER, processId);
        return reply.status(204).send();
      },
    );

    for (const action of ['pause', 'resume'] as const) {
      app.post<NameParams>(`${base}/:name/${action}`, async (req, reply) => {
        await audited(ctx.db, req, 204, async (tx) => {
          if (!(await setPaused(tx, req.params.name, action === 'pause')))
            throw notFound(`process definition '${req.params.name}'`);
        });
        if (action === 'resume') ctx.wake('tick');
        return reply.status(204).send();
      });
    }
  };
