/** What an executor observed when a job stopped. */
export interface ExecutorResult {
  succeeded: boolean;
  /** Why it failed, in words a user can act on (exit code, AWS reason…). */
  reason?: string;
}

/** Status the job itself reported via the API or a `**status=` line. */
export type ReportedStatus = 'succeeded' | 'failed' | undefined;

/**
 * Combines the executor's result with what the job reported and the
 * definition's `require_explicit_success` (docs/semantics.md, "How a task ends").
 * A reported failure always wins; a missing explicit success fails.
 *
 * @example
 * finalOutcome({ succeeded: true }, undefined, true) // { succeeded: false, reason: 'the job exited without reporting success …' }
 */
export function finalOutcome(
  result: ExecutorResult,
  reported: ReportedStatus,
  requireExplicitSuccess: boolean,
): ExecutorResult {
  if (reported === 'failed') return { succeeded: false, reason: 'the job reported failure' };
  if (!result.succeeded) return result;
  if (requireExplicitSuccess && reported !== 'succeeded') {
    return {
      succeeded: false,
      reason: 'the job ended without reporting success (require_explicit_success is set)',
    };
  }
  return { succeeded: true };
}
