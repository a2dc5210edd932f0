import { describe, expect, it } from 'vitest';
import type { EmrServerlessCommand, ProcessDefinition } from '../../../src/domain/types.js';
import { waitFor } from '../../helpers/harness.js';
import {
  awsTask,
  createServerlessApplication,
  emulatorState,
  metadataOf,
  triggerUntil,
  useAwsWorld,
} from './aws-world.js';
import { plannedInputOfRun } from './planned-request.js';

interface JobRunState {
  jobRunId: string;
  name: string;
  state: string;
  jobDriver: { sparkSubmit: { entryPoint: string; sparkSubmitParameters: string } };
}

let applicationId = '';

const serverless = (args: string[], extra: Partial<EmrServerlessCommand> = {}) => ({
  emr_serverless_command: {
    application_id: applicationId,
    execution_role_arn: 'arn:aws:iam::000000000000:role/emr-serverless-job',
    entry_point: 's3://acme-jobs/etl.jar',
    entry_point_arguments: args,
    spark_submit_parameters: '--class com.acme.Etl',
    s3_log_uri: 's3://acme-logs/serverless/',
    ...extra,
  },
});

describe('emr_serverless_command on EMR Serverless', () => {
  const world = useAwsWorld({
    seed: async (emulator) => {
      applicationId = await createServerlessApplication(emulator);
    },
    sundialOptions: { liveLogs: { graceMs: 300, s3GraceMs: 300 } },
  });
  const jobRuns = () => emulatorState<JobRunState[]>(world.emulator, 'emr-serverless', 'jobRuns');

  it('runs a job run with the Sundial environment, as `sundial plan` shows it; the driver log reaches the task log', async () => {
    const def: ProcessDefinition = {
      process_definition_name: 'sls-ok',
      task_definitions: [awsTask('etl', serverless(['--callback', '--day', '2026-12-01']))],
    };
    await world.h.put(def);
    const run = await world.h.triggerAndWait('sls-ok');
    expect(run.status).toBe('succeeded');
    const task = run.task[0]!;
    expect(metadataOf(task)).toMatchObject({ seen_task_id: task.task_id, seen_sundial_url: world.h.url });
    const mine = jobRuns().filter((r) => r.name.endsWith(task.task_id));
    expect(mine).toHaveLength(1);
    expect(mine[0]!.state).toBe('SUCCESS');
    const input = await plannedInputOfRun(world.h, def, run);
    expect(mine[0]!.jobDriver).toEqual(input.jobDriver);
    expect(input.jobDriver.sparkSubmit.sparkSubmitParameters).toMatch(/^--class com\.acme\.Etl --conf /);
    await waitFor(async () => {
      const t = (await world.h.process(run.process_id)).task[0]!;
      return t.log_entries.some(
        (l) => l.source === 'emr-stdout' && l.message.includes('args --callback --day 2026-12-01'),
      )
        ? t
        : undefined;
    });
  });

  it('fails with EMR Serverless state details', async () => {
    await world.h.put({
      process_definition_name: 'sls-fail',
      task_definitions: [awsTask('etl', serverless(['--exit', '3']))],
    });
    const run = await world.h.triggerAndWait('sls-fail');
    expect(run.status).toBe('failed');
    expect(run.task[0]!.failure_reason).toMatch(/^EMR Serverless job run \w+ FAILED: .*ExitCode: 3/);
    expect(run.task[0]!.failure_reason).toContain('sundial-job exits 3');
  });

  it('cancels the job run when the process is killed', async () => {
    await world.h.put({
      process_definition_name: 'sls-kill',
      task_definitions: [awsTask('etl', serverless(['--sleep', '30']))],
    });
    const run = await triggerUntil(world.h, 'sls-kill', 'running');
    await world.h.request('POST', `/api/processes/${run.process_id}/kill`);
    const ended = await world.h.waitForEnd(run.process_id);
    expect(ended.status).toBe('failed');
    expect(ended.task[0]!.failure_reason).toContain('killed by request');
    const mine = jobRuns().find((r) => r.name.endsWith(ended.task[0]!.task_id))!;
    expect(mine.state).toBe('CANCELLED');
    expect(world.emulator.count('emr-serverless', 'CancelJobRun')).toBe(1);
  });

  it('refuses a definition whose command lacks a field, naming it', async () => {
    const { execution_role_arn: _dropped, ...incomplete } = serverless([]).emr_serverless_command;
    const res = await world.h.request('PUT', '/api/process_definitions/sls-bad', {
      process_definition_name: 'sls-bad',
      task_definitions: [awsTask('etl', { emr_serverless_command: incomplete as EmrServerlessCommand })],
    });
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body)).toContain('execution_role_arn');
  });
});
