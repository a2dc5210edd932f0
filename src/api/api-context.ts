import type { LiveLogs } from '../logs/live-logs.js';
import type { Database } from '../storage/database.js';

/**
 * What route plugins need: the database, a way to wake the scheduler
 * (in this process directly, and other replicas through NOTIFY), and the
 * task logs (the one write path for lines, and the feed readers wait on).
 */
export interface ApiContext {
  db: Database;
  auth: AuthSettings;
  logs: LiveLogs;
  wake(payload: 'tick' | `process:${string}`): void;
  /** True once this replica is shutting down (readiness fails first, so a load balancer moves on). */
  shuttingDown?: () => boolean;
  /** ECS tasks run on Fargate: definitions whose docker_image_command cannot are refused. */
  ecsFargate?: boolean;
}

/**
 * Whether requests must authenticate, and the key task tokens are signed with.
 *
 * @example
 * const auth: AuthSettings = { enabled: true, taskTokenKey: '…', sessionKey: '…', rateLimitPerMinute: 1200 };
 */
export interface AuthSettings {
  enabled: boolean;
  taskTokenKey: string;
  /** Key the web UI's session cookies are signed with. */
  sessionKey: string;
  /** Requests a minute one caller may make while auth is on (0: unlimited). */
  rateLimitPerMinute: number;
}
