import type { CronSchedule, ProcessSchedule } from '../../../src/domain/types.js';

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const unrestricted = (field: string) => field === '*' || field === '?';
const isNumber = (field: string) => /^\d+$/.test(field);
const pad = (n: string) => n.padStart(2, '0');

/** Quartz numbers weekdays 1 = Sunday … 7 = Saturday; names are shown title-cased. */
function weekdayWords(field: string): string {
  return field.replace(/\d|[A-Z]{3}/gi, (t) =>
    /\d/.test(t) ? (WEEKDAYS[Number(t) - 1] ?? t) : t[0]!.toUpperCase() + t.slice(1).toLowerCase(),
  );
}

function monthWords(field: string): string {
  return field.replace(/\d+|[A-Z]{3}/gi, (t) =>
    /\d/.test(t) ? (MONTHS[Number(t) - 1] ?? t) : t[0]!.toUpperCase() + t.slice(1).toLowerCase(),
  );
}

/** When in the day: "at 22:00", "every 15 minutes", or the fields themselves. */
function timeWords(minutes: string, hours: string): { words: string; repeats: boolean } {
  if (isNumber(minutes) && isNumber(hours))
    return { words: `at ${pad(hours)}:${pad(minutes)}`, repeats: false };
  const step = /^(?:\*|0)\/(\d+)$/.exec(minutes);
  if (step && hours === '*') return { words: `every ${step[1]} minutes`, repeats: true };
  if (minutes === '*' && hours === '*') return { words: 'every minute', repeats: true };
  if (isNumber(minutes) && hours === '*') return { words: `every hour at :${pad(minutes)}`, repeats: true };
  return { words: `at minute ${minutes} of hour ${hours}`, repeats: false };
}

function cronWords(c: CronSchedule): string {
  const time = timeWords(c.minutes, c.hours);
  const days: string[] = [];
  if (!unrestricted(c.day_of_week)) days.push(`on ${weekdayWords(c.day_of_week)}`);
  if (!unrestricted(c.day_of_month)) days.push(`on day ${c.day_of_month} of the month`);
  if (!unrestricted(c.month)) days.push(`in ${monthWords(c.month)}`);
  const zone = c.time_zone ?? 'UTC';
  if (days.length === 0) return time.repeats ? `${time.words} (${zone})` : `every day ${time.words} ${zone}`;
  return `${time.words} ${days.join(', ')} ${zone}`;
}

/**
 * A schedule in words, as an operator would say it.
 *
 * @example
 * scheduleWords({ continuous_schedule: { buffer_seconds: 1200 } }) // '1200 s after the last run started'
 */
export function scheduleWords(schedule: ProcessSchedule | undefined): string {
  if (!schedule) return 'only when triggered';
  if ('continuous_schedule' in schedule) {
    return `${schedule.continuous_schedule.buffer_seconds ?? 0} s after the last run started`;
  }
  return cronWords(schedule.cron_schedule);
}

/** The cron fields as written, for a tooltip next to the words. */
export function scheduleExpression(schedule: ProcessSchedule | undefined): string | undefined {
  if (!schedule || !('cron_schedule' in schedule)) return undefined;
  const c = schedule.cron_schedule;
  return `cron: ${c.minutes} ${c.hours} ${c.day_of_month} ${c.month} ${c.day_of_week}`;
}
