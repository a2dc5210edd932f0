import type {
  CancelJobRequest,
  CreateJobQueueRequest,
  DescribeJobDefinitionsRequest,
  DescribeJobQueuesRequest,
  DescribeJobsRequest,
  ListJobsRequest,
  RegisterJobDefinitionRequest,
  SubmitJobRequest,
  TerminateJobRequest,
} from '@aws-sdk/client-batch';
import { AwsError } from '../aws-error.js';
import { type EmulatorContext, type JsonService, typed } from '../context.js';
import { uuid } from '../ids.js';
import { offsetToken, parseOffsetToken } from '../logs/log-tokens.js';
import { requireExecutionRole } from '../secrets-manager/container-secrets.js';
import type { JsonObject } from '../types.js';
import {
  type JobDefinitionRecord,
  type JobQueueRecord,
  type JobRecord,
  jobDefinitionOutput,
  jobOutput,
  jobSummary,
  type KeyValue,
  substituteParameters,
} from './batch-records.js';
import { BATCH_LOG_GROUP, BatchRunner } from './batch-runner.js';

const clientError = (message: string) => new AwsError('ClientException', message);

/** AWS Batch (REST-JSON, `POST /v1/<operation>`). A job queue named `default` exists from the start. */
export function createBatchService(ctx: EmulatorContext): JsonService {
  const { region, accountId } = ctx.config;
  const arn = (kind: string, name: string) => `arn:aws:batch:${region}:${accountId}:${kind}/${name}`;
  const definitions: JobDefinitionRecord[] = [];
  const queues = new Map<string, JobQueueRecord>();
  const jobs = new Map<string, JobRecord>();
  const runner = new BatchRunner(ctx, (id) => jobs.get(id));
  // Batch's awslogs group exists in every account.
  if (!ctx.logs.groups.has(BATCH_LOG_GROUP)) ctx.logs.createGroup(BATCH_LOG_GROUP);

  const addQueue = (name: string, raw: JsonObject) => {
    const q = { name, arn: arn('job-queue', name), raw };
    queues.set(name, q);
    return q;
  };
  addQueue('default', { priority: 1, state: 'ENABLED', computeEnvironmentOrder: [] });

  const findQueue = (ref: string) => queues.get(ref) ?? [...queues.values()].find((q) => q.arn === ref);

  /** `name` (latest ACTIVE revision), `name:rev`, or the ARN. */
  const findDefinition = (ref: string): JobDefinitionRecord | undefined => {
    const byArn = definitions.find((d) => d.arn === ref);
    if (byArn) return byArn;
    const [name, rev] = ref.split(':');
    if (rev !== undefined) return definitions.find((d) => d.name === name && d.revision === Number(rev));
    return definitions.filter((d) => d.name === name && d.status === 'ACTIVE').at(-1);
  };

  const mergeEnv = (base: KeyValue[], overrides: KeyValue[]): KeyValue[] => {
    const merged = new Map(base.map((e) => [e.name, e.value]));
    for (const e of overrides) merged.set(e.name, e.value);
    return [...merged].map(([name, value]) => ({ name, value }));
  };

  return {
    service: 'batch',
    state: () => ({
      jobQueues: [...queues.values()].map((q) => ({ jobQueueName: q.name, jobQueueArn: q.arn })),
      jobDefinitions: definitions.map(jobDefinitionOutput),
      jobs: [...jobs.values()].map(jobOutput),
    }),
    shutdown: () => runner.shutdown(jobs.values()),
    operations: {
      RegisterJobDefinition: (raw) => {
        const req = typed<RegisterJobDefinitionRequest>(raw);
        const name = req.jobDefinitionName!;
        const revision = definitions.filter((d) => d.name === name).length + 1;
        const props = req.containerProperties;
        requireExecutionRole(props?.secrets, props?.executionRoleArn, 'ClientException');
        const d: JobDefinitionRecord = {
          name,
          revision,
          arn: arn('job-definition', `${name}:${revision}`),
          status: 'ACTIVE',
          raw,
          command: props?.command ?? [],
          environment: (props?.environment ?? []).map((e) => ({ name: e.name ?? '', value: e.value ?? '' })),
          secrets: (props?.secrets ?? []).map((s) => ({ name: s.name ?? '', valueFrom: s.valueFrom ?? '' })),
          image: props?.image ?? '',
          parameters: req.parameters ?? {},
          attempts: req.retryStrategy?.attempts ?? 1,
        };
        definitions.push(d);
        return { jobDefinitionName: name, jobDefinitionArn: d.arn, revision };
      },
      DeregisterJobDefinition: (raw) => {
        const ref = String(raw.jobDefinition ?? '');
        const d = findDefinition(ref);
        if (!d) throw clientError(`JobDefinition ${ref} does not exist`);
        d.status = 'INACTIVE';
        return {};
      },
      DescribeJobDefinitions: (raw) => {
        const req = typed<DescribeJobDefinitionsRequest>(raw);
        const list = definitions.filter(
          (d) =>
            (!req.jobDefinitions?.length ||
              req.jobDefinitions.some(
                (r) => r === d.arn || r === `${d.name}:${d.revision}` || r === d.name,
              )) &&
            (!req.jobDefinitionName || d.name === req.jobDefinitionName) &&
            (!req.status || d.status === req.status),
        );
        const start = parseOffsetToken(req.nextToken, 'ClientException');
        const size = req.maxResults ?? ctx.config.pageSizes.list;
        const out: JsonObject = { jobDefinitions: list.slice(start, start + size).map(jobDefinitionOutput) };
        if (start + size < list.length) out.nextToken = offsetToken(start + size);
        return out;
      },
      CreateJobQueue: (raw) => {
        const req = typed<CreateJobQueueRequest>(raw);
        if (queues.has(req.jobQueueName!)) throw clientError(`Object already exists: ${req.jobQueueName}`);
        const q = addQueue(req.jobQueueName!, raw);
        return { jobQueueName: q.name, jobQueueArn: q.arn };
      },
      DescribeJobQueues: (raw) => {
        const req = typed<DescribeJobQueuesRequest>(raw);
        const list = [...queues.values()].filter(
          (q) => !req.jobQueues?.length || req.jobQueues.some((r) => r === q.name || r === q.arn),
        );
        return {
          jobQueues: list.map((q) => ({
            state: 'ENABLED',
            ...q.raw,
            jobQueueName: q.name,
            jobQueueArn: q.arn,
            status: 'VALID',
            statusReason: 'JobQueue Healthy',
          })),
        };
      },
      SubmitJob: (raw) => {
        const req = typed<SubmitJobRequest>(raw);
        const queue = findQueue(req.jobQueue!);
        if (!queue) throw clientError(`Job Queue ${req.jobQueue} does not exist`);
        const definition = findDefinition(req.jobDefinition!);
        if (definition?.status !== 'ACTIVE') {
          throw clientError(`Job definition ${req.jobDefinition} does not exist or is not ACTIVE`);
        }
        for (const dep of req.dependsOn ?? []) {
          if (dep.jobId && !jobs.has(dep.jobId))
            throw clientError(`Dependent job ${dep.jobId} does not exist`);
        }
        const id = uuid();
        const parameters = { ...definition.parameters, ...(req.parameters ?? {}) };
        const overrides = req.containerOverrides;
        const job: JobRecord = {
          id,
          name: req.jobName!,
          arn: arn('job', id),
          queue,
          definition,
          status: 'SUBMITTED',
          createdAt: ctx.config.now(),
          command: substituteParameters(overrides?.command ?? definition.command, parameters),
          environment: mergeEnv(
            definition.environment,
            (overrides?.environment ?? []).map((e) => ({ name: e.name ?? '', value: e.value ?? '' })),
          ),
          resourceRequirements: resourcesOf(definition, overrides?.resourceRequirements),
          parameters,
          dependsOn: (req.dependsOn ?? []).map((d) => d.jobId ?? '').filter(Boolean),
          tags: req.tags ?? {},
          attempts: [],
        };
        jobs.set(id, job);
        runner.start(job);
        return { jobArn: job.arn, jobName: job.name, jobId: id };
      },
      DescribeJobs: (raw) => {
        const ids = typed<DescribeJobsRequest>(raw).jobs ?? [];
        if (ids.length > 100) throw clientError('Too many jobs requested: the maximum is 100');
        const found = ids.map((ref) => jobs.get(ref) ?? [...jobs.values()].find((j) => j.arn === ref));
        return { jobs: found.filter((j): j is JobRecord => j !== undefined).map(jobOutput) };
      },
      TerminateJob: (raw) => {
        const req = typed<TerminateJobRequest>(raw);
        const job = jobs.get(req.jobId!);
        if (!job) throw clientError(`Job ${req.jobId} does not exist`);
        runner.terminate(job, req.reason!);
        return {};
      },
      CancelJob: (raw) => {
        const req = typed<CancelJobRequest>(raw);
        const job = jobs.get(req.jobId!);
        if (!job) throw clientError(`Job ${req.jobId} does not exist`);
        // Like Batch: only jobs that have not reached STARTING are cancelled.
        if (['SUBMITTED', 'PENDING', 'RUNNABLE'].includes(job.status)) runner.fail(job, req.reason!);
        return {};
      },
      ListJobs: (raw) => {
        const req = typed<ListJobsRequest>(raw);
        const queue = req.jobQueue ? findQueue(req.jobQueue) : undefined;
        if (req.jobQueue && !queue) throw clientError(`Job Queue ${req.jobQueue} does not exist`);
        const filters = req.filters ?? [];
        const byFilter = (j: JobRecord) =>
          filters.every((f) => {
            const value = f.values?.[0] ?? '';
            if (f.name === 'JOB_NAME')
              return value.endsWith('*') ? j.name.startsWith(value.slice(0, -1)) : j.name === value;
            if (f.name === 'JOB_DEFINITION')
              return [
                j.definition.arn,
                j.definition.name,
                `${j.definition.name}:${j.definition.revision}`,
              ].includes(value);
            if (f.name === 'AFTER_CREATED_AT') return j.createdAt > Number(value);
            if (f.name === 'BEFORE_CREATED_AT') return j.createdAt < Number(value);
            throw clientError(`Unsupported filter name ${f.name}`);
          });
        // With filters Batch ignores jobStatus; without either it lists RUNNING jobs only.
        const status = filters.length ? undefined : (req.jobStatus ?? 'RUNNING');
        const list = [...jobs.values()]
          .filter((j) => (!queue || j.queue === queue) && (!status || j.status === status) && byFilter(j))
          .sort((a, b) => b.createdAt - a.createdAt);
        const start = parseOffsetToken(req.nextToken, 'ClientException');
        const size = req.maxResults ?? ctx.config.pageSizes.list;
        const out: JsonObject = { jobSummaryList: list.slice(start, start + size).map(jobSummary) };
        if (start + size < list.length) out.nextToken = offsetToken(start + size);
        return out;
      },
    },
  };
}

/** The definition's resource requirements, each type replaced by the override of that type, if any. */
function resourcesOf(
  definition: JobDefinitionRecord,
  overrides: { type?: string; value?: string }[] | undefined,
): { type: string; value: string }[] {
  const props = definition.raw.containerProperties as { resourceRequirements?: unknown } | undefined;
  const byType = new Map<string, string>();
  for (const r of [...((props?.resourceRequirements ?? []) as typeof overrides & {}), ...(overrides ?? [])])
    if (r.type && r.value) byType.set(r.type, r.value);
  return [...byType].map(([type, value]) => ({ type, value }));
}
