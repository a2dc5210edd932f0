import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { ServiceName } from './types.js';

/**
 * The official AWS API models shipped (minified) by the `aws-sdk` v2 package. They are the source
 * of truth for operation names, HTTP bindings and input shapes, so the emulator rejects exactly
 * what the model says is wrong instead of a hand-written approximation.
 */

/** A shape or a reference to one, as found in the `*.min.json` files. */
export interface ShapeRef {
  shape?: string;
  type?: string;
  required?: string[];
  members?: Record<string, ShapeRef>;
  member?: ShapeRef;
  key?: ShapeRef;
  value?: ShapeRef;
  location?: string;
  locationName?: string;
  streaming?: boolean;
}

export interface OperationModel {
  name: string;
  http?: { method?: string; requestUri?: string };
  input?: ShapeRef;
}

export interface ApiModel {
  metadata: { protocol: string; targetPrefix?: string; apiVersion: string };
  operations: Record<string, Omit<OperationModel, 'name'>>;
  shapes: Record<string, ShapeRef>;
}

const MODEL_FILES: Record<ServiceName, string> = {
  emr: 'elasticmapreduce-2009-03-31',
  'emr-serverless': 'emr-serverless-2021-07-13',
  batch: 'batch-2016-08-10',
  ecs: 'ecs-2014-11-13',
  logs: 'logs-2014-03-28',
  s3: 's3-2006-03-01',
  secretsmanager: 'secretsmanager-2017-10-17',
  ssm: 'ssm-2014-11-06',
};

const cache = new Map<ServiceName, ApiModel>();

/** Loads (once) the model of a service. */
export function apiModel(service: ServiceName): ApiModel {
  let model = cache.get(service);
  if (!model) {
    const require = createRequire(import.meta.url);
    let file: string;
    try {
      file = require.resolve(`aws-sdk/apis/${MODEL_FILES[service]}.min.json`);
    } catch {
      throw new Error(
        'the AWS emulator checks requests against the AWS API models of the aws-sdk (v2) package, a ' +
          'development dependency of Sundial: install without --omit=dev (npm install) to run it',
      );
    }
    model = JSON.parse(readFileSync(file, 'utf8')) as ApiModel;
    cache.set(service, model);
  }
  return model;
}

/** Loads every model now, so a missing one fails at start rather than on the first request. */
export function loadApiModels(): void {
  for (const service of Object.keys(MODEL_FILES) as ServiceName[]) apiModel(service);
}

/** The operation of that name, or undefined when the model has none. */
export function findOperation(service: ServiceName, name: string): OperationModel | undefined {
  const op = apiModel(service).operations[name];
  return op ? { name, ...op } : undefined;
}

/** Follows `shape` references; the referring member's own traits (location...) win. */
export function resolveShape(service: ServiceName, ref: ShapeRef): ShapeRef {
  if (!ref.shape) return ref;
  const target = apiModel(service).shapes[ref.shape];
  if (!target) return ref;
  const { shape: _ignored, ...own } = ref;
  return { ...resolveShape(service, target), ...own };
}

/**
 * REST-JSON operations by method and request path, with the path's labels: Batch's
 * `/v1/submitjob` → `SubmitJob`; EMR Serverless's `/applications/00f1/jobruns/00f2` (GET) →
 * `GetJobRun` with `{ applicationId: '00f1', jobRunId: '00f2' }`.
 */
export function operationByPath(
  service: ServiceName,
  method: string,
  path: string,
): { operation: string; labels: Record<string, string> } | undefined {
  for (const [name, op] of Object.entries(apiModel(service).operations)) {
    if ((op.http?.method ?? 'POST') !== method) continue;
    const template = op.http?.requestUri?.split('?')[0] ?? '';
    const names: string[] = [];
    const pattern = template
      .replace(/[.*+?^$()|[\]\\]/g, '\\$&')
      .replace(/\{(\w+)\+?\}/g, (_m, label: string) => {
        names.push(label);
        return '([^/]+)';
      });
    const match = new RegExp(`^${pattern}$`).exec(path);
    if (match) {
      const labels = Object.fromEntries(names.map((n, i) => [n, decodeURIComponent(match[i + 1]!)]));
      return { operation: name, labels };
    }
  }
  return undefined;
}
