import { describe, expect, it } from 'vitest';
import { checkCron, nextDueAt } from '../../../src/domain/schedule.js';
import type { CronSchedule } from '../../../src/domain/types.js';

const NOW = new Date('2026-01-01T00:00:00Z');

function cron(fields: string, time_zone?: string): CronSchedule {
  const [minutes, hours, day_of_month, month, day_of_week] = fields.split(' ') as [
    string,
    string,
    string,
    string,
    string,
  ];
  return { minutes, hours, day_of_month, month, day_of_week, ...(time_zone && { time_zone }) };
}

/** The next `n` firings after `from`, as ISO strings. */
function firings(c: CronSchedule, from: string, n: number): string[] {
  const out: string[] = [];
  let at = new Date(from);
  for (let i = 0; i < n; i++) {
    const next = nextDueAt({ cron_schedule: c }, at);
    if (!next) break;
    out.push(next.toISOString());
    at = next;
  }
  return out;
}

const hoursBetween = (iso: string[]) =>
  iso.slice(1).map((t, i) => (Date.parse(t) - Date.parse(iso[i]!)) / 3_600_000);

describe('cron schedules (Quartz semantics, seconds fixed at 0)', () => {
  it('accepts ? in day_of_week or day_of_month and fires daily', () => {
    expect(checkCron(cron('0 22 * * ?'), NOW)).toEqual([]);
    expect(checkCron(cron('0 22 ? * *'), NOW)).toEqual([]);
    expect(firings(cron('0 22 * * ?'), '2026-01-01T00:00:00Z', 2)).toEqual([
      '2026-01-01T22:00:00.000Z',
      '2026-01-02T22:00:00.000Z',
    ]);
  });

  it('numbers weekdays as Quartz does: 1 = Sunday … 7 = Saturday', () => {
    // 2026-01-04 is a Sunday
    expect(firings(cron('0 12 ? * 1'), '2026-01-01T00:00:00Z', 1)).toEqual(['2026-01-04T12:00:00.000Z']);
    expect(firings(cron('0 12 ? * 7'), '2026-01-01T00:00:00Z', 1)).toEqual(['2026-01-03T12:00:00.000Z']);
    expect(firings(cron('0 12 ? * 2-6'), '2026-01-03T00:00:00Z', 6)).toEqual(
      ['05', '06', '07', '08', '09', '12'].map((d) => `2026-01-${d}T12:00:00.000Z`),
    );
    expect(firings(cron('0 12 ? * SUN'), '2026-01-01T00:00:00Z', 1)).toEqual(['2026-01-04T12:00:00.000Z']);
  });

  it('supports L and # in the day fields', () => {
    expect(firings(cron('0 0 L * ?'), '2026-01-01T00:00:00Z', 2)).toEqual([
      '2026-01-31T00:00:00.000Z',
      '2026-02-28T00:00:00.000Z',
    ]);
    // third Friday (Quartz 6 = Friday)
    expect(firings(cron('0 0 ? * 6#3'), '2026-01-01T00:00:00Z', 1)).toEqual(['2026-01-16T00:00:00.000Z']);
  });

  it('fires in the given time zone', () => {
    expect(firings(cron('0 9 * * ?', 'Europe/Berlin'), '2026-01-01T00:00:00Z', 1)).toEqual([
      '2026-01-01T08:00:00.000Z',
    ]);
    expect(firings(cron('0 9 * * ?', 'America/New_York'), '2026-07-01T00:00:00Z', 1)).toEqual([
      '2026-07-01T13:00:00.000Z',
    ]);
  });

  describe('daylight saving time', () => {
    it('spring forward: a daily run inside the skipped hour still fires that day, once', () => {
      // Europe/Berlin skips 02:00-03:00 on 2026-03-29
      const berlin = firings(cron('30 2 * * ?', 'Europe/Berlin'), '2026-03-28T00:00:00Z', 3);
      expect(berlin[0]).toBe('2026-03-28T01:30:00.000Z'); // 02:30 CET
      expect(berlin[1]!.slice(0, 10)).toBe('2026-03-29');
      expect(Date.parse(berlin[1]!)).toBeGreaterThanOrEqual(Date.parse('2026-03-29T01:00:00Z')); // ≥ 03:00 CEST
      expect(berlin[2]).toBe('2026-03-30T00:30:00.000Z'); // 02:30 CEST
      // America/New_York skips 02:00-03:00 on 2026-03-08
      const ny = firings(cron('30 2 * * ?', 'America/New_York'), '2026-03-07T00:00:00Z', 3);
      expect(ny.map((t) => t.slice(0, 10))).toEqual(['2026-03-07', '2026-03-08', '2026-03-09']);
      expect(ny[2]).toBe('2026-03-09T06:30:00.000Z'); // 02:30 EDT
    });

    it('fall back: a daily run inside the repeated hour fires once', () => {
      // Europe/Berlin repeats 02:00-03:00 on 2026-10-25
      expect(firings(cron('30 2 * * ?', 'Europe/Berlin'), '2026-10-24T12:00:00Z', 2)).toEqual([
        '2026-10-25T00:30:00.000Z', // 02:30 CEST, not again at 02:30 CET
        '2026-10-26T01:30:00.000Z',
      ]);
      // America/New_York repeats 01:00-02:00 on 2026-11-01
      expect(firings(cron('30 1 * * ?', 'America/New_York'), '2026-10-31T12:00:00Z', 2)).toEqual([
        '2026-11-01T05:30:00.000Z', // 01:30 EDT
        '2026-11-02T06:30:00.000Z', // 01:30 EST
      ]);
    });

    it('an hourly schedule keeps firing every real hour across both transitions', () => {
      const hourly = cron('0 * * * ?', 'Europe/Berlin');
      expect(hoursBetween(firings(hourly, '2026-03-28T22:30:00Z', 6))).toEqual([1, 1, 1, 1, 1]);
      expect(hoursBetween(firings(hourly, '2026-10-24T22:30:00Z', 6))).toEqual([1, 1, 1, 1, 1]);
      const ny = cron('0 * * * ?', 'America/New_York');
      expect(hoursBetween(firings(ny, '2026-11-01T03:30:00Z', 6))).toEqual([1, 1, 1, 1, 1]);
    });
  });

  describe('rejected expressions name the field', () => {
    const problemFor = (fields: string, time_zone?: string) => checkCron(cron(fields, time_zone), NOW);

    it.each([
      ['61 * * * ?', 'minutes', "'61'"],
      ['0 24 * * ?', 'hours', "'24'"],
      ['0 0 32 * ?', 'day_of_month', "'32'"],
      ['0 0 ? 13 *', 'month', "'13'"],
      ['0 0 ? * 0', 'day_of_week', '1 = Sunday'],
      ['0 0 ? * 8', 'day_of_week', "'8'"],
      ['x 0 * * ?', 'minutes', "'x'"],
      ['? 0 * * ?', 'minutes', "'?' is only for day_of_month or day_of_week"],
      ['0/0 0 * * ?', 'minutes', "'0/0'"],
      ['0 0/24 * * ?', 'hours', "'0/24'"],
      ['0 0 L,5 * ?', 'day_of_month', 'L and W stand alone'],
      ['0 0 L-31 * ?', 'day_of_month', 'at most 30 days'],
      ['0 0 32W * ?', 'day_of_month', "'32W'"],
      ['0 0 ? JAN-FOO *', 'month', 'JAN-DEC'],
      ['0 0 ? * 6#6', 'day_of_week', 'k from 1 to 5'],
      ['0 0 ? * 2L,3', 'day_of_week', 'L and # stand alone'],
    ])('%s → %s', (fields, field, text) => {
      const [problem] = problemFor(fields);
      expect(problem?.field).toBe(`schedule.cron_schedule.${field}`);
      expect(problem?.problem).toContain(text);
    });

    it('rejects both day fields restricted, as Quartz does', () => {
      expect(problemFor('0 12 13 * 6')).toEqual([
        {
          field: 'schedule.cron_schedule.day_of_week',
          problem: "'6' cannot be combined with day_of_month '13'; set one of them to '?'",
        },
      ]);
    });

    it('rejects an expression that never fires again', () => {
      expect(problemFor('0 0 30 2 ?')).toEqual([
        { field: 'schedule.cron_schedule', problem: "cron expression '0 0 0 30 2 ?' never fires again" },
      ]);
    });

    it('rejects an unknown time zone', () => {
      expect(problemFor('0 0 * * ?', 'Mars/Olympus_Mons')).toEqual([
        { field: 'schedule.cron_schedule.time_zone', problem: "unknown IANA time zone 'Mars/Olympus_Mons'" },
      ]);
    });
  });
});

describe('continuous schedules', () => {
  it('are next due buffer_seconds after the start of the last run', () => {
    expect(nextDueAt({ continuous_schedule: { buffer_seconds: 90 } }, NOW)).toEqual(
      new Date('2026-01-01T00:01:30Z'),
    );
  });

  it('are due again at once without a buffer', () => {
    expect(nextDueAt({ continuous_schedule: {} }, NOW)).toEqual(NOW);
  });
});
