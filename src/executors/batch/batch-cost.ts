import type { JobDetail } from '@aws-sdk/client-batch';
import type { ResourceUse } from '../aws/price-table.js';

const HOUR_MS = 3_600_000;

/**
 * What an ended Batch job used: the vCPUs and memory its container asked for
 * (`resourceRequirements`, else the older `vcpus` / `memory`) × the time each attempt ran
 * (`startedAt` to `stoppedAt`). Undefined when it never ran or its size is unknown.
 *
 * @example
 * batchJobUse({ container: { resourceRequirements: [{ type: 'VCPU', value: '2' }, { type: 'MEMORY', value: '4096' }] },
 *   attempts: [{ startedAt: 0, stoppedAt: 1_800_000 }] } as JobDetail)
 * // { vcpu_hours: 1, memory_gb_hours: 2 }
 */
export function batchJobUse(job: JobDetail): ResourceUse | undefined {
  const requirement = (type: string) =>
    Number(job.container?.resourceRequirements?.find((r) => r.type === type)?.value) || undefined;
  const vcpus = requirement('VCPU') ?? job.container?.vcpus;
  const memoryMiB = requirement('MEMORY') ?? job.container?.memory;
  const spans = job.attempts?.length ? job.attempts : [job];
  const ranMs = spans.reduce(
    (sum, a) => sum + (a.startedAt && a.stoppedAt ? Math.max(0, a.stoppedAt - a.startedAt) : 0),
    0,
  );
  if (!vcpus || !memoryMiB || ranMs === 0) return undefined;
  const hours = ranMs / HOUR_MS;
  return { vcpu_hours: vcpus * hours, memory_gb_hours: (memoryMiB / 1024) * hours };
}
