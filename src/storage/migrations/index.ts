import { m000001 } from './000001-initial.js';
import { m000002 } from './000002-live-logs.js';

export interface Migration {
  id: number;
  statements: readonly string[];
}

/** Every migration in order; append only. */
export const migrations: readonly Migration[] = [
  { id: 1, statements: m000001 },
  { id: 2, statements: m000002 },
];
