import { Cron } from 'croner';
import { lastDayOffsetRun } from './last-day-offset.js';
import {
  ALLOWED,
  FIELD_RANGES,
  type FieldReading,
  type LastDayOffset,
  readDayOfMonth,
  readDayOfWeek,
  readListField,
} from './quartz-fields.js';
import type { CronSchedule, ProcessSchedule } from './types.js';
import type { FieldProblem } from './validation-error.js';

/**
 * Quartz-style six-field pattern (seconds fixed at 0), as the user wrote it.
 *
 * @example
 * cronPattern({ minutes: '0', hours: '22', day_of_month: '*', month: '*', day_of_week: '?' }) // '0 0 22 * * ?'
 */
export function cronPattern(c: CronSchedule): string {
  return `0 ${c.minutes} ${c.hours} ${c.day_of_month} ${c.month} ${c.day_of_week}`;
}

/** A cron schedule in croner's syntax, plus the `L-n` day croner cannot express. */
interface CronerSchedule {
  minutes: string;
  hours: string;
  day_of_month: string;
  month: string;
  day_of_week: string;
  lastDayOffset?: LastDayOffset;
  timezone: string;
}

type Field = keyof typeof FIELD_RANGES;
const FIELDS: readonly Field[] = ['minutes', 'hours', 'day_of_month', 'month', 'day_of_week'];

function readField(field: Field, value: string): ReturnType<typeof readDayOfMonth> {
  // Quartz reads names and L, W in any case.
  const upper = value.trim().toUpperCase();
  if (field === 'day_of_month') return readDayOfMonth(upper);
  if (field === 'day_of_week') return readDayOfWeek(upper);
  if (upper === '?') return { problem: "'?' is only for day_of_month or day_of_week" };
  return readListField(upper, FIELD_RANGES[field]);
}

/** Translates every field to croner's syntax, or says which fields Quartz would refuse. */
function readCron(c: CronSchedule, at: string): CronerSchedule | FieldProblem[] {
  const problems: FieldProblem[] = [];
  const read: Partial<CronerSchedule> = { timezone: c.time_zone ?? 'UTC' };
  for (const field of FIELDS) {
    const value = c[field];
    const reading = readField(field, value);
    if ('croner' in reading) read[field] = reading.croner;
    else if ('lastDayOffset' in reading) read.lastDayOffset = reading.lastDayOffset;
    else problems.push({ field: `${at}.${field}`, problem: invalidValue(value, reading, field) });
  }
  return problems.length > 0 ? problems : ({ day_of_month: '*', ...read } as CronerSchedule);
}

function invalidValue(value: string, reading: FieldReading, field: Field): string {
  const why = 'problem' in reading && reading.problem ? `: ${reading.problem}` : '';
  return `invalid value '${value}'${why} (allowed: ${ALLOWED[field]})`;
}

/** The next firing strictly after `since`, in the schedule's time zone with croner's DST rules. */
function nextRun(s: CronerSchedule, since: Date): Date | null {
  if (s.lastDayOffset) return lastDayOffsetRun(s, s.lastDayOffset, since);
  const pattern = `0 ${s.minutes} ${s.hours} ${s.day_of_month} ${s.month} ${s.day_of_week}`;
  return new Cron(pattern, { timezone: s.timezone, alternativeWeekdays: true, paused: true }).nextRun(since);
}

const restricted = (field: string) => field.trim() !== '*' && field.trim() !== '?';

/**
 * Problems with a cron schedule, each naming its field: a bad field, both
 * day fields restricted (Quartz wants one to be `?`), an unknown time zone,
 * or no future firing.
 */
export function checkCron(c: CronSchedule, now: Date, at = 'schedule.cron_schedule'): FieldProblem[] {
  if (c.time_zone !== undefined && !isTimeZone(c.time_zone)) {
    return [{ field: `${at}.time_zone`, problem: `unknown IANA time zone '${c.time_zone}'` }];
  }
  const read = readCron(c, at);
  if (Array.isArray(read)) return read;
  if (restricted(c.day_of_month) && restricted(c.day_of_week)) {
    return [
      {
        field: `${at}.day_of_week`,
        problem: `'${c.day_of_week}' cannot be combined with day_of_month '${c.day_of_month}'; set one of them to '?'`,
      },
    ];
  }
  if (!nextRun(read, now)) {
    return [{ field: at, problem: `cron expression '${cronPattern(c)}' never fires again` }];
  }
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
 * "due now": missed runs are not backfilled, the caller fires once. Null when
 * it never fires again (or, for a schedule stored before a rule tightened,
 * can no longer be read).
 *
 * @example
 * nextDueAt({ continuous_schedule: { buffer_seconds: 60 } }, new Date('2026-01-01T00:00:00Z'))
 * // 2026-01-01T00:01:00Z
 */
export function nextDueAt(schedule: ProcessSchedule, since: Date): Date | null {
  if ('continuous_schedule' in schedule) {
    return new Date(since.getTime() + (schedule.continuous_schedule.buffer_seconds ?? 0) * 1000);
  }
  const read = readCron(schedule.cron_schedule, 'schedule.cron_schedule');
  return Array.isArray(read) ? null : nextRun(read, since);
}

/**
 * The next `count` firings of a cron schedule after `from`, for people to
 * check a schedule by eye (`sundial validate --next`).
 *
 * @example
 * nextFireTimes({ minutes: '0/30', hours: '9', day_of_month: '*', month: '*', day_of_week: '?' },
 *   new Date('2026-01-01T00:00:00Z'), 2) // [09:00Z, 09:30Z] on 2026-01-01
 */
export function nextFireTimes(c: CronSchedule, from: Date, count: number): Date[] {
  const times: Date[] = [];
  let at = from;
  while (times.length < count) {
    const next = nextDueAt({ cron_schedule: c }, at);
    if (!next) break;
    times.push(next);
    at = next;
  }
  return times;
}
