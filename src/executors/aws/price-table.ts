import { readFileSync } from 'node:fs';

/**
 * Prices in USD per hour, from a JSON file (`SUNDIAL_AWS_PRICES`): per EC2 instance type the
 * on-demand price and, optionally, the spot price to assume (else the bid, else on-demand).
 *
 * @example
 * const prices: PriceTable = { instances: { 'm5.xlarge': { on_demand: 0.192, spot: 0.07 } } };
 */
export interface PriceTable {
  instances: Record<string, { on_demand: number; spot?: number }>;
}

/** What running a job cost, as recorded on its task (`execution_state.cost`). */
export interface JobCost {
  /** USD; instances of types missing from the price table count 0. */
  usd: number;
  instance_hours: number;
  /** Instance types the price table does not know (their hours are counted, not priced). */
  unpriced?: string[];
}

/**
 * Reads and checks a price table file; throws naming the file and the problem.
 *
 * @example
 * loadPriceTable('/etc/sundial/prices.json').instances['m5.xlarge']?.on_demand // 0.192
 */
export function loadPriceTable(file: string): PriceTable {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new Error(`price table ${file}: ${(e as Error).message}`);
  }
  const instances = (parsed as { instances?: unknown })?.instances;
  if (!instances || typeof instances !== 'object') {
    throw new Error(`price table ${file}: "instances" must be an object of instance type → prices`);
  }
  for (const [type, price] of Object.entries(instances)) {
    const p = price as { on_demand?: unknown; spot?: unknown };
    if (typeof p?.on_demand !== 'number' || (p.spot !== undefined && typeof p.spot !== 'number')) {
      throw new Error(`price table ${file}: instances.${type} needs a number on_demand (and spot, if given)`);
    }
  }
  return parsed as PriceTable;
}

/** Sums job costs (a task that moved to a fresh cluster ran on several). */
export function addCosts(a: JobCost | undefined, b: JobCost): JobCost {
  const unpriced = [...new Set([...(a?.unpriced ?? []), ...(b.unpriced ?? [])])];
  return {
    usd: round((a?.usd ?? 0) + b.usd),
    instance_hours: round((a?.instance_hours ?? 0) + b.instance_hours),
    ...(unpriced.length > 0 && { unpriced }),
  };
}

export const round = (n: number) => Math.round(n * 1e6) / 1e6;
