import type { CronSchedule } from './types.js';

/** A cron field as croner reads it, or why Quartz would refuse it. */
export type FieldReading = { croner: string } | { problem?: string };

/**
 * Day of month counted back from the month's last day (`L-n`, and `L-nW` for
 * the weekday nearest to it), which croner has no syntax for.
 */
export interface LastDayOffset {
  daysBefore: number;
  nearestWeekday: boolean;
}

interface FieldRange {
  min: number;
  max: number;
  names?: readonly string[];
}

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
/** Quartz numbers weekdays from 1 = Sunday. */
const WEEKDAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

export const FIELD_RANGES: Record<Exclude<keyof CronSchedule, 'time_zone'>, FieldRange> = {
  minutes: { min: 0, max: 59 },
  hours: { min: 0, max: 23 },
  day_of_month: { min: 1, max: 31 },
  month: { min: 1, max: 12, names: MONTHS },
  day_of_week: { min: 1, max: 7, names: WEEKDAYS },
};

/** What each field accepts, for the 400 that names it. */
export const ALLOWED: Record<keyof typeof FIELD_RANGES, string> = {
  minutes: '0-59',
  hours: '0-23',
  day_of_month: '1-31, L, L-n, nW, LW or ?',
  month: '1-12 or JAN-DEC',
  day_of_week: '1-7 (1 = Sunday) or SUN-SAT, nL, n#k, L or ?',
};

/**
 * Reads one Quartz field (`*`, lists, ranges, `a/b`, `*\/b`, `a-b/c`, wrapping
 * ranges such as `FRI-MON` or `22-2`, names) into croner's syntax. Croner
 * takes a step only after `*` or a range, so `a/b` becomes `a-max/b`; a
 * wrapping range becomes the list of its values. `*` and `/` are kept where
 * the user wrote them, so croner classifies the job (fixed time or interval,
 * which decides its DST behaviour) as it would the plain expression.
 *
 * @example
 * readListField('0/5', FIELD_RANGES.minutes) // { croner: '0-59/5' }
 * readListField('FRI-MON', FIELD_RANGES.day_of_week) // { croner: '6,7,1,2' }
 */
export function readListField(field: string, range: FieldRange): FieldReading {
  if (field === '*') return { croner: '*' };
  const parts: string[] = [];
  for (const element of field.split(',')) {
    const part = readElement(element, range);
    if (part === undefined) return {};
    parts.push(part);
  }
  return { croner: parts.join(',') };
}

function readElement(element: string, range: FieldRange): string | undefined {
  const match = /^([^/]*)(?:\/(\d+))?$/.exec(element);
  if (!match) return undefined;
  const [, base = '', stepText] = match;
  const step = stepText === undefined ? undefined : Number(stepText);
  if (step !== undefined && (step < 1 || step > range.max)) return undefined;
  if (base === '*' || (base === '' && step !== undefined)) return step === undefined ? '*' : `*/${step}`;
  const bounds = base.split('-');
  if (bounds.length > 2) return undefined;
  const from = fieldValue(bounds[0]!, range);
  const to = bounds.length === 2 ? fieldValue(bounds[1]!, range) : step === undefined ? from : range.max;
  if (from === undefined || to === undefined) return undefined;
  if (from <= to) {
    if (step === undefined) return from === to ? `${from}` : `${from}-${to}`;
    return `${from}-${to}/${step}`;
  }
  // Quartz runs a range past the field's end round to its start: 22-2 is 22,23,0,1,2.
  const size = range.max - range.min + 1;
  const values: number[] = [];
  for (let v = from; v <= to + size; v += step ?? 1) values.push(v > range.max ? v - size : v);
  return values.join(',');
}

/** A number or (month, weekday) name within the field's range. */
export function fieldValue(text: string, range: FieldRange): number | undefined {
  const byName = range.names?.indexOf(text);
  if (byName !== undefined && byName >= 0) return byName + range.min;
  if (!/^\d{1,2}$/.test(text)) return undefined;
  const n = Number(text);
  return n >= range.min && n <= range.max ? n : undefined;
}

/**
 * Day of month: Quartz's `L` (last day), `L-n` (n days before it), `nW`
 * (weekday nearest the nth, within the month), `LW` (last weekday) and
 * `L-nW`, each alone as Quartz requires, or a list as in any field.
 */
export function readDayOfMonth(field: string): FieldReading | { lastDayOffset: LastDayOffset } {
  if (field === '?') return { croner: '*' };
  if (field === 'L' || field === 'LW') return { croner: field };
  const fromLast = /^L-(\d{1,2})(W?)$/.exec(field);
  if (fromLast) {
    const daysBefore = Number(fromLast[1]);
    if (daysBefore > 30) return { problem: 'L-n counts at most 30 days back from the last day' };
    return { lastDayOffset: { daysBefore, nearestWeekday: fromLast[2] === 'W' } };
  }
  const nearest = /^(\d{1,2})W$/.exec(field);
  if (nearest) {
    const day = fieldValue(nearest[1]!, FIELD_RANGES.day_of_month);
    return day === undefined ? {} : { croner: `${day}W` };
  }
  if (/[LW]/.test(field)) return { problem: 'L and W stand alone, not in a list or range' };
  return readListField(field, FIELD_RANGES.day_of_month);
}

/**
 * Day of week, Quartz numbered (1 = Sunday): `L` alone is Saturday, `nL` the
 * month's last such weekday, `n#k` its kth (1-5), each alone as Quartz requires.
 */
export function readDayOfWeek(field: string): FieldReading {
  const range = FIELD_RANGES.day_of_week;
  if (field === '?') return { croner: '*' };
  if (field === 'L') return { croner: '7' };
  const last = /^(\w+?)L$/.exec(field);
  if (last) {
    const day = fieldValue(last[1]!, range);
    return day === undefined ? {} : { croner: `${day}L` };
  }
  const nth = /^(\w+)#(\d+)$/.exec(field);
  if (nth) {
    const day = fieldValue(nth[1]!, range);
    const k = Number(nth[2]);
    if (k < 1 || k > 5) return { problem: 'n#k takes k from 1 to 5' };
    return day === undefined ? {} : { croner: `${day}#${k}` };
  }
  if (/[L#]/.test(field)) return { problem: 'L and # stand alone, not in a list or range' };
  return readListField(field, range);
}
