import { Cron } from 'croner';
import type { CronSchedule, ProcessSchedule } from './types.js';
import type { FieldProblem } from './validation-error.js';

/**
 * Quartz-style six-field pattern (seconds fixed at 0). Numeric weekdays follow
 * Quartz as the original Sundial did: 1 = Sunday … 7 = Saturday.
 *
 * @example
 * cronPattern({ minutes: '0', hours: '22', day_of_month: '*', month: '*', day_of_week: '?' }) // '0 0 22 * * ?'
 */
export function cronPattern(c: CronSchedule): string {
  return `0 ${c.minutes} ${c.hours} ${c.day_of_month} ${c.month} ${c.day_of_week}`;
}

function cronOf(c: CronSchedule): Cron {
  return new Cron(cronPattern(c), {
    timezone: c.time_zone ?? 'UTC',
    alternativeWeekdays: true,
    paused: true,
  });
}

/** Problems with a cron schedule: bad fields, an unknown time zone, or no future firing. */
export function checkCron(c: CronSchedule, now: Date, at = 'schedule.cron_schedule'): FieldProblem[] {
  if (c.time_zone !== undefined && !isTimeZone(c.time_zone)) {
    return [{ field: `${at}.time_zone`, problem: `unknown IANA time zone '${c.time_zone}'` }];
  }
  let next: Date | null;
  try {
    next = cronOf(c).nextRun(now);
  } catch (e) {
    return [{ field: at, problem: `invalid cron expression '${cronPattern(c)}': ${(e as Error).message}` }];
  }
  if (!next) return [{ field: at, problem: `cron expression '${cronPattern(c)}' never fires again` }];
  return [];
}

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/**
 * When a schedule is next due, given the start of the last run (or, for a
 * definition that never ran, its creation time). A result in the past means
 * "due now": missed runs are not backfilled, the caller fires once.
 *
 * @example
 * nextDueAt({ continuous_schedule: { buffer_seconds: 60 } }, new Date('2026-01-01T00:00:00Z'))
 * // 2026-01-01T00:01:00Z
 */
export function nextDueAt(schedule: ProcessSchedule, since: Date): Date | null {
  if ('continuous_schedule' in schedule) {
    return new Date(since.getTime() + (schedule.continuous_schedule.buffer_seconds ?? 0) * 1000);
  }
  return cronOf(schedule.cron_schedule).nextRun(since);
}
