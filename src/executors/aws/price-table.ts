import { readFileSync } from 'node:fs';

/** USD per hour of what a job asked for: vCPUs, GB of memory and (EMR Serverless) GB of disk. */
export interface ResourcePrices {
  vcpu_hour: number;
  gb_hour: number;
  /** EMR Serverless only: disk beyond the 20 GB each worker gets free. */
  storage_gb_hour?: number;
}

/**
 * Prices in USD per hour, from a JSON file (`SUNDIAL_AWS_PRICES`). Every section is optional; a
 * kind of job whose section is missing is not priced.
 * - `instances`: per EC2 instance type the on-demand price and, optionally, the spot price to
 *   assume (else the bid, else on-demand): EMR clusters.
 * - `batch`, `ecs`: per vCPU-hour and GB-hour of what the job asked for (Fargate's way of pricing;
 *   on EC2, the instance price spread over its vCPUs and memory).
 * - `emr_serverless`: per vCPU-hour, GB-hour and storage GB-hour EMR Serverless billed.
 *
 * @example
 * const prices: PriceTable = {
 *   instances: { 'm5.xlarge': { on_demand: 0.192, spot: 0.07 } },
 *   ecs: { vcpu_hour: 0.04048, gb_hour: 0.004445 },
 * };
 */
export interface PriceTable {
  instances?: Record<string, { on_demand: number; spot?: number }>;
  batch?: ResourcePrices;
  ecs?: ResourcePrices;
  emr_serverless?: ResourcePrices;
}

/** What running a job cost, as recorded on its task (`execution_state.cost`). */
export interface JobCost {
  /** USD; instances of types missing from the price table count 0. */
  usd: number;
  /** EMR clusters: instances × hours. */
  instance_hours?: number;
  /** Batch, ECS, EMR Serverless: vCPUs × hours, memory GB × hours, (EMR Serverless) disk GB × hours. */
  vcpu_hours?: number;
  memory_gb_hours?: number;
  storage_gb_hours?: number;
  /** Instance types the price table does not know (their hours are counted, not priced). */
  unpriced?: string[];
}

/** What a job used, in the units of {@link ResourcePrices}. */
export interface ResourceUse {
  vcpu_hours: number;
  memory_gb_hours: number;
  storage_gb_hours?: number;
}

/**
 * Reads and checks a price table file; throws naming the file and the problem.
 *
 * @example
 * loadPriceTable('/etc/sundial/prices.json').instances?.['m5.xlarge']?.on_demand // 0.192
 */
export function loadPriceTable(file: string): PriceTable {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new Error(`price table ${file}: ${(e as Error).message}`);
  }
  const problem = priceTableProblem(parsed);
  if (problem) throw new Error(`price table ${file}: ${problem}`);
  return parsed as PriceTable;
}

/** What is wrong with a parsed price table, if anything. */
function priceTableProblem(parsed: unknown): string | undefined {
  if (!parsed || typeof parsed !== 'object') return 'must be an object';
  const table = parsed as Record<string, unknown>;
  const isNumber = (v: unknown) => typeof v === 'number' && v >= 0;
  const { instances } = table;
  if (instances !== undefined) {
    if (!instances || typeof instances !== 'object') {
      return '"instances" must be an object of instance type → prices';
    }
    for (const [type, price] of Object.entries(instances)) {
      const p = price as { on_demand?: unknown; spot?: unknown };
      if (!isNumber(p?.on_demand) || (p.spot !== undefined && !isNumber(p.spot))) {
        return `instances.${type} needs a number on_demand (and spot, if given)`;
      }
    }
  }
  for (const kind of ['batch', 'ecs', 'emr_serverless'] as const) {
    const p = table[kind] as Partial<Record<keyof ResourcePrices, unknown>> | undefined;
    if (p === undefined) continue;
    const storageOk = p?.storage_gb_hour === undefined || isNumber(p.storage_gb_hour);
    if (!isNumber(p?.vcpu_hour) || !isNumber(p?.gb_hour) || !storageOk) {
      return `${kind} needs numbers vcpu_hour and gb_hour (and storage_gb_hour, if given)`;
    }
  }
  const known = new Set(['instances', 'batch', 'ecs', 'emr_serverless']);
  const unknown = Object.keys(table).filter((k) => !known.has(k));
  return unknown.length > 0 ? `unknown section ${unknown.join(', ')}` : undefined;
}

/**
 * What a job's use of vCPUs, memory and disk cost at these prices.
 *
 * @example
 * resourceCost({ vcpu_hours: 2, memory_gb_hours: 4 }, { vcpu_hour: 0.04, gb_hour: 0.005 })
 * // { usd: 0.1, vcpu_hours: 2, memory_gb_hours: 4 }
 */
export function resourceCost(use: ResourceUse, prices: ResourcePrices): JobCost {
  const storage = use.storage_gb_hours ?? 0;
  return {
    usd: round(
      use.vcpu_hours * prices.vcpu_hour +
        use.memory_gb_hours * prices.gb_hour +
        storage * (prices.storage_gb_hour ?? 0),
    ),
    vcpu_hours: round(use.vcpu_hours),
    memory_gb_hours: round(use.memory_gb_hours),
    ...(use.storage_gb_hours !== undefined && { storage_gb_hours: round(storage) }),
  };
}

/**
 * A cost as the task log tells it.
 *
 * @example
 * costText({ usd: 0.1, vcpu_hours: 2, memory_gb_hours: 4 }) // '$0.1000: 2.0000 vCPU-hours, 4.0000 GB-hours'
 */
export function costText(cost: JobCost): string {
  const parts = [
    cost.instance_hours !== undefined && `${cost.instance_hours.toFixed(4)} instance-hours`,
    cost.vcpu_hours !== undefined && `${cost.vcpu_hours.toFixed(4)} vCPU-hours`,
    cost.memory_gb_hours !== undefined && `${cost.memory_gb_hours.toFixed(4)} GB-hours`,
    cost.storage_gb_hours ? `${cost.storage_gb_hours.toFixed(4)} storage GB-hours` : undefined,
  ].filter(Boolean);
  const unpriced = cost.unpriced ? ` (no price for ${cost.unpriced.join(', ')})` : '';
  return `$${cost.usd.toFixed(4)}: ${parts.join(', ')}${unpriced}`;
}

/** Sums the costs of a task's EMR clusters (a task that moved to a fresh cluster ran on several). */
export function addCosts(a: JobCost | undefined, b: JobCost): JobCost {
  const unpriced = [...new Set([...(a?.unpriced ?? []), ...(b.unpriced ?? [])])];
  return {
    usd: round((a?.usd ?? 0) + b.usd),
    instance_hours: round((a?.instance_hours ?? 0) + (b.instance_hours ?? 0)),
    ...(unpriced.length > 0 && { unpriced }),
  };
}

export const round = (n: number) => Math.round(n * 1e6) / 1e6;
