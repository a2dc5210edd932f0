import type { RunningProcess } from '../process-runner.js';
import type { JsonObject } from '../types.js';
import { jobRunWorkers, resourceUtilization } from './job-run-resources.js';

export type JobRunState =
  | 'SUBMITTED'
  | 'PENDING'
  | 'SCHEDULED'
  | 'RUNNING'
  | 'SUCCESS'
  | 'FAILED'
  | 'CANCELLING'
  | 'CANCELLED';

export const TERMINAL_RUN_STATES: readonly JobRunState[] = ['SUCCESS', 'FAILED', 'CANCELLED'];

export interface ApplicationRecord {
  id: string;
  name?: string;
  arn: string;
  releaseLabel: string;
  type: string;
  state: 'CREATED' | 'STARTED' | 'STOPPED';
  createdAt: number;
  clientToken: string;
}

export interface JobRunRecord {
  applicationId: string;
  id: string;
  arn: string;
  name?: string;
  clientToken: string;
  executionRole: string;
  releaseLabel: string;
  state: JobRunState;
  stateDetails: string;
  createdAt: number;
  updatedAt: number;
  startedAt?: number;
  endedAt?: number;
  /** The request's jobDriver, configurationOverrides, tags, executionTimeoutMinutes, as sent. */
  request: JsonObject;
  stdout: Buffer[];
  stderr: Buffer[];
  process?: RunningProcess;
}

/** REST-JSON timestamps in a body: seconds since the epoch. */
const seconds = (ms: number) => ms / 1000;

/** The `jobRun` of GetJobRun, with the fields the model requires. */
export function jobRunOutput(run: JobRunRecord): JsonObject {
  const { jobDriver, configurationOverrides, tags, executionTimeoutMinutes } = run.request;
  const params = (jobDriver as { sparkSubmit?: { sparkSubmitParameters?: string } } | undefined)?.sparkSubmit
    ?.sparkSubmitParameters;
  return {
    ...commonFields(run),
    jobRunId: run.id,
    jobDriver: jobDriver ?? {},
    ...(configurationOverrides !== undefined && { configurationOverrides }),
    ...(tags !== undefined && { tags }),
    ...(executionTimeoutMinutes !== undefined && { executionTimeoutMinutes }),
    ...(run.startedAt !== undefined && { startedAt: seconds(run.startedAt) }),
    ...(run.endedAt !== undefined && { endedAt: seconds(run.endedAt) }),
    // What the run used is told once it has ended, if it ever started.
    ...(run.endedAt !== undefined &&
      run.startedAt !== undefined && {
        totalExecutionDurationSeconds: Math.ceil((run.endedAt - run.startedAt) / 1000),
        ...resourceUtilization(jobRunWorkers(params ?? ''), run.endedAt - run.startedAt),
      }),
  };
}

/** An entry of ListJobRuns. */
export function jobRunSummary(run: JobRunRecord): JsonObject {
  return { ...commonFields(run), id: run.id };
}

/** What GetJobRun and ListJobRuns both say of a run (each names its id its own way). */
function commonFields(run: JobRunRecord): JsonObject {
  return {
    applicationId: run.applicationId,
    arn: run.arn,
    ...(run.name !== undefined && { name: run.name }),
    createdBy: 'arn:aws:iam::000000000000:user/emulator',
    createdAt: seconds(run.createdAt),
    updatedAt: seconds(run.updatedAt),
    executionRole: run.executionRole,
    state: run.state,
    stateDetails: run.stateDetails,
    releaseLabel: run.releaseLabel,
  };
}

export function applicationOutput(app: ApplicationRecord): JsonObject {
  return {
    applicationId: app.id,
    ...(app.name !== undefined && { name: app.name }),
    arn: app.arn,
    releaseLabel: app.releaseLabel,
    type: app.type,
    state: app.state,
    createdAt: seconds(app.createdAt),
    updatedAt: seconds(app.createdAt),
  };
}
