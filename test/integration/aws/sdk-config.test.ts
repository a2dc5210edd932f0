import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AwsEmulator } from '../../../src/aws-emulator/index.js';
import { Harness } from '../../helpers/harness.js';
import { awsTask, startEmulator } from './aws-world.js';

/** Only environment variables, as on a real host: the SDK resolves endpoint, region and credentials. */
describe('AWS configuration by SDK conventions', () => {
  let emulator: AwsEmulator;
  let h: Harness;
  const saved = { ...process.env };

  beforeAll(async () => {
    emulator = await startEmulator();
    Object.assign(process.env, {
      AWS_ENDPOINT_URL: 'http://127.0.0.1:9', // nothing listens here: only the service-specific ones work
      AWS_ENDPOINT_URL_BATCH: emulator.url,
      AWS_ENDPOINT_URL_ECS: emulator.url,
      AWS_REGION: 'eu-west-1',
      AWS_ACCESS_KEY_ID: 'from-env',
      AWS_SECRET_ACCESS_KEY: 'from-env',
      SUNDIAL_BATCH_JOB_QUEUE: 'default',
      SUNDIAL_ECS_CLUSTER: 'default',
      SUNDIAL_AWS_POLL_MS: '300',
      SUNDIAL_AWS_FAST_POLL_MS: '100',
    });
    h = await Harness.start(); // no aws options: everything from the environment
  });
  afterAll(async () => {
    await h?.close();
    await emulator?.stop();
    process.env = saved;
  });

  it('runs Batch and ECS jobs through the endpoints, region, credentials and settings of the environment', async () => {
    const image = { image: 'etl', tag: '1', command: ['sundial-job'], memory: 256 };
    await h.put({
      process_definition_name: 'from-env',
      task_definitions: [
        awsTask('batch', { batch_image_command: image }),
        awsTask('ecs', { docker_image_command: image }),
      ],
    });
    const run = await h.triggerAndWait('from-env');
    expect(run.task.map((t) => t.status)).toEqual(['succeeded', 'succeeded']);
    expect(emulator.count('batch', 'SubmitJob')).toBe(1);
    expect(emulator.count('ecs', 'RunTask')).toBe(1);
  });
});
