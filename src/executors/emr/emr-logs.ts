import type { EmrCommand } from '../../domain/types.js';
import type { LogStreamRef } from '../../logs/log-stream-ref.js';
import { s3OutputRefs } from '../aws/s3-output-refs.js';

/**
 * Where EMR puts a step's output: `<LogUri>/<cluster-id>/steps/<step-id>/{stdout,stderr}.gz`,
 * uploaded every few minutes while the step runs and once at its end.
 *
 * @example
 * stepLogRefs('us-east-1', 's3://logs/emr/', 'j-1', 's-2')
 * // [{ kind: 's3', region: 'us-east-1', bucket: 'logs', key: 'emr/j-1/steps/s-2/stdout.gz', source: 'emr-stdout' }, …]
 */
export function stepLogRefs(
  region: string,
  logUri: string,
  clusterId: string,
  stepId: string,
): LogStreamRef[] {
  return s3OutputRefs(region, logUri, `${clusterId}/steps/${stepId}`);
}

/** The CloudWatch stream a job writes to itself (`s3_log_details`, named so by the original API). */
export function liveLogRef(region: string, cmd: EmrCommand): LogStreamRef | undefined {
  const d = cmd.s3_log_details;
  return d
    ? { kind: 'cloudwatch', region, group: d.log_group_name, stream: d.log_stream_name, source: 'cloudwatch' }
    : undefined;
}
