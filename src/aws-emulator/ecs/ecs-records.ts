import { epochSeconds } from '../ids.js';
import type { RunningProcess } from '../process-runner.js';
import type { SecretRef } from '../secrets-manager/container-secrets.js';
import type { JsonObject } from '../types.js';
import { compatibilities } from './ecs-fargate.js';

/** In-memory ECS task definitions and tasks, and their wire form (epoch-second timestamps). */

export type TaskStatus =
  | 'PROVISIONING'
  | 'PENDING'
  | 'ACTIVATING'
  | 'RUNNING'
  | 'DEACTIVATING'
  | 'STOPPING'
  | 'DEPROVISIONING'
  | 'STOPPED';

export interface KeyValue {
  name: string;
  value: string;
}

export interface ContainerDefinition {
  name: string;
  image: string;
  command: string[];
  environment: KeyValue[];
  /** Read from Secrets Manager / SSM when the container starts. */
  secrets: SecretRef[];
  essential: boolean;
  logOptions?: Record<string, string>;
  /** CPU units and MiB the container asked for, if it did (DescribeTasks tells them as strings). */
  cpu?: number;
  memory?: number;
}

export interface TaskDefinitionRecord {
  family: string;
  revision: number;
  arn: string;
  status: 'ACTIVE' | 'INACTIVE';
  raw: JsonObject;
  containers: ContainerDefinition[];
}

export interface ContainerRun {
  name: string;
  arn: string;
  image: string;
  essential: boolean;
  command: string[];
  environment: KeyValue[];
  secrets: SecretRef[];
  logOptions?: Record<string, string>;
  cpu?: number;
  memory?: number;
  lastStatus: 'PENDING' | 'RUNNING' | 'STOPPED';
  exitCode?: number;
  reason?: string;
  process?: RunningProcess;
}

export interface TaskRecord {
  id: string;
  arn: string;
  clusterArn: string;
  definition: TaskDefinitionRecord;
  lastStatus: TaskStatus;
  desiredStatus: 'RUNNING' | 'STOPPED';
  startedBy?: string;
  group: string;
  launchType: string;
  /** FARGATE or FARGATE_SPOT when RunTask named a capacity provider strategy. */
  capacityProviderName?: string;
  /** The network interface of an awsvpc task. */
  attachments: JsonObject[];
  /** The task's size (CPU units, MiB), from its definition or RunTask's overrides, as strings. */
  cpu?: string;
  memory?: string;
  createdAt: number;
  startedAt?: number;
  stoppingAt?: number;
  stoppedAt?: number;
  stoppedReason?: string;
  stopCode?: string;
  overrides: JsonObject;
  containers: ContainerRun[];
  tags: JsonObject[];
}

function clean(o: Record<string, unknown>): JsonObject {
  return JSON.parse(JSON.stringify(o)) as JsonObject;
}

const seconds = (ms: number | undefined) => (ms === undefined ? undefined : epochSeconds(ms));

export function taskDefinitionOutput(d: TaskDefinitionRecord): JsonObject {
  return clean({
    ...d.raw,
    taskDefinitionArn: d.arn,
    family: d.family,
    revision: d.revision,
    status: d.status,
    compatibilities: compatibilities(d.raw),
    requiresAttributes: [],
  });
}

export function taskOutput(t: TaskRecord): JsonObject {
  return clean({
    taskArn: t.arn,
    clusterArn: t.clusterArn,
    taskDefinitionArn: t.definition.arn,
    lastStatus: t.lastStatus,
    desiredStatus: t.desiredStatus,
    startedBy: t.startedBy,
    group: t.group,
    launchType: t.launchType,
    capacityProviderName: t.capacityProviderName,
    cpu: t.cpu,
    memory: t.memory,
    createdAt: seconds(t.createdAt),
    startedAt: seconds(t.startedAt),
    stoppingAt: seconds(t.stoppingAt),
    stoppedAt: seconds(t.stoppedAt),
    stoppedReason: t.stoppedReason,
    stopCode: t.stopCode,
    overrides: t.overrides,
    tags: t.tags,
    version: 1,
    attachments: t.attachments,
    containers: t.containers.map((c) => ({
      containerArn: c.arn,
      taskArn: t.arn,
      name: c.name,
      image: c.image,
      lastStatus: c.lastStatus,
      exitCode: c.exitCode,
      reason: c.reason,
      cpu: c.cpu?.toString(),
      memory: c.memory?.toString(),
    })),
  });
}
