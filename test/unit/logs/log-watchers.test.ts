import { describe, expect, it } from 'vitest';
import { LogWatchers } from '../../../src/logs/log-watchers.js';
import type { Database } from '../../../src/storage/database.js';

// One process (PGlite): no announcements to other replicas.
const db = { kind: 'pglite', sharedByReplicas: false } as Database;

describe('LogWatchers', () => {
  it('counts readers per task or process id and says when a log becomes watched', async () => {
    const watchers = new LogWatchers(db, 'r1');
    await watchers.start();
    const became: string[] = [];
    watchers.onWatched((key) => became.push(key));
    expect(watchers.isWatched('task-1', 'process-1')).toBe(false);

    const first = watchers.attach('process-1');
    const second = watchers.attach('process-1');
    expect(watchers.isWatched('task-1', 'process-1')).toBe(true);
    expect(watchers.isWatched('task-2')).toBe(false);
    expect(became).toEqual(['process-1']); // the second reader changes nothing

    first();
    first(); // detaching twice counts once
    expect(watchers.isWatched('process-1')).toBe(true);
    second();
    expect(watchers.isWatched('process-1')).toBe(false);
    watchers.attach('process-1');
    expect(became).toEqual(['process-1', 'process-1']);
    await watchers.close();
  });
});
