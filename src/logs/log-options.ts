import type { CloudWatchLogsClientConfig } from '@aws-sdk/client-cloudwatch-logs';

/** Where the tailers reach AWS, when not where the executors do (tests: the emulator, dummy credentials). */
export interface AwsLogClientConfig {
  endpoint?: string;
  /** Static credentials or a provider, as every SDK v3 client accepts. */
  credentials?: CloudWatchLogsClientConfig['credentials'];
  /** SDK attempts per call, throttling included (default: the executors' setting, else 6). */
  maxAttempts?: number;
}

/**
 * Settings of live logs. Every field has a default; `liveLogOptionsFromEnv`
 * reads the `SUNDIAL_LOG_*` variables the server's operators set.
 *
 * @example
 * const options = resolveLiveLogOptions({ maxLinesPerTask: 1000, graceMs: 500 });
 */
export interface LiveLogOptions {
  /** Most lines stored per task; later lines are counted and dropped. Default 100 000. */
  maxLinesPerTask?: number;
  /** Most bytes (UTF-8 message text) stored per task. Default 10 MiB. */
  maxBytesPerTask?: number;
  /** Longer lines are cut to this many bytes. Default 64 KiB. */
  maxLineBytes?: number;
  /** Most bytes waiting in memory for the database, all tasks together; beyond it lines are dropped and counted. Default 64 MiB. */
  maxPendingBytes?: number;
  /**
   * After its task ended, a CloudWatch stream is drained once a read started this long after the
   * end finds nothing new. Default 1 s.
   */
  drainSettleMs?: number;
  /** Longest a CloudWatch stream is read after its task ended while lines keep coming. Default 10 s. */
  graceMs?: number;
  /**
   * How long an EMR step log in S3 is read after its task ended: EMR uploads it late, and nothing
   * tells whether an upload was the last, so this is waited out. Default 30 s.
   */
  s3GraceMs?: number;
  /** Fastest polling of a remote log someone watches live (while lines keep coming). Default 1 s. */
  minPollMs?: number;
  /** A watched log without news backs off to this. Default 5 s. */
  maxPollMs?: number;
  /** Polling of CloudWatch streams nobody watches live. Default 30 s. */
  unwatchedPollMs?: number;
  /** Polling of EMR step logs in S3 nobody watches live (EMR uploads them every 5 minutes). Default 5 min. */
  s3UnwatchedPollMs?: number;
  /** Longest wait after throttling. Default 30 s. */
  maxBackoffMs?: number;
  /** Extra regular expressions whose matches are masked (`****`) in every stored line. */
  maskPatterns?: readonly string[];
  /** Endpoint and credentials of the tailers' AWS clients; default: the AWS executors' (`aws.client`), else the SDK's chain. */
  aws?: AwsLogClientConfig;
}

export type ResolvedLiveLogOptions = Required<Omit<LiveLogOptions, 'aws'>> & Pick<LiveLogOptions, 'aws'>;

const DEFAULTS: Required<Omit<LiveLogOptions, 'aws'>> = {
  maxLinesPerTask: 100_000,
  maxBytesPerTask: 10 * 1024 * 1024,
  maxLineBytes: 64 * 1024,
  maxPendingBytes: 64 * 1024 * 1024,
  drainSettleMs: 1_000,
  graceMs: 10_000,
  s3GraceMs: 30_000,
  minPollMs: 1_000,
  maxPollMs: 5_000,
  unwatchedPollMs: 30_000,
  s3UnwatchedPollMs: 300_000,
  maxBackoffMs: 30_000,
  maskPatterns: [],
};

/** Options given in code win over the environment, which wins over the defaults. */
export function resolveLiveLogOptions(
  options: LiveLogOptions = {},
  env: NodeJS.ProcessEnv = process.env,
): ResolvedLiveLogOptions {
  const fromEnv: LiveLogOptions = {
    ...numberFromEnv(env, 'SUNDIAL_LOG_MAX_LINES_PER_TASK', 'maxLinesPerTask'),
    ...numberFromEnv(env, 'SUNDIAL_LOG_MAX_BYTES_PER_TASK', 'maxBytesPerTask'),
    ...numberFromEnv(env, 'SUNDIAL_LOG_DRAIN_SETTLE_MS', 'drainSettleMs'),
    ...numberFromEnv(env, 'SUNDIAL_LOG_GRACE_MS', 'graceMs'),
    ...numberFromEnv(env, 'SUNDIAL_LOG_S3_GRACE_MS', 's3GraceMs'),
    ...numberFromEnv(env, 'SUNDIAL_LOG_UNWATCHED_POLL_MS', 'unwatchedPollMs'),
    ...numberFromEnv(env, 'SUNDIAL_LOG_S3_UNWATCHED_POLL_MS', 's3UnwatchedPollMs'),
    ...(env.SUNDIAL_LOG_MASK_PATTERNS && {
      maskPatterns: env.SUNDIAL_LOG_MASK_PATTERNS.split(',')
        .map((p) => p.trim())
        .filter(Boolean),
    }),
  };
  const defined = Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined));
  return { ...DEFAULTS, ...fromEnv, ...defined };
}

function numberFromEnv(env: NodeJS.ProcessEnv, name: string, key: keyof LiveLogOptions): LiveLogOptions {
  const raw = env[name];
  if (raw === undefined || raw === '') return {};
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0)
    throw new Error(`${name} must be a non-negative number, not "${raw}"`);
  return { [key]: value };
}
