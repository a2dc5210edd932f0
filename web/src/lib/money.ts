import type { JobCost } from '../api/types.js';

/** "$0.0123": to the 1/100 cent, as the task log tells it. */
export function formatUsd(usd: number): string {
  return `$${usd.toFixed(4)}`;
}

/** "$0.0123 for 0.1234 instance-hours (no price for m9.huge)", "$0.0123 for 0.5000 vCPU-hours, 1.0000 GB-hours". */
export function formatCost(cost: JobCost): string {
  const hours = [
    cost.instance_hours !== undefined && `${cost.instance_hours.toFixed(4)} instance-hours`,
    cost.vcpu_hours !== undefined && `${cost.vcpu_hours.toFixed(4)} vCPU-hours`,
    cost.memory_gb_hours !== undefined && `${cost.memory_gb_hours.toFixed(4)} GB-hours`,
    cost.storage_gb_hours ? `${cost.storage_gb_hours.toFixed(4)} storage GB-hours` : undefined,
  ].filter(Boolean);
  const unpriced = cost.unpriced?.length ? ` (no price for ${cost.unpriced.join(', ')})` : '';
  return `${formatUsd(cost.usd)} for ${hours.join(', ')}${unpriced}`;
}
