import type { AddressInfo } from 'node:net';
import { loadApiModels } from './api-models.js';
import { createBatchService } from './batch/batch-service.js';
import type { EmulatorContext } from './context.js';
import { createEcsService } from './ecs/ecs-service.js';
import { createEmrService } from './emr/emr-service.js';
import { createEmrServerlessService } from './emr-serverless/emr-serverless-service.js';
import { FaultBook } from './faults.js';
import { LogStore } from './logs/log-store.js';
import { createLogsService } from './logs/logs-service.js';
import { S3Store } from './s3/s3-store.js';
import { SecretStore } from './secrets-manager/secret-store.js';
import { createSecretsManagerService } from './secrets-manager/secrets-manager-service.js';
import { type ControlHandler, createEmulatorServer } from './server.js';
import { ParameterStore } from './ssm/parameter-store.js';
import { createSsmService } from './ssm/ssm-service.js';
import { RequestStats } from './stats.js';
import { Timers } from './timers.js';
import type {
  AwsEmulatorOptions,
  EmulatorConfig,
  FaultSpec,
  JsonObject,
  JsonValue,
  ServiceName,
} from './types.js';

/**
 * A running emulator.
 *
 * @example
 * const emulator = await startAwsEmulator();
 * const emr = new EMRClient({ endpoint: emulator.url, region: 'us-east-1',
 *   credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
 * emulator.injectFault({ type: 'throttle', service: 'emr', operation: 'DescribeCluster', count: 2 });
 * expect(emulator.stats()['emr.DescribeCluster']).toBe(3);
 * await emulator.stop();
 */
export interface AwsEmulator {
  /** Base URL, e.g. `http://127.0.0.1:40123`: use as the SDK `endpoint` or `AWS_ENDPOINT_URL`. */
  readonly url: string;
  readonly port: number;
  /** Kills every child process, cancels timers and closes the server. */
  stop(): Promise<void>;
  /** Request counters keyed `service.Operation` (e.g. `ecs.RunTask`). */
  stats(): Record<string, number>;
  /** Count of one operation since the last reset. */
  count(service: ServiceName, operation: string): number;
  resetStats(): void;
  /** Arms a fault (or, for `spot-interruption`, applies it now). */
  injectFault(fault: FaultSpec): void;
  /** Disarms every pending request/lifecycle fault. */
  clearFaults(): void;
  /** Snapshot of clusters, steps, jobs, tasks, log groups and buckets. */
  state(): JsonObject;
}

const DEFAULT_TIMINGS = { transitionMs: 100, logUploadMs: 1000, killGraceMs: 2000 };

/** Starts the emulator; resolves once it listens. */
export async function startAwsEmulator(options: AwsEmulatorOptions = {}): Promise<AwsEmulator> {
  loadApiModels();
  const host = options.host ?? '127.0.0.1';
  const config: EmulatorConfig = {
    timings: { ...DEFAULT_TIMINGS, ...options.timings },
    pageSizes: { emr: 50, list: 100, ...options.pageSizes },
    extraPath: options.extraPath ?? [],
    env: options.env ?? {},
    accountId: options.accountId ?? '000000000000',
    region: options.region ?? 'us-east-1',
    log: options.log ?? (() => {}),
    now: options.clock ?? Date.now,
    url: '',
  };
  const ctx: EmulatorContext = {
    config,
    timers: new Timers(),
    faults: new FaultBook(),
    logs: new LogStore(),
    s3: new S3Store(),
    secrets: new SecretStore(config.region, config.accountId),
    parameters: new ParameterStore(config.region, config.accountId),
  };
  const emr = createEmrService(ctx);
  const services = {
    emr,
    'emr-serverless': createEmrServerlessService(ctx),
    batch: createBatchService(ctx),
    ecs: createEcsService(ctx),
    logs: createLogsService(ctx),
    secretsmanager: createSecretsManagerService(ctx),
    ssm: createSsmService(ctx),
  };
  const stats = new RequestStats();

  const injectFault = (fault: FaultSpec) => {
    if (fault.type === 'spot-interruption')
      emr.spotInterrupt(fault.clusterId, fault.instanceRole ?? 'MASTER');
    else ctx.faults.arm(fault);
  };
  const state = (): JsonObject => ({
    emr: services.emr.state(),
    'emr-serverless': services['emr-serverless'].state(),
    batch: services.batch.state(),
    ecs: services.ecs.state(),
    logs: services.logs.state(),
    secretsmanager: services.secretsmanager.state(),
    ssm: services.ssm.state(),
    s3: {
      buckets: [...ctx.s3.buckets.values()].map((b) => ({
        name: b.name,
        keys: [...b.objects.keys()].sort(),
      })),
    },
  });
  const control: ControlHandler = (method, path, body) =>
    controlEndpoint(method, path, body, { stats, injectFault, ctx, state });

  const server = createEmulatorServer({ ctx, services, stats, control, ownHost: host });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const urlHost = host.includes(':') ? `[${host}]` : host === '0.0.0.0' ? '127.0.0.1' : host;
  config.url = `http://${urlHost}:${port}`;

  let stopped: Promise<void> | undefined;
  return {
    url: config.url,
    port,
    stop: () => {
      stopped ??= (async () => {
        ctx.timers.stopAll();
        await Promise.all(Object.values(services).map((s) => s.shutdown()));
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
      })();
      return stopped;
    },
    stats: () => stats.snapshot(),
    count: (service, operation) => stats.count(service, operation),
    resetStats: () => stats.reset(),
    injectFault,
    clearFaults: () => ctx.faults.clear(),
    state,
  };
}

interface ControlDeps {
  stats: RequestStats;
  injectFault: (fault: FaultSpec) => void;
  ctx: EmulatorContext;
  state: () => JsonObject;
}

/**
 * `/_emulator/*`: GET stats, POST reset-stats, POST faults (one spec or an array), DELETE faults,
 * GET state, GET health.
 */
function controlEndpoint(
  method: string,
  path: string,
  body: JsonValue,
  deps: ControlDeps,
): JsonValue | undefined {
  const route = `${method} ${path.replace(/\/$/, '')}`;
  switch (route) {
    case 'GET /_emulator/health':
      return { status: 'ok' };
    case 'GET /_emulator/stats':
      return deps.stats.snapshot();
    case 'POST /_emulator/reset-stats':
      deps.stats.reset();
      return {};
    case 'GET /_emulator/state':
      return deps.state();
    case 'DELETE /_emulator/faults':
      deps.ctx.faults.clear();
      return {};
    case 'POST /_emulator/faults': {
      const specs = Array.isArray(body) ? body : [body];
      for (const spec of specs) {
        if (
          typeof spec !== 'object' ||
          spec === null ||
          Array.isArray(spec) ||
          typeof spec.type !== 'string'
        ) {
          throw new Error('A fault is an object with a "type"');
        }
        deps.injectFault(spec as unknown as FaultSpec);
      }
      return { armed: specs.length };
    }
    default:
      return undefined;
  }
}
