import { randomUUID } from 'node:crypto';
import { newApiToken } from '../../../src/api/auth/api-tokens.js';
import { taskToken } from '../../../src/api/auth/task-token.js';
import type { Role } from '../../../src/domain/roles.js';
import type { Database } from '../../../src/storage/database.js';
import { serverSecret } from '../../../src/storage/stores/server-secrets-store.js';
import { insertToken } from '../../../src/storage/stores/tokens-store.js';

/** Stores a new API token with `role` and returns it (as `sundial token create` prints it). */
export async function makeToken(db: Database, role: Role, name = `${role}-${randomUUID().slice(0, 8)}`) {
  const { token, hash, prefix } = newApiToken();
  await insertToken(db, { id: randomUUID(), name, role, hash, prefix, createdBy: 'test' });
  return token;
}

/** The SUNDIAL_TASK_TOKEN the server gives the job of `taskId`. */
export async function taskTokenOf(db: Database, taskId: string): Promise<string> {
  return taskToken(await serverSecret(db, 'task-token-key'), taskId);
}

export const bearer = (token: string | undefined): Record<string, string> =>
  token ? { authorization: `Bearer ${token}` } : {};
