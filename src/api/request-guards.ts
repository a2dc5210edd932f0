import type { FastifyInstance } from 'fastify';
import secureJson from 'secure-json-parse';
import { unstorableText } from '../domain/safe-input.js';
import { ValidationError } from '../domain/validation-error.js';
import { HttpError } from './errors.js';

/**
 * What every request passes before a route sees it:
 * - JSON bodies are parsed refusing `__proto__` and `constructor.prototype`
 *   keys (prototype pollution), as Fastify's own parser does; an empty body
 *   is no body (callers of the original API POST actions that way);
 * - a path parameter is never empty (`/api/processes//kill` is no route,
 *   not a process with the id '');
 * - path and query values holding text PostgreSQL cannot store (NUL, lone
 *   surrogates) are a 400 naming the parameter, not a failed query.
 */
export function installRequestGuards(app: FastifyInstance): void {
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => {
    if (body === '') return done(null, undefined);
    try {
      done(
        null,
        secureJson.parse(body as string, undefined, { protoAction: 'error', constructorAction: 'error' }),
      );
    } catch (e) {
      done(Object.assign(e as Error, { statusCode: 400 }), undefined);
    }
  });
  app.addHook('onRequest', async (req) => {
    const params = (req.params ?? {}) as Record<string, string>;
    if (Object.values(params).some((v) => v === '')) {
      throw new HttpError(404, `no route for ${req.method} ${req.url.split('?')[0]}`);
    }
    const problems = [
      ...Object.entries(params).map(([k, v]) => [k, v] as const),
      ...Object.entries((req.query ?? {}) as Record<string, string | string[]>).flatMap(([k, v]) =>
        (Array.isArray(v) ? v : [v]).map((one) => [k, one] as const),
      ),
    ].flatMap(([field, v]) => {
      const problem = typeof v === 'string' ? (unstorableText(v) ?? unstorableText(field)) : undefined;
      return problem ? [{ field, problem }] : [];
    });
    if (problems.length > 0) throw new ValidationError(problems);
  });
}
