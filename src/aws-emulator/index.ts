/**
 * Local AWS emulator for Sundial's executors: EMR, Batch, ECS, CloudWatch Logs and S3 on one
 * HTTP endpoint that the unmodified AWS SDK v3 clients talk to through `endpoint` /
 * `AWS_ENDPOINT_URL`.
 *
 * @example
 * import { startAwsEmulator } from './aws-emulator/index.js';
 * const emulator = await startAwsEmulator({ extraPath: ['test/fixtures/aws-emulator/bin'] });
 * process.env.AWS_ENDPOINT_URL = emulator.url;
 */
export { runAwsEmulatorCli } from './cli.js';
export { type AwsEmulator, startAwsEmulator } from './emulator.js';
export type {
  AwsEmulatorOptions,
  EmulatorPageSizes,
  EmulatorTimings,
  FaultSpec,
  ServiceName,
} from './types.js';
