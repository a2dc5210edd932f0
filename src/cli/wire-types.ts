import { ValidationError } from '../domain/validation-error.js';

/** A task as the API sends it (the fields the CLI reads). */
export interface WireTask {
  task_definition_name: string;
  status: string;
  previous_attempt_count: number;
  start_time: string;
  end_time?: string;
  failure_reason?: string;
}

/** A process as the API sends it (the fields the CLI reads). */
export interface WireProcess {
  process_id: string;
  process_definition_name: string;
  start_time: string;
  end_time?: string;
  status: string;
  kill_reason?: string;
  task: WireTask[];
}

/** A flag's value as a whole number of at least 1, or an error naming the flag. */
export function wholeNumber(value: string, flag: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) {
    throw new ValidationError([
      { field: flag, problem: `expects a whole number of at least 1 (got '${value}')` },
    ]);
  }
  return n;
}
