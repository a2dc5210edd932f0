import type { FaultSpec, ServiceName } from './types.js';

/** What the server must do with one request, decided before the operation runs. */
export type RequestFault =
  | { kind: 'throttle' }
  | { kind: 'internal-error' }
  | { kind: 'lost-response'; mode: 'destroy' | 'status-500' }
  | { kind: 'late-response'; delayMs: number };

interface ArmedRequestFault {
  fault: RequestFault;
  operation: string;
  service?: ServiceName;
  remaining: number;
}

interface ArmedHang {
  stepName?: string;
  remaining: number;
}

/**
 * The fault book: request faults armed for the next N calls of an operation, and lifecycle faults
 * (bootstrap failure, hanging step) armed for the next N clusters/steps. Spot interruptions act at
 * once and are handled by the EMR service itself.
 */
export class FaultBook {
  private requestFaults: ArmedRequestFault[] = [];
  private bootstrapFailures = 0;
  private capacityShortages = 0;
  private hangs: ArmedHang[] = [];

  /** Arms a fault; returns false for the kinds handled elsewhere (spot interruption). */
  arm(spec: FaultSpec): boolean {
    const count = 'count' in spec && spec.count !== undefined ? spec.count : 1;
    switch (spec.type) {
      case 'throttle':
      case 'internal-error':
        this.requestFaults.push({
          fault: { kind: spec.type },
          operation: spec.operation,
          service: spec.service,
          remaining: count,
        });
        return true;
      case 'lost-response':
        this.requestFaults.push({
          fault: { kind: 'lost-response', mode: spec.mode ?? 'destroy' },
          operation: spec.operation,
          service: spec.service,
          remaining: count,
        });
        return true;
      case 'late-response':
        this.requestFaults.push({
          fault: { kind: 'late-response', delayMs: spec.delayMs },
          operation: spec.operation,
          service: spec.service,
          remaining: count,
        });
        return true;
      case 'bootstrap-failure':
        this.bootstrapFailures += count;
        return true;
      case 'insufficient-capacity':
        this.capacityShortages += count;
        return true;
      case 'hanging-step':
        this.hangs.push({ stepName: spec.stepName, remaining: count });
        return true;
      default:
        return false;
    }
  }

  /** Consumes the first armed fault matching this call, if any. */
  takeRequestFault(service: ServiceName, operation: string): RequestFault | undefined {
    const armed = this.requestFaults.find(
      (f) => f.remaining > 0 && f.operation === operation && (!f.service || f.service === service),
    );
    if (!armed) return undefined;
    armed.remaining -= 1;
    this.requestFaults = this.requestFaults.filter((f) => f.remaining > 0);
    return armed.fault;
  }

  /** True (once per armed count) when the cluster being created must fail bootstrapping. */
  takeBootstrapFailure(): boolean {
    if (this.bootstrapFailures <= 0) return false;
    this.bootstrapFailures -= 1;
    return true;
  }

  /** True (once per armed count) when the spot-asking cluster being created must get no spot capacity. */
  takeCapacityShortage(): boolean {
    if (this.capacityShortages <= 0) return false;
    this.capacityShortages -= 1;
    return true;
  }

  /** True when the step about to start must never end by itself. */
  takeHang(stepName: string): boolean {
    const armed = this.hangs.find((h) => h.remaining > 0 && (!h.stepName || h.stepName === stepName));
    if (!armed) return false;
    armed.remaining -= 1;
    this.hangs = this.hangs.filter((h) => h.remaining > 0);
    return true;
  }

  clear(): void {
    this.requestFaults = [];
    this.bootstrapFailures = 0;
    this.capacityShortages = 0;
    this.hangs = [];
  }
}
