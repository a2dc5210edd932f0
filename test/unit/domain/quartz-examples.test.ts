import { describe, expect, it } from 'vitest';
import { checkCron, nextFireTimes } from '../../../src/domain/schedule.js';
import type { CronSchedule } from '../../../src/domain/types.js';

/*
 * Quartz's CronTrigger tutorial examples (those that fit Sundial's fields:
 * seconds fixed at 0, no year) and the special characters it documents, with
 * the firings Quartz's documented meaning gives, worked out by hand on the
 * calendar: 2026-03-01 and 2026-11-01 are Sundays, 2027-03-01 a Monday.
 *
 * Every row runs in three zones, from local midnight (or the local time
 * given) of its start day, and expects the same local wall times; the UTC
 * instants differ by each zone's offset on that day, which `offset` below
 * derives from the DST rules by hand (the EU changes on the last Sundays of
 * March and October, the US on the second Sunday of March and the first of
 * November), so rows that span a change check it.
 */

type Zone = 'UTC' | 'Europe/Berlin' | 'America/New_York';
const ZONES: Zone[] = ['UTC', 'Europe/Berlin', 'America/New_York'];

/** Local wall-clock periods of summer time, [start, end). */
const SUMMER: Record<Zone, [string, string][]> = {
  UTC: [],
  'Europe/Berlin': [
    ['2026-03-29 02:00', '2026-10-25 03:00'],
    ['2027-03-28 02:00', '2027-10-31 03:00'],
  ],
  'America/New_York': [
    ['2026-03-08 02:00', '2026-11-01 02:00'],
    ['2027-03-14 02:00', '2027-11-07 02:00'],
  ],
};
const STANDARD: Record<Zone, number> = { UTC: 0, 'Europe/Berlin': 1, 'America/New_York': -5 };

/** The instant of a local wall time (a repeated hour counts as its first, summer-time pass). */
function instant(zone: Zone, local: string): string {
  const summer = SUMMER[zone].some(([from, to]) => local >= from && local < to);
  const hours = STANDARD[zone] + (summer ? 1 : 0);
  const offset = `${hours < 0 ? '-' : '+'}${String(Math.abs(hours)).padStart(2, '0')}:00`;
  return new Date(`${local.replace(' ', 'T')}:00${offset}`).toISOString();
}

function cron(quartz: string, time_zone: Zone): CronSchedule {
  const [seconds, minutes, hours, day_of_month, month, day_of_week] = quartz.split(' ') as string[];
  if (seconds !== '0') throw new Error(`${quartz}: Sundial fixes seconds at 0`);
  return {
    minutes: minutes!,
    hours: hours!,
    day_of_month: day_of_month!,
    month: month!,
    day_of_week: day_of_week!,
    time_zone,
  };
}

/** [Quartz expression, what the tutorial says, start (local), expected firings (local)] */
const TUTORIAL: [string, string, string, string[]][] = [
  [
    '0 0 12 * * ?',
    'noon every day',
    '2026-03-27 00:00',
    ['2026-03-27 12:00', '2026-03-28 12:00', '2026-03-29 12:00', '2026-03-30 12:00'],
  ],
  [
    '0 15 10 ? * *',
    '10:15 every day',
    '2026-03-27 00:00',
    ['2026-03-27 10:15', '2026-03-28 10:15', '2026-03-29 10:15'],
  ],
  [
    '0 15 10 * * ?',
    '10:15 every day',
    '2026-10-30 00:00',
    ['2026-10-30 10:15', '2026-10-31 10:15', '2026-11-01 10:15', '2026-11-02 10:15'],
  ],
  [
    '0 * 14 * * ?',
    'every minute from 14:00 to 14:59',
    '2026-03-28 14:58',
    ['2026-03-28 14:59', '2026-03-29 14:00', '2026-03-29 14:01'],
  ],
  [
    '0 0/5 14 * * ?',
    'every 5 minutes from 14:00 to 14:55',
    '2026-03-28 14:50',
    ['2026-03-28 14:55', '2026-03-29 14:00', '2026-03-29 14:05'],
  ],
  [
    '0 0/5 14,18 * * ?',
    'every 5 minutes 14:00-14:55 and 18:00-18:55',
    '2026-10-31 14:50',
    ['2026-10-31 14:55', '2026-10-31 18:00', '2026-10-31 18:05'],
  ],
  [
    '0 0/5 14,18 * * ?',
    'the same, round the end of the day',
    '2026-10-31 18:50',
    ['2026-10-31 18:55', '2026-11-01 14:00', '2026-11-01 14:05'],
  ],
  [
    '0 0-5 14 * * ?',
    'every minute from 14:00 to 14:05',
    '2026-03-28 14:04',
    ['2026-03-28 14:05', '2026-03-29 14:00', '2026-03-29 14:01'],
  ],
  [
    '0 10,44 14 ? 3 WED',
    '14:10 and 14:44 every Wednesday in March',
    '2026-03-24 00:00',
    ['2026-03-25 14:10', '2026-03-25 14:44', '2027-03-03 14:10'],
  ],
  [
    '0 15 10 ? * MON-FRI',
    '10:15 Monday to Friday',
    '2026-03-27 00:00',
    ['2026-03-27 10:15', '2026-03-30 10:15', '2026-03-31 10:15'],
  ],
  [
    '0 15 10 15 * ?',
    '10:15 on the 15th of every month',
    '2026-03-27 00:00',
    ['2026-04-15 10:15', '2026-05-15 10:15'],
  ],
  [
    '0 15 10 L * ?',
    '10:15 on the last day of every month',
    '2026-03-27 00:00',
    ['2026-03-31 10:15', '2026-04-30 10:15', '2026-05-31 10:15'],
  ],
  [
    '0 15 10 L-2 * ?',
    '10:15 two days before the last day of every month',
    '2026-03-27 00:00',
    ['2026-03-29 10:15', '2026-04-28 10:15', '2026-05-29 10:15'],
  ],
  [
    '0 15 10 ? * 6L',
    '10:15 on the last Friday of every month',
    '2026-03-27 00:00',
    ['2026-03-27 10:15', '2026-04-24 10:15', '2026-05-29 10:15'],
  ],
  [
    '0 15 10 ? * 6#3',
    '10:15 on the third Friday of every month',
    '2026-03-27 00:00',
    ['2026-04-17 10:15', '2026-05-15 10:15', '2026-06-19 10:15'],
  ],
  [
    '0 0 12 1/5 * ?',
    'noon every 5 days from the 1st (1, 6, …, 26, 31)',
    '2026-03-27 00:00',
    ['2026-03-31 12:00', '2026-04-01 12:00', '2026-04-06 12:00'],
  ],
  [
    '0 11 11 11 11 ?',
    '11:11 every 11 November',
    '2026-03-27 00:00',
    ['2026-11-11 11:11', '2027-11-11 11:11'],
  ],
];

/** The special characters of the tutorial, one row each. */
const SPECIAL: [string, string, string, string[]][] = [
  [
    '0 */20 9 * * ?',
    '*/b: minutes 0, 20, 40',
    '2026-03-28 09:30',
    ['2026-03-28 09:40', '2026-03-29 09:00', '2026-03-29 09:20'],
  ],
  [
    '0 10-40/15 9 * * ?',
    'a-b/c: minutes 10, 25, 40',
    '2026-03-27 00:00',
    ['2026-03-27 09:10', '2026-03-27 09:25', '2026-03-27 09:40', '2026-03-28 09:10'],
  ],
  [
    '0 0 22-1 * * ?',
    'a range past the end wraps: 22, 23, 0, 1',
    '2026-03-27 00:00',
    ['2026-03-27 01:00', '2026-03-27 22:00', '2026-03-27 23:00', '2026-03-28 00:00'],
  ],
  [
    '0 0 9 ? * FRI-MON',
    'weekdays wrap too',
    '2026-03-27 00:00',
    ['2026-03-27 09:00', '2026-03-28 09:00', '2026-03-29 09:00', '2026-03-30 09:00', '2026-04-03 09:00'],
  ],
  ['0 0 9 ? * 1', 'Quartz weekday 1 is Sunday', '2026-03-27 00:00', ['2026-03-29 09:00', '2026-04-05 09:00']],
  [
    '0 0 9 ? * 2/2',
    'a/b in weekdays: Monday, Wednesday, Friday',
    '2026-03-27 00:00',
    ['2026-03-27 09:00', '2026-03-30 09:00', '2026-04-01 09:00'],
  ],
  [
    '0 0 9 ? * L',
    'L alone in day_of_week is Saturday',
    '2026-03-27 00:00',
    ['2026-03-28 09:00', '2026-04-04 09:00'],
  ],
  [
    '0 0 9 ? * 4#5',
    'the fifth Wednesday, in months that have one',
    '2026-03-27 00:00',
    ['2026-04-29 09:00', '2026-07-29 09:00'],
  ],
  [
    '0 0 9 1W * ?',
    'the weekday nearest the 1st, not leaving the month (1 August is a Saturday)',
    '2026-07-02 00:00',
    ['2026-08-03 09:00', '2026-09-01 09:00', '2026-10-01 09:00'],
  ],
  [
    '0 0 9 31W * ?',
    'the weekday nearest the 31st (31 May is a Sunday)',
    '2026-05-01 00:00',
    ['2026-05-29 09:00'],
  ],
  [
    '0 0 9 LW * ?',
    'the last weekday of the month',
    '2026-03-27 00:00',
    ['2026-03-31 09:00', '2026-04-30 09:00', '2026-05-29 09:00'],
  ],
  [
    '0 0 9 L-3W * ?',
    'the weekday nearest three days before the last (27 June is a Saturday)',
    '2026-05-01 00:00',
    ['2026-05-28 09:00', '2026-06-26 09:00', '2026-07-28 09:00'],
  ],
  [
    '0 0 9 1 JAN/4 ?',
    'month names, and a/b in months: January, May, September',
    '2026-03-27 00:00',
    ['2026-05-01 09:00', '2026-09-01 09:00', '2027-01-01 09:00'],
  ],
  ['0 15 10 ? * mon-fri', 'names in any case', '2026-03-27 00:00', ['2026-03-27 10:15', '2026-03-30 10:15']],
];

describe.each(ZONES)('Quartz CronTrigger examples in %s', (zone) => {
  it.each([...TUTORIAL, ...SPECIAL])('%s (%s)', (quartz, _meaning, from, expected) => {
    const schedule = cron(quartz, zone);
    expect(checkCron(schedule, new Date(instant(zone, from)))).toEqual([]);
    const times = nextFireTimes(schedule, new Date(instant(zone, from)), expected.length);
    expect(times.map((t) => t.toISOString())).toEqual(expected.map((local) => instant(zone, local)));
  });
});

describe('daylight saving changes (a time in the gap fires once after it, a repeated time once)', () => {
  it.each([
    [
      'Europe/Berlin',
      '0 30 2 * * ?',
      '2026-03-28 00:00',
      ['2026-03-28 02:30', '2026-03-29 03:00', '2026-03-30 02:30'],
    ],
    [
      'Europe/Berlin',
      '0 30 2 * * ?',
      '2026-10-24 00:00',
      ['2026-10-24 02:30', '2026-10-25 02:30', '2026-10-26 02:30'],
    ],
    [
      'America/New_York',
      '0 30 2 * * ?',
      '2026-03-07 00:00',
      ['2026-03-07 02:30', '2026-03-08 03:00', '2026-03-09 02:30'],
    ],
    [
      'America/New_York',
      '0 30 1 * * ?',
      '2026-10-31 00:00',
      ['2026-10-31 01:30', '2026-11-01 01:30', '2026-11-02 01:30'],
    ],
    ['America/New_York', '0 30 2 L-7 * ?', '2026-02-01 00:00', ['2026-02-21 02:30', '2026-03-24 02:30']],
    ['Europe/Berlin', '0 30 2 L-2 * ?', '2026-03-01 00:00', ['2026-03-29 03:00', '2026-04-28 02:30']],
  ] as [Zone, string, string, string[]][])('%s %s from %s', (zone, quartz, from, expected) => {
    const times = nextFireTimes(cron(quartz, zone), new Date(instant(zone, from)), expected.length);
    expect(times.map((t) => t.toISOString())).toEqual(expected.map((local) => instant(zone, local)));
  });
});
