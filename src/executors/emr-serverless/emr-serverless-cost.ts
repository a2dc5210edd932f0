import type { JobRun } from '@aws-sdk/client-emr-serverless';
import type { ResourceUse } from '../aws/price-table.js';

/**
 * What an ended job run used, as EMR Serverless bills it (`billedResourceUtilization`: each worker
 * for a minute at least, disk only beyond its free 20 GB), else its `totalResourceUtilization`.
 * Undefined when GetJobRun tells neither (the run never started).
 *
 * @example
 * jobRunUse({ billedResourceUtilization: { vCPUHour: 1.6, memoryGBHour: 6.4, storageGBHour: 0 } } as JobRun)
 * // { vcpu_hours: 1.6, memory_gb_hours: 6.4, storage_gb_hours: 0 }
 */
export function jobRunUse(jobRun: JobRun): ResourceUse | undefined {
  const used = jobRun.billedResourceUtilization ?? jobRun.totalResourceUtilization;
  if (!used) return undefined;
  return {
    vcpu_hours: used.vCPUHour ?? 0,
    memory_gb_hours: used.memoryGBHour ?? 0,
    storage_gb_hours: used.storageGBHour ?? 0,
  };
}
