import { m000001 } from './000001-initial.js';

export interface Migration {
  id: number;
  statements: readonly string[];
}

/** Every migration in order; append only. */
export const migrations: readonly Migration[] = [{ id: 1, statements: m000001 }];
