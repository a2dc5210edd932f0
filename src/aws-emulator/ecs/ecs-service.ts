import type {
  DescribeTaskDefinitionRequest,
  DescribeTasksRequest,
  ListTasksRequest,
  RegisterTaskDefinitionRequest,
  RunTaskRequest,
  StopTaskRequest,
} from '@aws-sdk/client-ecs';
import { AwsError } from '../aws-error.js';
import { type EmulatorContext, type JsonService, typed } from '../context.js';
import { hexId, uuid } from '../ids.js';
import { offsetToken, parseOffsetToken } from '../logs/log-tokens.js';
import { requireExecutionRole } from '../secrets-manager/container-secrets.js';
import type { JsonObject } from '../types.js';
import { checkFargateDefinition, runTaskPlacement } from './ecs-fargate.js';
import {
  type KeyValue,
  type TaskDefinitionRecord,
  type TaskRecord,
  taskDefinitionOutput,
  taskOutput,
} from './ecs-records.js';
import { EcsRunner } from './ecs-runner.js';

const toKeyValues = (list: { name?: string; value?: string }[] | undefined): KeyValue[] =>
  (list ?? []).map((e) => ({ name: e.name ?? '', value: e.value ?? '' }));

/** Amazon ECS (JSON 1.1, target prefix `AmazonEC2ContainerServiceV20141113`). Cluster `default` exists. */
export function createEcsService(ctx: EmulatorContext): JsonService {
  const { region, accountId } = ctx.config;
  const arn = (kind: string, name: string) => `arn:aws:ecs:${region}:${accountId}:${kind}/${name}`;
  const clusters = new Map<string, string>([['default', arn('cluster', 'default')]]);
  const definitions: TaskDefinitionRecord[] = [];
  const tasks = new Map<string, TaskRecord>();
  const byClientToken = new Map<string, string[]>();
  const runner = new EcsRunner(ctx);

  /** Name or ARN → [name, arn]; ECS's own error when unknown. */
  const cluster = (ref: string | undefined): [string, string] => {
    const name = ref?.startsWith('arn:') ? (ref.split('/').pop() ?? '') : (ref ?? 'default');
    const clusterArn = clusters.get(name);
    if (!clusterArn) throw new AwsError('ClusterNotFoundException', 'Cluster not found.');
    return [name, clusterArn];
  };

  /** `family` (latest ACTIVE), `family:rev` or ARN. */
  const findDefinition = (ref: string): TaskDefinitionRecord | undefined => {
    const short = ref.startsWith('arn:') ? (ref.split('/').pop() ?? '') : ref;
    const [family, rev] = short.split(':');
    if (rev !== undefined) return definitions.find((d) => d.family === family && d.revision === Number(rev));
    return definitions.filter((d) => d.family === family && d.status === 'ACTIVE').at(-1);
  };

  const findTask = (clusterArn: string, ref: string) => {
    const t = tasks.get(ref.split('/').pop() ?? ref);
    return t && t.clusterArn === clusterArn ? t : undefined;
  };

  return {
    service: 'ecs',
    state: () => ({
      clusters: [...clusters.values()],
      taskDefinitions: definitions.map(taskDefinitionOutput),
      tasks: [...tasks.values()].map(taskOutput),
    }),
    shutdown: () => runner.shutdown(tasks.values()),
    operations: {
      CreateCluster: (raw) => {
        const name = String(raw.clusterName ?? 'default');
        if (!clusters.has(name)) clusters.set(name, arn('cluster', name));
        return { cluster: { clusterName: name, clusterArn: clusters.get(name)!, status: 'ACTIVE' } };
      },
      RegisterTaskDefinition: (raw) => {
        const req = typed<RegisterTaskDefinitionRequest>(raw);
        const family = req.family!;
        for (const c of req.containerDefinitions ?? [])
          requireExecutionRole(c.secrets, req.executionRoleArn, 'ClientException');
        checkFargateDefinition(req);
        const revision = definitions.filter((d) => d.family === family).length + 1;
        const d: TaskDefinitionRecord = {
          family,
          revision,
          arn: arn('task-definition', `${family}:${revision}`),
          status: 'ACTIVE',
          raw,
          containers: (req.containerDefinitions ?? []).map((c) => ({
            name: c.name ?? '',
            image: c.image ?? '',
            command: c.command ?? [],
            environment: toKeyValues(c.environment),
            secrets: (c.secrets ?? []).map((s) => ({ name: s.name ?? '', valueFrom: s.valueFrom ?? '' })),
            essential: c.essential ?? true,
            logOptions: c.logConfiguration?.logDriver === 'awslogs' ? c.logConfiguration.options : undefined,
            ...(c.cpu !== undefined && { cpu: c.cpu }),
            ...(c.memory !== undefined && { memory: c.memory }),
          })),
        };
        definitions.push(d);
        return {
          taskDefinition: taskDefinitionOutput(d),
          tags: (req.tags as JsonObject[] | undefined) ?? [],
        };
      },
      DescribeTaskDefinition: (raw) => {
        const d = findDefinition(typed<DescribeTaskDefinitionRequest>(raw).taskDefinition!);
        if (!d) throw new AwsError('ClientException', 'Unable to describe task definition.');
        return { taskDefinition: taskDefinitionOutput(d), tags: [] };
      },
      RunTask: (raw) => {
        const req = typed<RunTaskRequest>(raw);
        const [clusterName, clusterArn] = cluster(req.cluster);
        // Idempotency: a retried RunTask with the same clientToken gets the same task(s).
        const tokenKey = req.clientToken ? `${clusterArn}|${req.clientToken}` : undefined;
        const previous = tokenKey ? byClientToken.get(tokenKey) : undefined;
        if (previous) {
          return { tasks: previous.map((id) => taskOutput(tasks.get(id)!)), failures: [] };
        }
        const d = findDefinition(req.taskDefinition!);
        if (!d) throw new AwsError('InvalidParameterException', 'TaskDefinition not found.');
        const count = req.count ?? 1;
        if (count < 1 || count > 10)
          throw new AwsError('InvalidParameterException', 'count must be between 1 and 10.');
        const placement = runTaskPlacement(req, d.raw);
        const created: TaskRecord[] = [];
        for (let i = 0; i < count; i++) {
          const id = hexId();
          const taskArn = arn('task', `${clusterName}/${id}`);
          const t: TaskRecord = {
            id,
            arn: taskArn,
            clusterArn,
            definition: d,
            lastStatus: 'PROVISIONING',
            desiredStatus: 'RUNNING',
            startedBy: req.startedBy,
            group: req.group ?? `family:${d.family}`,
            ...placement,
            cpu: req.overrides?.cpu ?? d.raw.cpu?.toString(),
            memory: req.overrides?.memory ?? d.raw.memory?.toString(),
            createdAt: ctx.config.now(),
            overrides: (raw.overrides as JsonObject | undefined) ?? { containerOverrides: [] },
            tags: (raw.tags as JsonObject[] | undefined) ?? [],
            containers: d.containers.map((c) => {
              const o = req.overrides?.containerOverrides?.find((x) => x.name === c.name);
              const env = new Map(c.environment.map((e) => [e.name, e.value]));
              for (const e of toKeyValues(o?.environment)) env.set(e.name, e.value);
              return {
                name: c.name,
                arn: arn('container', `${clusterName}/${id}/${uuid()}`),
                image: c.image,
                essential: c.essential,
                command: o?.command ?? c.command,
                environment: [...env].map(([name, value]) => ({ name, value })),
                secrets: c.secrets,
                logOptions: c.logOptions,
                cpu: o?.cpu ?? c.cpu,
                memory: o?.memory ?? c.memory,
                lastStatus: 'PENDING',
              };
            }),
          };
          tasks.set(id, t);
          created.push(t);
          runner.start(t);
        }
        if (tokenKey)
          byClientToken.set(
            tokenKey,
            created.map((t) => t.id),
          );
        return { tasks: created.map(taskOutput), failures: [] };
      },
      DescribeTasks: (raw) => {
        const req = typed<DescribeTasksRequest>(raw);
        const [, clusterArn] = cluster(req.cluster);
        const refs = req.tasks ?? [];
        if (refs.length > 100)
          throw new AwsError('InvalidParameterException', 'Tasks cannot be more than 100.');
        const found: JsonObject[] = [];
        const failures: JsonObject[] = [];
        for (const ref of refs) {
          const t = findTask(clusterArn, ref);
          if (t) found.push(taskOutput(t));
          else failures.push({ arn: ref.startsWith('arn:') ? ref : arn('task', ref), reason: 'MISSING' });
        }
        return { tasks: found, failures };
      },
      StopTask: (raw) => {
        const req = typed<StopTaskRequest>(raw);
        const [, clusterArn] = cluster(req.cluster);
        const t = findTask(clusterArn, req.task!);
        if (!t) throw new AwsError('InvalidParameterException', 'The referenced task was not found.');
        runner.stop(t, 'UserInitiated', req.reason ?? 'Task stopped by user');
        return { task: taskOutput(t) };
      },
      ListTasks: (raw) => {
        const req = typed<ListTasksRequest>(raw);
        const [, clusterArn] = cluster(req.cluster);
        const desired = req.desiredStatus ?? 'RUNNING';
        const list = [...tasks.values()].filter(
          (t) =>
            t.clusterArn === clusterArn &&
            (!req.startedBy || t.startedBy === req.startedBy) &&
            (!req.family || t.definition.family === req.family) &&
            // PENDING means "not yet RUNNING" in ListTasks; desired status is RUNNING for those.
            (desired === 'STOPPED' ? t.desiredStatus === 'STOPPED' : t.desiredStatus === 'RUNNING'),
        );
        const start = parseOffsetToken(req.nextToken, 'InvalidParameterException');
        const size = req.maxResults ?? ctx.config.pageSizes.list;
        const out: JsonObject = { taskArns: list.slice(start, start + size).map((t) => t.arn) };
        if (start + size < list.length) out.nextToken = offsetToken(start + size);
        return out;
      },
    },
  };
}
