import type { LogStreamRef } from '../log-stream-ref.js';
import type { TaskLogWriter } from '../task-log-writer.js';

/**
 * Says in a task's log (a scheduler line, with the AWS error and request id) why one of its
 * remote logs cannot be read: once per run of one error, so a long throttling spell is one line.
 *
 * @example
 * const trouble = new ReadTrouble(writer, taskId);
 * await trouble.note(`AWS throttles reading ${describe(ref)}; backing off`, err);
 * trouble.clear(); // a read succeeded
 */
export class ReadTrouble {
  private noted: string | undefined;

  constructor(
    private readonly writer: TaskLogWriter,
    private readonly taskId: string,
  ) {}

  /** A read succeeded: the next error is news again. */
  clear(): void {
    this.noted = undefined;
  }

  async note(what: string, err: unknown): Promise<void> {
    const e = err as Error & { $metadata?: { requestId?: string } };
    if (this.noted === e.name) return;
    this.noted = e.name;
    const requestId = e.$metadata?.requestId ? ` (AWS request id ${e.$metadata.requestId})` : '';
    const message = `${what}: ${e.name}: ${e.message}${requestId}`;
    await this.writer
      .append(this.taskId, [{ at: new Date(), source: 'scheduler', message, keep: true }])
      .catch(() => {});
  }
}

/** For scheduler lines: which log could not be read. */
export function describe(ref: LogStreamRef): string {
  return ref.kind === 'cloudwatch'
    ? `CloudWatch stream ${ref.group}/${ref.stream}`
    : `s3://${ref.bucket}/${ref.key}`;
}
