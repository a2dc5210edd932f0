import { Cron } from 'croner';
import type { LastDayOffset } from './quartz-fields.js';

interface TimeOfDay {
  minutes: string;
  hours: string;
  month: string;
  timezone: string;
}

/** How far ahead to look: eight years hold a leap year, so every possible month comes round. */
const MONTHS_AHEAD = 12 * 8;

/**
 * The next firing of a Quartz `L-n` (or `L-nW`) day of month, which croner
 * has no syntax for: each month that the month field allows is given its
 * concrete day (the last day less n, moved to the nearest weekday for `W`),
 * and croner finds the time on that day, with its usual DST rules.
 *
 * @example
 * // 10:15 two days before the month's last day (Quartz `0 15 10 L-2 * ?`)
 * lastDayOffsetRun({ minutes: '15', hours: '10', month: '*', timezone: 'UTC' },
 *   { daysBefore: 2, nearestWeekday: false }, new Date('2026-02-01T00:00:00Z')) // 2026-02-26T10:15Z
 */
export function lastDayOffsetRun(s: TimeOfDay, offset: LastDayOffset, since: Date): Date | null {
  let { year, month } = localYearMonth(since, s.timezone);
  const months = new Cron(`0 0 0 1 ${s.month} *`, { timezone: 'UTC', paused: true });
  for (let i = 0; i < MONTHS_AHEAD; i++) {
    if (months.match(new Date(Date.UTC(year, month - 1, 1)))) {
      let day = daysIn(year, month) - offset.daysBefore;
      if (offset.nearestWeekday) day = nearestWeekday(year, month, day);
      if (day >= 1) {
        const pattern = `0 ${s.minutes} ${s.hours} ${day} ${month} * ${year}`;
        const next = new Cron(pattern, { timezone: s.timezone, paused: true }).nextRun(since);
        if (next) return next;
      }
    }
    month = (month % 12) + 1;
    if (month === 1) year++;
  }
  return null;
}

function daysIn(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** Quartz's W: a Saturday moves to Friday, a Sunday to Monday, never out of the month. */
function nearestWeekday(year: number, month: number, day: number): number {
  if (day < 1) return day;
  const weekday = new Date(Date.UTC(year, month - 1, day)).getUTCDay();
  if (weekday === 6) return day === 1 ? day + 2 : day - 1;
  if (weekday === 0) return day === daysIn(year, month) ? day - 2 : day + 1;
  return day;
}

function localYearMonth(at: Date, timeZone: string): { year: number; month: number } {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    year: 'numeric',
    month: 'numeric',
  }).formatToParts(at);
  const part = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  return { year: part('year'), month: part('month') };
}
