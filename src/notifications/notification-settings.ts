/**
 * How notifications go out. Everything but the SMTP relay has a default
 * that suits production; tests shorten the intervals.
 *
 * @example
 * const settings = { ...DEFAULT_NOTIFICATION_SETTINGS, ...notificationSettingsFromEnv(process.env) };
 */
export interface NotificationSettings {
  /** nodemailer URL of the SMTP relay; without it e-mails are recorded as not sent. */
  smtpUrl?: string;
  /** Sender address of e-mails (default sundial@localhost). */
  smtpFrom?: string;
  /** Longest pause between looks at the outbox (a run's end on this replica wakes the sender at once). */
  pollMs: number;
  /** How long a sender holds a message it is sending; after that another replica may take it over. */
  leaseMs: number;
  /** First retry delay; it doubles with every failed attempt (with jitter), up to `retryMaxMs`. */
  retryBaseMs: number;
  retryMaxMs: number;
  /** A message still failing this long after its run ended is given up (recorded as failed). */
  giveUpAfterMs: number;
}

export const DEFAULT_NOTIFICATION_SETTINGS: NotificationSettings = {
  pollMs: 5_000,
  leaseMs: 60_000,
  retryBaseMs: 5_000,
  retryMaxMs: 10 * 60_000,
  giveUpAfterMs: 24 * 3600_000,
};

/** A send never outlives its lease: otherwise a second sender could take the message over mid-send. */
export function sendTimeoutOf(settings: NotificationSettings): number {
  return Math.min(20_000, Math.floor(settings.leaseMs / 3));
}

/**
 * `SUNDIAL_SMTP_URL`, `SUNDIAL_SMTP_FROM`, and the tuning knobs
 * `SUNDIAL_NOTIFY_POLL_MS`, `SUNDIAL_NOTIFY_LEASE_MS`, `SUNDIAL_NOTIFY_RETRY_BASE_MS`.
 */
export function notificationSettingsFromEnv(env: NodeJS.ProcessEnv): Partial<NotificationSettings> {
  const ms = (name: string) => {
    const value = Number(env[name]);
    return env[name] && Number.isFinite(value) && value > 0 ? value : undefined;
  };
  const pollMs = ms('SUNDIAL_NOTIFY_POLL_MS');
  const leaseMs = ms('SUNDIAL_NOTIFY_LEASE_MS');
  const retryBaseMs = ms('SUNDIAL_NOTIFY_RETRY_BASE_MS');
  return {
    ...(env.SUNDIAL_SMTP_URL && { smtpUrl: env.SUNDIAL_SMTP_URL }),
    ...(env.SUNDIAL_SMTP_FROM && { smtpFrom: env.SUNDIAL_SMTP_FROM }),
    ...(pollMs && { pollMs }),
    ...(leaseMs && { leaseMs }),
    ...(retryBaseMs && { retryBaseMs }),
  };
}

/**
 * The pause before attempt `attempt + 1` after `attempt` failed: exponential
 * with "equal jitter" (half fixed, half random), so replicas that failed
 * together do not retry together.
 *
 * @example
 * retryDelay(3, { retryBaseMs: 1000, retryMaxMs: 60_000 }, () => 0.5); // 3000
 */
export function retryDelay(
  attempt: number,
  settings: Pick<NotificationSettings, 'retryBaseMs' | 'retryMaxMs'>,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(settings.retryMaxMs, settings.retryBaseMs * 2 ** Math.max(0, attempt - 1));
  return ceiling / 2 + (ceiling / 2) * random();
}
