import { randomBytes } from 'node:crypto';
import type {
  CreateApplicationRequest,
  ListJobRunsRequest,
  StartJobRunRequest,
} from '@aws-sdk/client-emr-serverless';
import { AwsError } from '../aws-error.js';
import { type EmulatorContext, type JsonService, typed } from '../context.js';
import {
  type ApplicationRecord,
  applicationOutput,
  type JobRunRecord,
  jobRunOutput,
  jobRunSummary,
} from './job-run-records.js';
import { JobRunRunner } from './job-run-runner.js';

/** EMR Serverless ids: 16 lower-case alphanumerics (`00fabcdexyz12345`). */
function serverlessId(): string {
  const chars = 'abcdefghijklmnopqrstuvwxyz0123456789';
  return `00f${[...randomBytes(13)].map((b) => chars[b % chars.length]).join('')}`;
}

const notFound = (message: string) => new AwsError('ResourceNotFoundException', message, 404);

/**
 * EMR Serverless (REST-JSON: `POST /applications/{id}/jobruns`, `GET …/jobruns/{runId}`…):
 * applications, and Spark job runs on them. A client token makes StartJobRun and
 * CreateApplication idempotent, as on AWS: the same token answers the same resource.
 */
export function createEmrServerlessService(ctx: EmulatorContext): JsonService {
  const { region, accountId } = ctx.config;
  const applications = new Map<string, ApplicationRecord>();
  const runs = new Map<string, JobRunRecord>();
  const runner = new JobRunRunner(ctx);

  const application = (id: string) => {
    const app = applications.get(id);
    if (!app) throw notFound(`Application ${id} does not exist`);
    return app;
  };
  const jobRun = (appId: string, runId: string) => {
    const run = runs.get(runId);
    if (!run || run.applicationId !== appId) throw notFound(`Job run ${runId} does not exist`);
    return run;
  };

  return {
    service: 'emr-serverless',
    state: () => ({
      applications: [...applications.values()].map(applicationOutput),
      jobRuns: [...runs.values()].map(jobRunOutput),
    }),
    shutdown: () => runner.shutdown(runs.values()),
    operations: {
      CreateApplication: (raw) => {
        const req = typed<CreateApplicationRequest>(raw);
        const same = [...applications.values()].find((a) => a.clientToken === req.clientToken);
        if (same) return { applicationId: same.id, name: same.name, arn: same.arn };
        const id = serverlessId();
        const app: ApplicationRecord = {
          id,
          ...(req.name !== undefined && { name: req.name }),
          arn: `arn:aws:emr-serverless:${region}:${accountId}:/applications/${id}`,
          releaseLabel: req.releaseLabel!,
          type: req.type!,
          state: 'CREATED',
          createdAt: Date.now(),
          clientToken: req.clientToken!,
        };
        applications.set(id, app);
        return { applicationId: id, ...(app.name !== undefined && { name: app.name }), arn: app.arn };
      },
      GetApplication: (raw) => ({ application: applicationOutput(application(String(raw.applicationId))) }),
      StartJobRun: (raw) => {
        const req = typed<StartJobRunRequest>(raw);
        const app = application(req.applicationId!);
        const same = [...runs.values()].find(
          (r) => r.applicationId === app.id && r.clientToken === req.clientToken,
        );
        if (same) return { applicationId: app.id, jobRunId: same.id, arn: same.arn };
        // Auto-start: the first job run starts a created application.
        app.state = 'STARTED';
        const id = serverlessId();
        const now = ctx.config.now();
        const { applicationId: _a, clientToken: _c, executionRoleArn: _e, name: _n, ...request } = raw;
        const run: JobRunRecord = {
          applicationId: app.id,
          id,
          arn: `${app.arn}/jobruns/${id}`,
          ...(req.name !== undefined && { name: req.name }),
          clientToken: req.clientToken!,
          executionRole: req.executionRoleArn!,
          releaseLabel: app.releaseLabel,
          state: 'SUBMITTED',
          stateDetails: '',
          createdAt: now,
          updatedAt: now,
          request,
          stdout: [],
          stderr: [],
        };
        runs.set(id, run);
        runner.start(run);
        return { applicationId: app.id, jobRunId: id, arn: run.arn };
      },
      GetJobRun: (raw) => ({
        jobRun: jobRunOutput(jobRun(String(raw.applicationId), String(raw.jobRunId))),
      }),
      CancelJobRun: (raw) => {
        const run = jobRun(String(raw.applicationId), String(raw.jobRunId));
        runner.cancel(run);
        return { applicationId: run.applicationId, jobRunId: run.id };
      },
      ListJobRuns: (raw) => {
        const req = typed<ListJobRunsRequest>(raw);
        application(req.applicationId!);
        const after = req.createdAtAfter ? new Date(req.createdAtAfter).getTime() : 0;
        const states = req.states ?? [];
        const all = [...runs.values()]
          .filter((r) => r.applicationId === req.applicationId && r.createdAt >= after)
          .filter((r) => states.length === 0 || states.includes(r.state))
          .reverse(); // newest first, as AWS lists them
        const start = req.nextToken ? Number(req.nextToken) : 0;
        const size = req.maxResults ?? 50;
        const page = all.slice(start, start + size);
        return {
          jobRuns: page.map(jobRunSummary),
          ...(start + size < all.length && { nextToken: String(start + size) }),
        };
      },
    },
  };
}
