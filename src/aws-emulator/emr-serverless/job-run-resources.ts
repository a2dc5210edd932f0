import type { JsonObject } from '../types.js';

/** One worker of a job run (the driver or an executor), sized as EMR Serverless sizes it. */
interface Worker {
  vcpu: number;
  memoryGb: number;
  diskGb: number;
}

/** Disk each worker gets without paying for it. */
const FREE_DISK_GB = 20;
/** Shortest time a worker is billed for. */
const MIN_BILLED_SECONDS = 60;

/**
 * The workers a job run asks for through its `--conf` parameters, with EMR Serverless's defaults:
 * a driver and `spark.executor.instances` (3) executors of 4 vCPU and 14 GB of Spark memory each,
 * plus the 10% memory overhead (at least 384 MB) rounded up to a whole GB (so 16 GB), and 20 GB
 * of disk (`spark.emr-serverless.driver.disk` / `executor.disk`).
 *
 * @example
 * jobRunWorkers('--conf spark.executor.instances=1 --conf spark.executor.cores=2 --conf spark.executor.memory=7g')
 * // [{ vcpu: 4, memoryGb: 16, diskGb: 20 }, { vcpu: 2, memoryGb: 8, diskGb: 20 }]
 */
export function jobRunWorkers(sparkSubmitParameters: string): Worker[] {
  const conf = new Map<string, string>();
  const words = sparkSubmitParameters.split(/\s+/).filter(Boolean);
  for (let i = 0; i < words.length - 1; i++) {
    const [key, value] = words[i] === '--conf' ? words[i + 1]!.split('=', 2) : [];
    if (key && value !== undefined) conf.set(key, value);
  }
  const worker = (role: 'driver' | 'executor'): Worker => ({
    vcpu: Number(conf.get(`spark.${role}.cores`) ?? 4),
    memoryGb: withOverhead(gigabytes(conf.get(`spark.${role}.memory`) ?? '14g')),
    diskGb: gigabytes(conf.get(`spark.emr-serverless.${role}.disk`) ?? '20g'),
  });
  const executors = Number(conf.get('spark.executor.instances') ?? 3);
  return [worker('driver'), ...Array.from({ length: executors }, () => worker('executor'))];
}

/**
 * GetJobRun's `totalResourceUtilization` (what the workers used, from the start to the end of the
 * run, rounded up to the second) and `billedResourceUtilization` (each worker billed for a minute
 * at least, and only for disk beyond the free 20 GB).
 */
export function resourceUtilization(workers: Worker[], runMs: number): JsonObject {
  const seconds = Math.ceil(Math.max(0, runMs) / 1000);
  const sum = (f: (w: Worker) => number) => workers.reduce((a, w) => a + f(w), 0);
  /** The workers' use over `s` seconds, counting only the disk beyond `freeDiskGb`. */
  const usage = (s: number, freeDiskGb: number) => ({
    vCPUHour: (sum((w) => w.vcpu) * s) / 3600,
    memoryGBHour: (sum((w) => w.memoryGb) * s) / 3600,
    storageGBHour: (sum((w) => Math.max(0, w.diskGb - freeDiskGb)) * s) / 3600,
  });
  return {
    totalResourceUtilization: usage(seconds, 0),
    billedResourceUtilization: usage(Math.max(MIN_BILLED_SECONDS, seconds), FREE_DISK_GB),
  };
}

const GB_PER_UNIT: Record<string, number> = { k: 1 / 1024 ** 2, m: 1 / 1024, g: 1, t: 1024 };

/** `14g`, `2048m`, `1t` (Spark's sizes; a bare number is MB) in GB. */
function gigabytes(size: string): number {
  const m = /^(\d+(?:\.\d+)?)([kmgt])?b?$/i.exec(size.trim());
  if (!m) return 0;
  return Number(m[1]) * (GB_PER_UNIT[(m[2] ?? 'm').toLowerCase()] ?? 0);
}

/** Spark memory plus its overhead (10%, at least 384 MB), rounded up to the GB a worker gets. */
function withOverhead(gb: number): number {
  return Math.ceil(gb + Math.max(0.375, gb * 0.1) - 1e-9);
}
