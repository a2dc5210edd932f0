/** A goal a row is checked against: a ratio to the peer's figure, or an absolute bound. */
export type Goal =
  | { kind: 'ratio-at-most'; value: number }
  | { kind: 'ratio-at-least'; value: number }
  | { kind: 'below'; value: number };

/**
 * One line of the results table. `ours` undefined means the figure could
 * not be measured; `note` then says why (pending, n/a, error).
 *
 * @example
 * const row: Row = { scenario: '1. Hop', metric: 'p99', backend: 'postgres', ours: 4.1, theirs: 2.3, unit: 'ms',
 *   goal: { kind: 'ratio-at-most', value: 2 } };
 */
export interface Row {
  scenario: string;
  metric: string;
  backend: 'postgres' | 'pglite' | '-';
  ours: number | undefined;
  theirs?: number | undefined;
  unit: string;
  goal?: Goal;
  note?: string;
}

export function fmt(n: number | undefined, unit = ''): string {
  if (n === undefined || Number.isNaN(n)) return '—';
  const digits = Math.abs(n) < 10 ? 2 : Math.abs(n) < 100 ? 1 : 0;
  return `${n.toFixed(digits)}${unit ? ` ${unit}` : ''}`;
}

function goalText(g: Goal | undefined, unit: string): string {
  if (!g) return '—';
  if (g.kind === 'ratio-at-most') return `ratio ≤ ${g.value}`;
  if (g.kind === 'ratio-at-least') return `ratio ≥ ${g.value}`;
  return `< ${g.value} ${unit}`;
}

/** 'yes', 'NO', or '—' when the row cannot be judged. */
export function goalMet(r: Row): string {
  if (!r.goal || r.ours === undefined) return '—';
  const ratio = r.theirs ? r.ours / r.theirs : undefined;
  switch (r.goal.kind) {
    case 'ratio-at-most':
      return ratio === undefined ? '—' : ratio <= r.goal.value ? 'yes' : 'NO';
    case 'ratio-at-least':
      return ratio === undefined ? '—' : ratio >= r.goal.value ? 'yes' : 'NO';
    case 'below':
      return r.ours < r.goal.value ? 'yes' : 'NO';
  }
}

/**
 * The whole run as one Markdown table (readable in a terminal, pasted as is into RESULTS.md).
 *
 * @example
 * console.log(renderTable(rows));
 */
export function renderTable(rows: readonly Row[]): string {
  const header = ['Scenario', 'Metric', 'Backend', 'Sundial', 'graphile-worker', 'Ratio', 'Goal', 'Met'];
  const lines = rows.map((r) => [
    r.scenario,
    r.note ? `${r.metric} (${r.note})` : r.metric,
    r.backend,
    fmt(r.ours, r.unit),
    fmt(r.theirs, r.theirs === undefined ? '' : r.unit),
    r.ours !== undefined && r.theirs ? `${(r.ours / r.theirs).toFixed(2)}×` : '—',
    goalText(r.goal, r.unit),
    goalMet(r),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...lines.map(line)].join('\n');
}

/**
 * Per-unit work of one side: SQL statements, the round trips they took, and CPU milliseconds.
 *
 * @example
 * const cost: UnitCost = { statements: 4.8, roundTrips: 1.9, cpuMs: 3.5 };
 */
export interface UnitCost {
  statements: number;
  roundTrips: number;
  cpuMs: number;
}

/**
 * The cost rows (statements, round trips and CPU per task) of a scenario, Sundial beside graphile-worker.
 *
 * @example
 * rows.push(...costRows('2. Fan-out', '5000 noop', 'postgres', perTask, peer.perJob));
 */
export function costRows(
  scenario: string,
  label: string,
  backend: Row['backend'],
  ours: UnitCost,
  theirs: UnitCost,
): Row[] {
  return (
    [
      ['SQL statements per task', 'statements'],
      ['database round trips per task', 'roundTrips'],
      ['CPU ms per task (this process)', 'cpuMs'],
    ] as const
  ).map(([what, key]) => ({
    scenario,
    metric: `${what}, ${label}`,
    backend,
    ours: ours[key],
    theirs: theirs[key],
    unit: '',
  }));
}
