import type { LiveLogs } from '../logs/live-logs.js';
import type { Database } from '../storage/database.js';

/**
 * What route plugins need: the database, a way to wake the scheduler
 * (in this process directly, and other replicas through NOTIFY), and the
 * task logs (the one write path for lines, and the feed readers wait on).
 */
export interface ApiContext {
  db: Database;
  logs: LiveLogs;
  wake(payload: 'tick' | `process:${string}`): void;
}
