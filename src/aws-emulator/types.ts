/** Shared types of the local AWS emulator. Kept dependency-free so every module can import them. */

/** A JSON value as it travels on the wire. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
/** A JSON object (the body of a JSON 1.1 / REST-JSON request or response). */
export type JsonObject = { [key: string]: JsonValue };

/** The services the emulator speaks, named like their API model files' endpoint prefixes. */
export type ServiceName =
  | 'emr'
  | 'emr-serverless'
  | 'batch'
  | 'ecs'
  | 'logs'
  | 's3'
  | 'secretsmanager'
  | 'ssm';

/** Speeds of the simulated lifecycles, in milliseconds. */
export interface EmulatorTimings {
  /** Delay between two lifecycle states (cluster STARTING → BOOTSTRAPPING, job SUBMITTED → PENDING...). Default 100. */
  transitionMs: number;
  /** How often a running EMR step's stdout/stderr are re-uploaded to S3 (real EMR: 5 minutes). Default 1000. */
  logUploadMs: number;
  /** Grace period between SIGTERM and SIGKILL when a process is stopped. Default 2000. */
  killGraceMs: number;
}

/** Page sizes of list operations (small values make pagination easy to test). */
export interface EmulatorPageSizes {
  /** EMR ListSteps / ListClusters page size (AWS: 50). */
  emr: number;
  /** Default Batch ListJobs / ECS ListTasks / Logs page size when the caller gives no limit (AWS: 100). */
  list: number;
}

/**
 * Options of {@link startAwsEmulator}.
 *
 * @example
 * const emulator = await startAwsEmulator({ port: 0, timings: { transitionMs: 50 }, extraPath: ['/my/bin'] });
 */
export interface AwsEmulatorOptions {
  /** TCP port; 0 (default) picks a free one. */
  port?: number;
  /** Interface to bind; default 127.0.0.1. */
  host?: string;
  /** Lifecycle speeds; missing fields keep their defaults. */
  timings?: Partial<EmulatorTimings>;
  /** Directories put in front of PATH for the child processes (stand-in spark-submit, hadoop...). */
  extraPath?: string[];
  /** Extra environment variables given to every child process. */
  env?: Record<string, string>;
  /** Page sizes of list operations. */
  pageSizes?: Partial<EmulatorPageSizes>;
  /** Account id used in ARNs; default 000000000000. */
  accountId?: string;
  /** Region used in ARNs and given to child processes; default us-east-1. */
  region?: string;
  /** Called with one line per request and lifecycle event; default: silent. */
  log?: (line: string) => void;
  /**
   * The clock (epoch ms) that Batch jobs, ECS tasks and EMR Serverless job runs are stamped with
   * when created, started and stopped, and that their resource use is measured by; default
   * `Date.now`. A test that wants known run times passes a clock whose readings it knows.
   */
  clock?: () => number;
}

/** The resolved configuration every service sees. */
export interface EmulatorConfig {
  timings: EmulatorTimings;
  pageSizes: EmulatorPageSizes;
  extraPath: string[];
  env: Record<string, string>;
  accountId: string;
  region: string;
  log: (line: string) => void;
  /** See {@link AwsEmulatorOptions.clock}. */
  now: () => number;
  /** Base URL of the emulator (known once the server listens); children get it as AWS_ENDPOINT_URL. */
  url: string;
}

/**
 * A fault to inject. Request faults (`throttle`, `internal-error`, `lost-response`, `late-response`) hit the next
 * `count` (default 1) calls of `operation` (optionally only of `service`); the others act on the
 * EMR lifecycle.
 *
 * @example
 * emulator.injectFault({ type: 'throttle', service: 'ecs', operation: 'DescribeTasks', count: 2 });
 * emulator.injectFault({ type: 'spot-interruption', clusterId: 'j-ABC' });
 */
export type FaultSpec =
  | { type: 'throttle'; operation: string; service?: ServiceName; count?: number }
  | { type: 'internal-error'; operation: string; service?: ServiceName; count?: number }
  | {
      type: 'lost-response';
      operation: string;
      service?: ServiceName;
      count?: number;
      /** `destroy` (default) drops the connection after the action took effect; `status-500` answers 500. */
      mode?: 'destroy' | 'status-500';
    }
  /**
   * The action takes effect at once, its answer is sent `delayMs` later: a window in which the
   * caller can be killed after the call did its work and before it learned the result.
   */
  | { type: 'late-response'; operation: string; service?: ServiceName; count?: number; delayMs: number }
  | {
      type: 'spot-interruption';
      clusterId: string;
      /** Whose spot instances EC2 takes back: MASTER (default) ends the cluster; CORE/TASK fail the running step. */
      instanceRole?: 'MASTER' | 'CORE' | 'TASK';
    }
  /** The next `count` clusters asking for spot get none: instance groups fail, fleets switch to on-demand. */
  | { type: 'insufficient-capacity'; count?: number }
  | { type: 'bootstrap-failure'; count?: number }
  | {
      type: 'hanging-step';
      /** Only steps with this name; any step when omitted. */
      stepName?: string;
      count?: number;
    };
