/**
 * Log sources: shell output (`stdout`, `stderr`), scheduler events, CloudWatch streams of AWS jobs
 * (`cloudwatch`), EMR step logs in S3 (`emr-stdout`, `emr-stderr`), or what a job names itself.
 */
export type LogSource =
  | 'stdout'
  | 'stderr'
  | 'scheduler'
  | 'cloudwatch'
  | 'emr-stdout'
  | 'emr-stderr'
  | (string & {});

/**
 * A remote log an executor learned about, for the log tailers to follow.
 *
 * @example
 * const ref: LogStreamRef = { kind: 'cloudwatch', region: 'us-east-1', group: '/aws/batch/job', stream: 'x/default/abc', source: 'cloudwatch' };
 */
export type LogStreamRef =
  | { kind: 'cloudwatch'; region: string; group: string; stream: string; source: LogSource }
  | { kind: 's3'; region: string; bucket: string; key: string; source: LogSource };
