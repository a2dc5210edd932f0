import type { RetryGrant } from './process-plan.js';
import type { TaskDefinition, TaskStatus } from './types.js';

/**
 * Grants for `POST /processes/{id}/retry`: every task definition whose latest
 * task failed gets one more attempt, started without backoff.
 *
 * @example
 * retryGrants(defs, new Map([['load', { attempts: 3, latestStatus: 'failed' }]]), {})
 * // { load: { maxAttempts: 4, backoffWaivedAtAttempt: 3 } }
 */
export function retryGrants(
  taskDefinitions: readonly TaskDefinition[],
  latest: ReadonlyMap<string, { attempts: number; latestStatus: TaskStatus }>,
  existing: Readonly<Record<string, RetryGrant>>,
): Record<string, RetryGrant> {
  const grants: Record<string, RetryGrant> = { ...existing };
  for (const t of taskDefinitions) {
    const p = latest.get(t.task_definition_name);
    if (p?.latestStatus !== 'failed') continue;
    grants[t.task_definition_name] = { maxAttempts: p.attempts + 1, backoffWaivedAtAttempt: p.attempts };
  }
  return grants;
}
