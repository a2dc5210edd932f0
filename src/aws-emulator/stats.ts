import type { ServiceName } from './types.js';

/**
 * Request counters per `service.Operation` (e.g. `ecs.RunTask`). Every request that reached an
 * operation is counted, including the ones answered with an injected fault or a validation error,
 * so tests can see the SDK's retries.
 */
export class RequestStats {
  private counts = new Map<string, number>();

  record(service: ServiceName, operation: string): void {
    const key = `${service}.${operation}`;
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
  }

  /** How many calls `service.operation` received since the last reset. */
  count(service: ServiceName, operation: string): number {
    return this.counts.get(`${service}.${operation}`) ?? 0;
  }

  snapshot(): Record<string, number> {
    return Object.fromEntries([...this.counts.entries()].sort(([a], [b]) => a.localeCompare(b)));
  }

  reset(): void {
    this.counts.clear();
  }
}
