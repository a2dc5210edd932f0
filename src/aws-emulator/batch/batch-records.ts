import type { RunningProcess } from '../process-runner.js';
import type { SecretRef } from '../secrets-manager/container-secrets.js';
import type { JsonObject } from '../types.js';

/** In-memory AWS Batch job definitions, queues and jobs, and their wire form (epoch-ms timestamps). */

export type JobStatus =
  | 'SUBMITTED'
  | 'PENDING'
  | 'RUNNABLE'
  | 'STARTING'
  | 'RUNNING'
  | 'SUCCEEDED'
  | 'FAILED';

export interface KeyValue {
  name: string;
  value: string;
}

export interface JobDefinitionRecord {
  name: string;
  revision: number;
  arn: string;
  status: 'ACTIVE' | 'INACTIVE';
  /** The RegisterJobDefinition request as sent, echoed by DescribeJobDefinitions. */
  raw: JsonObject;
  command: string[];
  environment: KeyValue[];
  /** Read from Secrets Manager / SSM when each attempt's container starts. */
  secrets: SecretRef[];
  image: string;
  parameters: Record<string, string>;
  attempts: number;
}

export interface JobQueueRecord {
  name: string;
  arn: string;
  raw: JsonObject;
}

export interface JobRecord {
  id: string;
  name: string;
  arn: string;
  queue: JobQueueRecord;
  definition: JobDefinitionRecord;
  status: JobStatus;
  statusReason?: string;
  createdAt: number;
  startedAt?: number;
  stoppedAt?: number;
  command: string[];
  environment: KeyValue[];
  /** VCPU, MEMORY… of the definition, as SubmitJob's containerOverrides changed them. */
  resourceRequirements: { type: string; value: string }[];
  parameters: Record<string, string>;
  dependsOn: string[];
  tags: Record<string, string>;
  exitCode?: number;
  containerReason?: string;
  logStreamName?: string;
  attempts: JsonObject[];
  process?: RunningProcess;
  /** Set by TerminateJob while the process is being killed. */
  terminateReason?: string;
}

export const TERMINAL: JobStatus[] = ['SUCCEEDED', 'FAILED'];

function clean(o: Record<string, unknown>): JsonObject {
  return JSON.parse(JSON.stringify(o)) as JsonObject;
}

export function jobDefinitionOutput(d: JobDefinitionRecord): JsonObject {
  return clean({
    ...d.raw,
    jobDefinitionName: d.name,
    jobDefinitionArn: d.arn,
    revision: d.revision,
    status: d.status,
    containerOrchestrationType: 'ECS',
  });
}

export function jobOutput(j: JobRecord): JsonObject {
  return clean({
    jobArn: j.arn,
    jobName: j.name,
    jobId: j.id,
    jobQueue: j.queue.arn,
    status: j.status,
    statusReason: j.statusReason,
    attempts: j.attempts,
    createdAt: j.createdAt,
    startedAt: j.startedAt,
    stoppedAt: j.stoppedAt,
    dependsOn: j.dependsOn.map((jobId) => ({ jobId })),
    jobDefinition: j.definition.arn,
    parameters: j.parameters,
    tags: j.tags,
    platformCapabilities: ['EC2'],
    container: {
      image: j.definition.image,
      command: j.command,
      environment: j.environment,
      resourceRequirements: j.resourceRequirements,
      exitCode: j.exitCode,
      reason: j.containerReason,
      logStreamName: j.logStreamName,
    },
  });
}

export function jobSummary(j: JobRecord): JsonObject {
  return clean({
    jobArn: j.arn,
    jobId: j.id,
    jobName: j.name,
    createdAt: j.createdAt,
    status: j.status,
    statusReason: j.statusReason,
    startedAt: j.startedAt,
    stoppedAt: j.stoppedAt,
    container: { exitCode: j.exitCode, reason: j.containerReason },
    jobDefinition: j.definition.arn,
  });
}

/** `Ref::name` placeholders in the command take the job's parameters, as in Batch. */
export function substituteParameters(command: string[], parameters: Record<string, string>): string[] {
  return command.map((arg) =>
    arg.replace(/Ref::([A-Za-z0-9_]+)/g, (m, name: string) => parameters[name] ?? m),
  );
}
