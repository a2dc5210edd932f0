import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { ValidationError } from '../domain/validation-error.js';
import { followLog } from '../logs/log-follower.js';
import { SharedReads } from '../logs/shared-reads.js';
import {
  type LogRecord,
  type LogTarget,
  logState,
  readLogPage,
  readLogPageBefore,
  readLogPageByTime,
  type TimeCursor,
} from '../storage/stores/log-reads-store.js';
import type { ApiContext } from './api-context.js';
import { notFound } from './errors.js';
import { intParam, uuidParam } from './query-params.js';

type LogRequest = FastifyRequest<{
  Params: { id: string };
  Querystring: { after?: string; before?: string; limit?: string; order?: string };
}>;

/** A stored line on the wire (paged JSON and SSE `data`). */
export function logRecordToWire(r: LogRecord) {
  return {
    task_id: r.task_id,
    task_definition_name: r.task_definition_name,
    cursor: String(r.seq),
    log_entry_id: r.id,
    when: r.at.toISOString(),
    source: r.source,
    message: r.message,
  };
}

/**
 * Task and process logs: paged by cursor (`GET …/logs?after=&limit=`) and
 * live as Server-Sent Events (`GET …/logs/stream`, resumable with
 * `Last-Event-ID` or `?after=`, ending with an `end` event once the log is
 * complete).
 */
export const logsRoutes =
  (ctx: ApiContext): FastifyPluginAsync =>
  async (app) => {
    const streams = new Set<AbortController>();
    // Open streams would hold the server's close forever.
    app.addHook('preClose', async () => {
      for (const s of streams) s.abort();
    });
    const { graceMs, s3GraceMs } = ctx.logs.options;
    const staleMs = Math.max(graceMs, s3GraceMs) + 60_000;
    const reads = new SharedReads(ctx.db);

    for (const kind of ['task', 'process'] as const) {
      const base = kind === 'task' ? '/api/tasks/:id/logs' : '/api/processes/:id/logs';

      app.get(base, async (req: LogRequest) => {
        const target = targetOf(kind, req);
        if (orderOf(req) === 'time') return logPageByTime(target, req);
        const after = intParam(req.query.after, 'after', 0, Number.MAX_SAFE_INTEGER) ?? 0;
        const limit = intParam(req.query.limit, 'limit', 1, 10_000) ?? 1000;
        const before = intParam(req.query.before, 'before', 1, Number.MAX_SAFE_INTEGER);
        if (before !== undefined) return logPageBefore(target, before, limit);
        // Completeness before the read, so `complete: true` means this page (and earlier ones) hold everything.
        const state = await logState(ctx.db, target, new Date(Date.now() - staleMs));
        if (!state.exists) throw notFound(`${kind} ${target.id}`);
        const rows = await readLogPage(ctx.db, target, after, limit);
        return {
          entries: rows.map(logRecordToWire),
          next_cursor: String(rows.at(-1)?.seq ?? after),
          complete: state.complete && rows.length < limit,
        };
      });

      // In the lines' own time order (`?order=time`): `after` and `next_cursor` are `MS:SEQ` time cursors.
      async function logPageByTime(target: LogTarget, req: LogRequest) {
        if (req.query.before !== undefined)
          throw new ValidationError([{ field: 'before', problem: 'cannot be used with order=time' }]);
        const after = timeCursorParam(req.query.after);
        const limit = intParam(req.query.limit, 'limit', 1, 10_000) ?? 1000;
        const state = await logState(ctx.db, target, new Date(Date.now() - staleMs));
        if (!state.exists) throw notFound(`${kind} ${target.id}`);
        const rows = await readLogPageByTime(ctx.db, target, after, limit);
        const last = rows.at(-1);
        return {
          entries: rows.map(logRecordToWire),
          next_cursor: last ? `${last.at.getTime()}:${last.seq}` : (req.query.after ?? '0:0'),
          complete: state.complete && rows.length < limit,
        };
      }

      // Paging back: the `limit` lines before a cursor; `has_more_before` says whether older lines exist.
      async function logPageBefore(target: LogTarget, before: number, limit: number) {
        const state = await logState(ctx.db, target, new Date(Date.now() - staleMs));
        if (!state.exists) throw notFound(`${kind} ${target.id}`);
        const rows = await readLogPageBefore(ctx.db, target, before, limit + 1);
        const page = rows.slice(rows.length > limit ? 1 : 0);
        return {
          entries: page.map(logRecordToWire),
          next_cursor: String(page.at(-1)?.seq ?? 0),
          has_more_before: rows.length > limit,
          complete: state.complete,
        };
      }

      // No HEAD twin: a stream's headers come only with the stream, which never ends for HEAD.
      app.get(`${base}/stream`, { exposeHeadRoute: false }, async (req: LogRequest, reply: FastifyReply) => {
        const target = targetOf(kind, req);
        const header = req.headers['last-event-id'];
        const resumeFrom = typeof header === 'string' && header !== '' ? header : req.query.after;
        const after = intParam(resumeFrom, 'after', 0, Number.MAX_SAFE_INTEGER) ?? 0;
        const state = await logState(ctx.db, target, new Date(Date.now() - staleMs));
        if (!state.exists) throw notFound(`${kind} ${target.id}`);
        // A browser's EventSource reconnects after `end`; 204 is how SSE tells it to stop.
        const reconnect = typeof header === 'string' && header !== '';
        if (reconnect && state.complete && (await readLogPage(ctx.db, target, after, 1)).length === 0)
          return reply.status(204).send();

        reply.hijack();
        const res = reply.raw;
        res.writeHead(200, {
          'content-type': 'text/event-stream; charset=utf-8',
          'cache-control': 'no-cache, no-transform',
          connection: 'keep-alive',
          'x-accel-buffering': 'no',
        });
        res.write('retry: 2000\n\n');
        const abort = new AbortController();
        streams.add(abort);
        res.on('close', () => abort.abort());
        try {
          for await (const ev of followLog(
            { db: ctx.db, feed: ctx.logs.feed, staleMs, reads },
            target,
            after,
            abort.signal,
          )) {
            if (ev.kind === 'lines') {
              for (const r of ev.records) {
                const frame = `id: ${r.seq}\ndata: ${JSON.stringify(logRecordToWire(r))}\n\n`;
                if (!res.write(frame)) await drained(res, abort.signal);
                if (abort.signal.aborted) break;
              }
            } else if (ev.kind === 'idle') {
              res.write(': keep-alive\n\n');
            } else {
              const data = { cursor: String(ev.cursor), ...(ev.status && { status: ev.status }) };
              res.write(`event: end\nid: ${ev.cursor}\ndata: ${JSON.stringify(data)}\n\n`);
            }
          }
        } catch (err) {
          req.log.error({ err }, 'log stream failed');
        } finally {
          streams.delete(abort);
          res.end();
        }
      });
    }
  };

/** `order`: `cursor` (storage order, the default) or `time` (each line's own time). */
function orderOf(req: LogRequest): 'cursor' | 'time' {
  const order = req.query.order ?? 'cursor';
  if (order !== 'cursor' && order !== 'time')
    throw new ValidationError([{ field: 'order', problem: `must be cursor or time (got '${order}')` }]);
  return order;
}

/** A time-order cursor `MS:SEQ` (a `next_cursor` of `?order=time`); none: from the start. */
function timeCursorParam(value: string | undefined): TimeCursor | undefined {
  if (value === undefined || value === '' || value === '0') return undefined;
  const m = /^(\d{1,15}):(\d{1,16})$/.exec(value);
  if (!m) {
    const problem = `with order=time, must be a next_cursor of that order, MS:SEQ (got '${value}')`;
    throw new ValidationError([{ field: 'after', problem }]);
  }
  return { at: new Date(Number(m[1])), seq: Number(m[2]) };
}

function targetOf(kind: 'task' | 'process', req: LogRequest): LogTarget {
  return { kind, id: uuidParam(req.params.id, `${kind}_id`) };
}

/** Waits until the client took what was written (slow clients slow their own stream, not the server's memory). */
function drained(res: NodeJS.WritableStream, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      signal.removeEventListener('abort', done);
      resolve();
    };
    res.on('drain', done);
    signal.addEventListener('abort', done);
  });
}
