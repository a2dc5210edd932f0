import type { Row } from '../lib/table.js';

/** What a scenario reports: table rows, and free-text details printed under the table. */
export interface ScenarioResult {
  rows: Row[];
  notes: string[];
}
