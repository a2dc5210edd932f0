import type { FastifyError, FastifyInstance } from 'fastify';
import { problemsFromAjv } from '../domain/schema/schema-validator.js';
import { type FieldProblem, formatProblem, ValidationError } from '../domain/validation-error.js';

/** A 4xx answer with a message for the client. */
export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
  ) {
    super(message);
  }
}

export const notFound = (what: string) => new HttpError(404, `${what} not found`);

/**
 * Every error leaves as JSON: `{ message, errors?: [{ field, problem }] }`;
 * validation problems name the field, malformed JSON says so.
 */
export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error instanceof ValidationError) return badRequest(reply, error.problems);
    if (error instanceof HttpError) {
      if (error.statusCode === 401) reply.header('www-authenticate', 'Bearer');
      return reply.status(error.statusCode).send({ message: error.message });
    }
    if (error.validation) {
      return badRequest(reply, problemsFromAjv(error.validation as never, error.validationContext ?? ''));
    }
    if (error.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || error instanceof SyntaxError) {
      return badRequest(reply, [{ field: 'body', problem: `malformed JSON: ${error.message}` }]);
    }
    if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      const limit = request.routeOptions.bodyLimit;
      return reply.status(413).send({
        message: `body: larger than this route's limit of ${limit} bytes`,
        errors: [{ field: 'body', problem: `is larger than ${limit} bytes` }],
      });
    }
    if (error.code === 'FST_ERR_CTP_EMPTY_JSON_BODY') {
      return badRequest(reply, [{ field: 'body', problem: 'is empty; a JSON document is required' }]);
    }
    if (error.statusCode && error.statusCode < 500) {
      return reply.status(error.statusCode).send({ message: error.message });
    }
    request.log.error({ err: error }, 'request failed');
    return reply.status(500).send({ message: 'internal error; see the server log' });
  });
  app.setNotFoundHandler((request, reply) =>
    reply.status(404).send({ message: `no route for ${request.method} ${request.url.split('?')[0]}` }),
  );
}

function badRequest(
  reply: Parameters<Parameters<FastifyInstance['setErrorHandler']>[0]>[2],
  problems: FieldProblem[],
) {
  // A problem with the document as a whole (e.g. an array instead of an object) is about the body.
  const named = problems.map((p) => (p.field ? p : { ...p, field: 'body' }));
  return reply.status(400).send({ message: named.map(formatProblem).join('; '), errors: named });
}
