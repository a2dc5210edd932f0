import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { findOperation, resolveShape, type ShapeRef } from './api-models.js';
import { AwsError } from './aws-error.js';
import type { EmulatorContext, JsonService } from './context.js';
import {
  faultError,
  restJson,
  SERIALIZATION_CODE,
  toAwsError,
  VALIDATION_CODE,
  writeJsonError,
  writeS3Error,
} from './error-responses.js';
import type { RequestFault } from './faults.js';
import { decodeAwsChunked, isAwsChunked, readBody } from './http-body.js';
import { uuid } from './ids.js';
import { describeProblems, validateInput } from './model-validator.js';
import { routeRequest } from './protocol-router.js';
import { handleS3, type S3Request, s3Operation } from './s3/s3-service.js';
import type { RequestStats } from './stats.js';
import type { JsonObject, JsonValue, ServiceName } from './types.js';

/** Answers `/_emulator/...` requests; returns undefined for unknown paths (→ 404). */
export type ControlHandler = (method: string, path: string, body: JsonValue) => JsonValue | undefined;

export interface ServerDeps {
  ctx: EmulatorContext;
  services: Record<Exclude<ServiceName, 's3'>, JsonService>;
  stats: RequestStats;
  control: ControlHandler;
  ownHost: string;
}

/** The single HTTP endpoint: routing, counting, fault injection, validation, dispatch. */
export function createEmulatorServer(deps: ServerDeps): Server {
  const server = createServer((req, res) => {
    handle(deps, req, res).catch((err: unknown) => {
      if (!res.headersSent) writeJsonError(res, undefined, toAwsError(err), uuid());
      else res.destroy();
    });
  });
  server.keepAliveTimeout = 5000;
  return server;
}

function writeJson(
  res: ServerResponse,
  status: number,
  body: JsonValue,
  contentType: string,
  requestId: string,
) {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': contentType,
    'x-amzn-requestid': requestId,
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

async function handle(deps: ServerDeps, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const { ctx, stats } = deps;
  const method = req.method ?? 'GET';
  const url = new URL(req.url ?? '/', 'http://emulator');
  const requestId = uuid();
  const raw = await readBody(req);
  const route = routeRequest(method, url, req.headers, deps.ownHost);

  if (route.kind === 'control') {
    let body: JsonValue = {};
    try {
      body = raw.length ? (JSON.parse(raw.toString('utf8')) as JsonValue) : {};
      const out = deps.control(method, route.path, body);
      if (out === undefined)
        return writeJson(
          res,
          404,
          { message: `No control endpoint ${method} ${route.path}` },
          'application/json',
          requestId,
        );
      return writeJson(res, 200, out, 'application/json', requestId);
    } catch (err) {
      return writeJson(
        res,
        400,
        { message: err instanceof Error ? err.message : String(err) },
        'application/json',
        requestId,
      );
    }
  }
  if (route.kind === 'unknown') {
    ctx.config.log(`unknown operation: ${route.message}`);
    const status = route.service === 'batch' ? 404 : 400;
    return writeJsonError(
      res,
      route.service,
      new AwsError('UnknownOperationException', route.message, status),
      requestId,
    );
  }

  if (route.kind === 's3') {
    const s3req: S3Request = {
      method,
      bucket: route.bucket,
      key: route.key,
      query: url.searchParams,
      headers: req.headers,
      body: isAwsChunked(req.headers) ? decodeAwsChunked(raw) : raw,
    };
    const operation = s3Operation(s3req);
    stats.record('s3', operation);
    ctx.config.log(`s3.${operation} ${method} ${url.pathname}`);
    const fault = ctx.faults.takeRequestFault('s3', operation);
    try {
      if (fault && isRefusal(fault)) throw faultError('s3', fault);
      const out = handleS3(ctx.s3, operation, s3req);
      if (fault?.kind === 'lost-response') return loseResponse(res, 's3', fault.mode, method, requestId);
      if (fault?.kind === 'late-response') await hold(ctx, fault.delayMs);
      res.writeHead(out.status, { 'x-amz-request-id': requestId, 'x-amz-id-2': requestId, ...out.headers });
      res.end(method === 'HEAD' ? undefined : out.body);
    } catch (err) {
      writeS3Error(res, method, toAwsError(err), requestId);
    }
    return;
  }

  const { service, operation } = route;
  stats.record(service, operation);
  ctx.config.log(`${service}.${operation}`);
  const contentType = restJson(service) ? 'application/json' : 'application/x-amz-json-1.1';
  const fault = ctx.faults.takeRequestFault(service, operation);
  try {
    if (fault && isRefusal(fault)) throw faultError(service, fault);
    let input: JsonValue;
    try {
      input = raw.length ? (JSON.parse(raw.toString('utf8')) as JsonValue) : {};
    } catch {
      throw new AwsError(SERIALIZATION_CODE[service], 'Request body is not valid JSON');
    }
    const model = findOperation(service, operation)?.input;
    const problems = validateInput(service, model, input);
    if (problems.type.length) throw new AwsError(SERIALIZATION_CODE[service], problems.type.join('; '));
    if (problems.constraint.length)
      throw new AwsError(VALIDATION_CODE[service], describeProblems(problems.constraint));
    const handler = deps.services[service].operations[operation];
    if (!handler)
      throw new AwsError('NotImplemented', `${operation} is not implemented by the emulator`, 501);
    const out = await handler({
      ...(input as JsonObject),
      ...route.labels,
      ...queryMembers(service, model, url.searchParams),
    });
    if (fault?.kind === 'lost-response') return loseResponse(res, service, fault.mode, method, requestId);
    if (fault?.kind === 'late-response') await hold(ctx, fault.delayMs);
    writeJson(res, 200, out, contentType, requestId);
  } catch (err) {
    writeJsonError(res, service, toAwsError(err), requestId);
  }
}

/** REST-JSON members sent in the query string (`?maxResults=10&states=RUNNING`), typed per the model. */
function queryMembers(service: ServiceName, model: ShapeRef | undefined, query: URLSearchParams): JsonObject {
  const out: JsonObject = {};
  const members = model ? (resolveShape(service, model).members ?? {}) : {};
  for (const [name, ref] of Object.entries(members)) {
    if (ref.location !== 'querystring') continue;
    const values = query.getAll(ref.locationName ?? name);
    if (values.length === 0) continue;
    const type = resolveShape(service, ref).type;
    if (type === 'list') out[name] = values;
    else if (type === 'integer' || type === 'long') out[name] = Number(values[0]);
    else out[name] = values[0]!;
  }
  return out;
}

/** Faults that answer instead of the operation (it does not happen). */
function isRefusal(
  fault: RequestFault,
): fault is Extract<RequestFault, { kind: 'throttle' | 'internal-error' }> {
  return fault.kind === 'throttle' || fault.kind === 'internal-error';
}

/** The action happened; its answer waits (a caller killed meanwhile never gets it; none is sent after stop). */
function hold(ctx: EmulatorContext, ms: number): Promise<void> {
  return new Promise((resolve) => ctx.timers.after(ms, resolve));
}

/** The action happened; now the client must not learn it: drop the connection or answer 500. */
function loseResponse(
  res: ServerResponse,
  service: ServiceName,
  mode: 'destroy' | 'status-500',
  method: string,
  requestId: string,
): void {
  if (mode === 'destroy') {
    res.socket?.destroy();
    return;
  }
  const err = faultError(service, { kind: 'internal-error' });
  if (service === 's3') writeS3Error(res, method, err, requestId);
  else writeJsonError(res, service, err, requestId);
}
