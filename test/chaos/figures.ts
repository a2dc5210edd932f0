import { appendFileSync } from 'node:fs';

/** One row of the chaos table: what was done and what came of it. */
export interface Figures {
  scenario: string;
  tasks: string;
  takeoverP50Ms?: number;
  takeoverMaxMs?: number;
  duplicates: number;
  losses: number;
}

/** The p-quantile (0..1) of some numbers, nearest rank. */
export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))] ?? Number.NaN;
}

/**
 * Prints a row of the chaos table (and appends it to $SUNDIAL_CHAOS_TABLE
 * when set, to gather the rows of a whole run for bench/RESULTS.md).
 */
export function recordFigures(f: Figures): void {
  const ms = (n: number | undefined) => (n === undefined ? '-' : `${Math.round(n)}`);
  const row = `| ${f.scenario} | ${f.tasks} | ${ms(f.takeoverP50Ms)} | ${ms(f.takeoverMaxMs)} | ${f.duplicates} | ${f.losses} |`;
  console.log(`chaos: ${row}`);
  if (process.env.SUNDIAL_CHAOS_TABLE) appendFileSync(process.env.SUNDIAL_CHAOS_TABLE, `${row}\n`);
}
