import type { FaultBook } from './faults.js';
import type { LogStore } from './logs/log-store.js';
import type { S3Store } from './s3/s3-store.js';
import type { SecretStore } from './secrets-manager/secret-store.js';
import type { ParameterStore } from './ssm/parameter-store.js';
import type { Timers } from './timers.js';
import type { EmulatorConfig, JsonObject, ServiceName } from './types.js';

/** What every service can reach: configuration, timers, faults and the shared stores. */
export interface EmulatorContext {
  config: EmulatorConfig;
  timers: Timers;
  faults: FaultBook;
  /** CloudWatch Logs data, also written directly by Batch/ECS processes. */
  logs: LogStore;
  /** S3 objects, also written directly by EMR step log uploads. */
  s3: S3Store;
  /** Secrets Manager secrets, also read by Batch and ECS for containers' `secrets`. */
  secrets: SecretStore;
  /** SSM parameters, also read by Batch and ECS for containers' `secrets`. */
  parameters: ParameterStore;
}

/** One operation of a JSON service: validated input in, output object out (or an AwsError thrown). */
export type OperationHandler = (input: JsonObject) => JsonObject | Promise<JsonObject>;

/** A JSON 1.1 or REST-JSON service. */
export interface JsonService {
  readonly service: ServiceName;
  readonly operations: Record<string, OperationHandler>;
  /** Dump for `GET /_emulator/state`. */
  state(): JsonObject;
  /** Stops every running process (emulator shutdown). */
  shutdown(): Promise<void>;
}

/** Input members arrive validated against the model; this reads them with the SDK's own input types. */
export function typed<T>(input: JsonObject): T {
  return input as unknown as T;
}
