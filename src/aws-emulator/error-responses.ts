import type { ServerResponse } from 'node:http';
import { AwsError } from './aws-error.js';
import type { RequestFault } from './faults.js';
import { xmlError } from './s3/s3-xml.js';
import type { ServiceName } from './types.js';

/**
 * Writes errors the way each protocol does, so the SDK deserialises them into its typed
 * exceptions: JSON 1.1 and REST-JSON put the code in `__type` and `x-amzn-ErrorType`; S3 sends an
 * XML `<Error>` (and nothing for HEAD).
 */

/** Validation failures: what each service's front end answers. */
export const VALIDATION_CODE: Record<ServiceName, string> = {
  emr: 'ValidationException',
  'emr-serverless': 'ValidationException',
  ecs: 'ValidationException',
  logs: 'InvalidParameterException',
  batch: 'ClientException',
  s3: 'InvalidArgument',
  secretsmanager: 'InvalidParameterException',
  ssm: 'ValidationException',
};

/** JSON of the wrong kind: Coral's SerializationException, except Batch which says ClientException. */
export const SERIALIZATION_CODE: Record<ServiceName, string> = {
  emr: 'SerializationException',
  'emr-serverless': 'ValidationException',
  ecs: 'SerializationException',
  logs: 'SerializationException',
  batch: 'ClientException',
  s3: 'MalformedXML',
  secretsmanager: 'SerializationException',
  ssm: 'SerializationException',
};

/** The error an injected request fault answers with, per service. */
export function faultError(service: ServiceName, fault: RequestFault): AwsError {
  if (fault.kind === 'throttle') {
    if (service === 'batch') return new AwsError('TooManyRequestsException', 'Too Many Requests', 429);
    if (service === 's3') return new AwsError('SlowDown', 'Please reduce your request rate.', 503);
    return new AwsError('ThrottlingException', 'Rate exceeded', 400);
  }
  if (service === 'batch') return new AwsError('ServerException', 'Internal server error', 500);
  if (service === 's3')
    return new AwsError('InternalError', 'We encountered an internal error. Please try again.', 500);
  return new AwsError(
    'InternalFailure',
    'The request processing has failed because of an unknown error.',
    500,
  );
}

export function toAwsError(err: unknown): AwsError {
  if (err instanceof AwsError) return err;
  console.error('[aws-emulator] unexpected error', err);
  return new AwsError('InternalFailure', err instanceof Error ? err.message : String(err), 500);
}

/** Batch and EMR Serverless speak REST-JSON; the other JSON services JSON 1.1. */
export function restJson(service: ServiceName | undefined): boolean {
  return service === 'batch' || service === 'emr-serverless';
}

export function writeJsonError(
  res: ServerResponse,
  service: ServiceName | undefined,
  err: AwsError,
  requestId: string,
): void {
  const contentType = restJson(service) ? 'application/json' : 'application/x-amz-json-1.1';
  const body = JSON.stringify({ __type: err.code, message: err.message, ...err.extra });
  res.writeHead(err.status, {
    'content-type': contentType,
    'x-amzn-errortype': err.code,
    'x-amzn-requestid': requestId,
    'content-length': Buffer.byteLength(body),
  });
  res.end(body);
}

export function writeS3Error(res: ServerResponse, method: string, err: AwsError, requestId: string): void {
  const body = method === 'HEAD' ? '' : xmlError(err.code, err.message, requestId, err.extra);
  res.writeHead(err.status, {
    'content-type': 'application/xml',
    'x-amz-request-id': requestId,
    'x-amz-id-2': requestId,
    'content-length': Buffer.byteLength(body),
  });
  res.end(body);
}
