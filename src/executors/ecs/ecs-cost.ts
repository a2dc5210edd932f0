import type { Task } from '@aws-sdk/client-ecs';
import type { ResourceUse } from '../aws/price-table.js';

const HOUR_MS = 3_600_000;

/**
 * What a stopped ECS task used: its size (the task's `cpu` units and `memory` MiB, else the sum of
 * its containers') × the time from `startedAt` to `stoppedAt`. Undefined when it never started or
 * no size was asked for.
 *
 * @example
 * ecsTaskUse({ cpu: '512', memory: '1024', startedAt: new Date(0), stoppedAt: new Date(3_600_000) })
 * // { vcpu_hours: 0.5, memory_gb_hours: 1 }
 */
export function ecsTaskUse(task: Task): ResourceUse | undefined {
  const size = (of: (x: { cpu?: string; memory?: string }) => string | undefined) =>
    Number(of(task)) ||
    (task.containers ?? []).reduce((sum, c) => sum + (Number(of(c)) || 0), 0) ||
    undefined;
  const cpuUnits = size((x) => x.cpu);
  const memoryMiB = size((x) => x.memory);
  if (!cpuUnits || !memoryMiB || !task.startedAt || !task.stoppedAt) return undefined;
  const hours = Math.max(0, task.stoppedAt.getTime() - task.startedAt.getTime()) / HOUR_MS;
  return { vcpu_hours: (cpuUnits / 1024) * hours, memory_gb_hours: (memoryMiB / 1024) * hours };
}
