import type { Database } from '../storage/database.js';

/**
 * What route plugins need: the database and a way to wake the scheduler
 * (in this process directly, and other replicas through NOTIFY).
 */
export interface ApiContext {
  db: Database;
  wake(payload: 'tick' | `process:${string}`): void;
}
