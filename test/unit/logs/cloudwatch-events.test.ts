import { describe, expect, it } from 'vitest';
import { cloudWatchCursor, newLines } from '../../../src/logs/tailers/cloudwatch-events.js';

const event = (eventId: string, timestamp: number, message: string) => ({ eventId, timestamp, message });
const messages = (r: ReturnType<typeof newLines>) => r.lines.map((l) => l.message);

describe('CloudWatch events past a cursor', () => {
  it('skips what is older than the cursor or already stored at its timestamp, and splits multi-line events', () => {
    const r = newLines(
      { ts: 10, ids: ['a'] },
      [
        event('z', 9, 'too old'),
        event('a', 10, 'stored already'),
        event('b', 10, 'same time, new'),
        event('c', 12, 'two\n  at x\n'),
      ],
      'cloudwatch',
    );
    expect(messages(r)).toEqual(['same time, new', 'two', '  at x']);
    expect(r.lines.map((l) => [l.source, l.at.getTime()])).toEqual([
      ['cloudwatch', 10],
      ['cloudwatch', 12],
      ['cloudwatch', 12],
    ]);
    expect(r.cursor).toEqual({ ts: 12, ids: ['c'] });
  });

  it('reading the same events again from the new cursor yields nothing (a restart, an overlapping search)', () => {
    const events = [event('a', 5, 'one'), event('b', 5, 'two'), event('c', 5, 'three')];
    const first = newLines({ ts: 0, ids: [] }, events.slice(0, 2), 'cloudwatch');
    expect(first.cursor).toEqual({ ts: 5, ids: ['a', 'b'] });
    const second = newLines(first.cursor, events, 'cloudwatch');
    expect(messages(second)).toEqual(['three']);
    expect(newLines(second.cursor, events, 'cloudwatch').lines).toEqual([]);
  });

  it('reads only cursors of its own shape (a GetLogEvents token is not one)', () => {
    expect(cloudWatchCursor({ ts: 3, ids: ['x'] })).toEqual({ ts: 3, ids: ['x'] });
    expect(cloudWatchCursor({ token: 'f/000' })).toBeUndefined();
    expect(cloudWatchCursor(null)).toBeUndefined();
  });
});
