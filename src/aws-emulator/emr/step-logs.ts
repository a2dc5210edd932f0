import { gzipSync } from 'node:zlib';
import type { S3Store } from '../s3/s3-store.js';
import { parseS3Uri } from '../s3/s3-store.js';
import type { ClusterRecord, StepRecord } from './emr-records.js';

/**
 * EMR copies step logs to `<LogUri>/<cluster-id>/steps/<step-id>/{controller,stdout,stderr}.gz`
 * every few minutes while a step runs and once more at the end. Same layout here, written
 * straight into the emulator's S3 store so GetObject sees them.
 */
export function stepLogKey(
  cluster: ClusterRecord,
  step: StepRecord,
  file: string,
): { bucket: string; key: string } | undefined {
  const uri = cluster.logUri ? parseS3Uri(cluster.logUri) : undefined;
  if (!uri) return undefined;
  const base = uri.prefix ? `${uri.prefix}/` : '';
  return { bucket: uri.bucket, key: `${base}${cluster.id}/steps/${step.id}/${file}` };
}

/** The S3 URI of a step's log file, as given in FailureDetails.LogFile. */
export function stepLogUri(cluster: ClusterRecord, step: StepRecord, file: string): string | undefined {
  const loc = stepLogKey(cluster, step, file);
  return loc ? `s3://${loc.bucket}/${loc.key}` : undefined;
}

export function controllerLog(step: StepRecord, command: string[], exitCode?: number): string {
  const lines = [
    `${new Date(step.started ?? Date.now()).toISOString()} INFO StepRunner: startExec '${command.join(' ')}'`,
    `INFO Environment: EMR_STEP_ID=${step.id}`,
  ];
  if (exitCode !== undefined) {
    lines.push(
      `${new Date().toISOString()} INFO StepRunner: Step ${step.id} ended with exitCode ${exitCode}`,
    );
  }
  return `${lines.join('\n')}\n`;
}

export function uploadStepLogs(
  s3: S3Store,
  cluster: ClusterRecord,
  step: StepRecord,
  controller: string,
): void {
  const files: [string, Buffer][] = [
    ['stdout.gz', Buffer.concat(step.stdout)],
    ['stderr.gz', Buffer.concat(step.stderr)],
    ['controller.gz', Buffer.from(controller)],
  ];
  for (const [file, content] of files) {
    const loc = stepLogKey(cluster, step, file);
    if (loc) s3.put(loc.bucket, loc.key, gzipSync(content), { contentType: 'application/octet-stream' });
  }
}
