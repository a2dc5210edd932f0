import type { JobCost } from '../api/types.js';

/** "$0.0123": to the 1/100 cent, as the task log tells it. */
export function formatUsd(usd: number): string {
  return `$${usd.toFixed(4)}`;
}

/** "$0.0123 for 0.1234 instance-hours (no price for m9.huge)". */
export function formatCost(cost: JobCost): string {
  const unpriced = cost.unpriced?.length ? ` (no price for ${cost.unpriced.join(', ')})` : '';
  return `${formatUsd(cost.usd)} for ${cost.instance_hours.toFixed(4)} instance-hours${unpriced}`;
}
