import { join } from 'node:path';
import type { Command } from 'commander';
import { packageRoot } from '../version.js';

/**
 * `sundial aws-emulator --port N`: a local EMR/Batch/ECS/Logs/S3 endpoint for trying the AWS
 * executors (point Sundial at it with AWS_ENDPOINT_URL).
 *
 * @example
 * registerAwsEmulatorCommand(program); // sundial aws-emulator --port 4566 --extra-path ./bin
 */
export function registerAwsEmulatorCommand(program: Command): void {
  program
    .command('aws-emulator')
    .description(
      'run a local AWS emulator (EMR, Batch, ECS, CloudWatch Logs, S3) for trying the AWS executors',
    )
    .option('--port <port>', 'TCP port', '4566')
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--transition-ms <ms>', 'delay between lifecycle states')
    .option('--log-upload-ms <ms>', 'how often running EMR steps upload their logs to S3')
    .option(
      '--extra-path <dir...>',
      "directories put first on PATH for jobs (default: the package's aws-stand-ins: spark-submit, s3-dist-cp, sundial-job)",
    )
    .option('--verbose', 'log every request and lifecycle event')
    .action(async (o) => {
      const { runAwsEmulatorCli } = await import('../aws-emulator/index.js');
      const argv = ['--port', o.port, '--host', o.host];
      if (o.transitionMs) argv.push('--transition-ms', o.transitionMs);
      if (o.logUploadMs) argv.push('--log-upload-ms', o.logUploadMs);
      const root = packageRoot();
      for (const dir of o.extraPath ?? (root ? [join(root, 'aws-stand-ins')] : []))
        argv.push('--extra-path', dir);
      if (o.verbose) argv.push('--verbose');
      await runAwsEmulatorCli(argv);
    });
}
