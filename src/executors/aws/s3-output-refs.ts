import type { LogStreamRef } from '../../logs/log-stream-ref.js';

/**
 * The stdout and stderr objects (`<dir>/{stdout,stderr}.gz`) a Spark job's
 * output is uploaded to under an S3 log URI: EMR steps and EMR Serverless
 * drivers both write there, each under its own `dir`.
 *
 * @example
 * s3OutputRefs('us-east-1', 's3://logs/emr/', 'j-1/steps/s-2')
 * // [{ kind: 's3', region: 'us-east-1', bucket: 'logs', key: 'emr/j-1/steps/s-2/stdout.gz', source: 'emr-stdout' }, …]
 */
export function s3OutputRefs(region: string, logUri: string, dir: string): LogStreamRef[] {
  const match = /^s3[an]?:\/\/([^/]+)\/?(.*)$/.exec(logUri);
  if (!match) return [];
  const prefix = match[2]!.replace(/\/+$/, '');
  const base = `${prefix ? `${prefix}/` : ''}${dir}`;
  return (['stdout', 'stderr'] as const).map((file) => ({
    kind: 's3',
    region,
    bucket: match[1]!,
    key: `${base}/${file}.gz`,
    source: `emr-${file}`,
  }));
}
