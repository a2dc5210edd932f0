import type {
  ProcessDefinition as Definition,
  ProcessStatus,
  TaskDefinition,
  TaskStatus,
} from '../../../src/domain/types.js';

export type { ProcessStatus, TaskDefinition, TaskStatus };

/** A definition as the API returns it: with its next run time while its schedule is active. */
export type ProcessDefinition = Definition & { next_run_time?: string };

export interface WireEntry {
  key: string;
  value: string;
  when: string;
}

/** One attempt of a task, as GET /api/processes/{id} returns it. */
export interface WireTask {
  task_id: string;
  process_id: string;
  process_definition_name: string;
  task_definition_name: string;
  start_time: string;
  end_time?: string;
  previous_attempt_count: number;
  status: TaskStatus;
  failure_reason?: string;
  metadata_entries: WireEntry[];
  /** What the executor recorded to find its job again: AWS ids (cluster, step, Batch job, ECS task ARN). */
  execution_state: WireEntry[];
  /** What its job cost (EMR clusters it created, a Batch job, ECS task or EMR Serverless run), priced by the server's price table. */
  cost?: JobCost;
}

/** A job's cost: USD, and the hours behind it (instance types without a price count hours only). */
export interface JobCost {
  usd: number;
  /** EMR clusters. */
  instance_hours?: number;
  /** Batch, ECS, EMR Serverless. */
  vcpu_hours?: number;
  memory_gb_hours?: number;
  /** EMR Serverless. */
  storage_gb_hours?: number;
  unpriced?: string[];
}

/** A message about a run's end (e-mail, PagerDuty…) and how its delivery went. */
export interface NotificationDelivery {
  notification_id: string;
  kind: string;
  to: string;
  event: string;
  status: string;
  next_attempt_time?: string;
  attempts: { attempt: number; start_time?: string; end_time?: string; result: string; detail?: string }[];
}

export interface WireProcess {
  process_id: string;
  process_definition_name: string;
  start_time: string;
  end_time?: string;
  status: ProcessStatus;
  kill_reason?: string;
  /** The sum of its tasks' costs, when any has one. */
  cost_usd?: number;
  task: WireTask[];
  notification_deliveries?: NotificationDelivery[];
}

/** A run with one page of its attempts; `next_after` is the cursor of the next page while there is one. */
export interface WireProcessPage extends WireProcess {
  next_after?: string;
}

export interface ProcessSummary {
  process_id: string;
  process_definition_name: string;
  status: ProcessStatus;
  start_time: string;
  end_time?: string;
}

export interface DefinitionOverview {
  definition: ProcessDefinition;
  recent_processes: ProcessSummary[];
}

export interface HistoryPage {
  processes: ProcessSummary[];
  next_before?: string;
}

export interface LogLine {
  task_id: string;
  task_definition_name: string;
  cursor: string;
  log_entry_id: string;
  when: string;
  source: string;
  message: string;
}

export interface LogPage {
  entries: LogLine[];
  next_cursor: string;
  complete: boolean;
  has_more_before?: boolean;
}

/** A 400's problems, each naming the field it is about. */
export interface FieldProblem {
  field: string;
  problem: string;
}

/** A trigger whose run has not started yet (`GET /api/trigger_requests`). */
export interface WaitingTrigger {
  trigger_request_id: string;
  task_definition_names: string[] | null;
  requested_at: string;
}
