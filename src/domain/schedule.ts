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

/** Each field alone inside an otherwise valid pattern, with what Quartz allows there. */
const CRON_FIELDS: readonly [keyof CronSchedule, (v: string) => string, string][] = [
  ['minutes', (v) => `0 ${v} 0 * * ?`, '0-59'],
  ['hours', (v) => `0 0 ${v} * * ?`, '0-23'],
  ['day_of_month', (v) => `0 0 0 ${v} * ?`, '1-31, L, W or ?'],
  ['month', (v) => `0 0 0 1 ${v} ?`, '1-12 or JAN-DEC'],
  ['day_of_week', (v) => `0 0 0 ? * ${v}`, '1-7 (1 = Sunday) or SUN-SAT, with L, # or ?'],
];

const restricted = (field: string) => field !== '*' && field !== '?';

/**
 * Problems with a cron schedule, each naming its field: a bad field, both
 * day fields restricted (Quartz wants one to be `?`), an unknown time zone,
 * or no future firing.
 */
export function checkCron(c: CronSchedule, now: Date, at = 'schedule.cron_schedule'): FieldProblem[] {
  if (c.time_zone !== undefined && !isTimeZone(c.time_zone)) {
    return [{ field: `${at}.time_zone`, problem: `unknown IANA time zone '${c.time_zone}'` }];
  }
  const problems: FieldProblem[] = [];
  for (const [field, alone, allowed] of CRON_FIELDS) {
    const value = c[field] as string;
    if (!isCronField(alone(value)) || (field === 'day_of_week' && !quartzWeekdays(value))) {
      problems.push({ field: `${at}.${field}`, problem: `invalid value '${value}' (allowed: ${allowed})` });
    }
  }
  if (problems.length === 0 && restricted(c.day_of_month) && restricted(c.day_of_week)) {
    problems.push({
      field: `${at}.day_of_week`,
      problem: `'${c.day_of_week}' cannot be combined with day_of_month '${c.day_of_month}'; set one of them to '?'`,
    });
  }
  if (problems.length > 0) return problems;
  if (!cronOf(c).nextRun(now)) {
    return [{ field: at, problem: `cron expression '${cronPattern(c)}' never fires again` }];
  }
  return [];
}

function isCronField(pattern: string): boolean {
  try {
    new Cron(pattern, { alternativeWeekdays: true, paused: true });
    return true;
  } catch {
    return false;
  }
}

/** Croner maps weekday 8 onto Sunday; Quartz allows only 1-7 (ignoring `#n` and `/step` suffixes). */
function quartzWeekdays(field: string): boolean {
  const weekdays = field.replace(/[#/]\d+/g, '').match(/\d+/g) ?? [];
  return weekdays.every((d) => Number(d) >= 1 && Number(d) <= 7);
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
