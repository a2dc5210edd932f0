import { createHmac, timingSafeEqual } from 'node:crypto';

const PREFIX = 'sdt_';

/**
 * The token a job gets as SUNDIAL_TASK_TOKEN: its task id and an HMAC-SHA256
 * of it under the server's secret. Stateless (nothing stored per task, any
 * replica can check it); it proves only which task it was issued to, and the
 * API refuses it once that task has ended.
 *
 * @example
 * const token = taskToken(secret, taskId);
 * taskIdOfToken(secret, token); // taskId
 */
export function taskToken(secret: string, taskId: string): string {
  return `${PREFIX}${taskId}.${mac(secret, taskId)}`;
}

/** The task a task token was issued to, or undefined when it is not one of ours. */
export function taskIdOfToken(secret: string, token: string): string | undefined {
  if (!token.startsWith(PREFIX)) return undefined;
  const [taskId, given] = token.slice(PREFIX.length).split('.');
  if (!taskId || !given) return undefined;
  const expected = Buffer.from(mac(secret, taskId));
  const actual = Buffer.from(given);
  return actual.length === expected.length && timingSafeEqual(actual, expected) ? taskId : undefined;
}

export const isTaskToken = (token: string) => token.startsWith(PREFIX);

function mac(secret: string, taskId: string): string {
  return createHmac('sha256', secret).update(`task:${taskId}`).digest('base64url');
}
