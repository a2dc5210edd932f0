import { m000001 } from './000001-initial.js';
import { m000002 } from './000002-live-logs.js';
import { m000003 } from './000003-notification-outbox.js';
import { m000004 } from './000004-auth.js';
import { m000005 } from './000005-scheduled-run-once.js';
import { m000006 } from './000006-lease-fence.js';

export interface Migration {
  id: number;
  statements: readonly string[];
}

/** Every migration in order; append only. */
export const migrations: readonly Migration[] = [
  { id: 1, statements: m000001 },
  { id: 2, statements: m000002 },
  { id: 3, statements: m000003 },
  { id: 4, statements: m000004 },
  { id: 5, statements: m000005 },
  { id: 6, statements: m000006 },
];
