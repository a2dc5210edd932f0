import { describe, expect, it } from 'vitest';
import { LogBuffer, type LogSink } from '../../../src/logs/log-buffer.js';
import type { AppendOptions, AppendResult, KeptLines, LogLine } from '../../../src/logs/task-log-writer.js';

/** A sink that stores everything it is given, optionally only when released (a slow database). */
class FakeSink implements LogSink {
  stored: LogLine[] = [];
  /** Every call, in order: `append t` or `kept t1,t2 close`. */
  calls: string[] = [];
  closed = new Set<string>();
  /** Writes begun (still held at the gate, or done). */
  entered = 0;
  dropped = { lines: 0, bytes: 0 };
  private gate: Promise<void> = Promise.resolve();
  private open: () => void = () => {};

  hold(): void {
    this.gate = new Promise((r) => {
      this.open = r;
    });
  }
  release(): void {
    this.open();
  }

  async append(taskId: string, lines: readonly LogLine[], opts: AppendOptions): Promise<AppendResult> {
    await this.gate;
    this.calls.push(`append ${taskId}`);
    this.stored.push(...lines);
    this.dropped.lines += opts.dropped?.lines ?? 0;
    this.dropped.bytes += opts.dropped?.bytes ?? 0;
    const counted = this.stored.filter((l) => !l.keep);
    return { lines: counted.length, bytes: counted.reduce((n, l) => n + l.message.length, 0), full: false };
  }

  async appendKept(writes: readonly KeptLines[]): Promise<Map<string, AppendResult>> {
    this.entered += 1;
    await this.gate;
    const close = writes.some((w) => w.close);
    this.calls.push(`kept ${writes.map((w) => w.taskId).join(',')}${close ? ' close' : ''}`);
    for (const w of writes) {
      this.stored.push(...w.lines);
      if (w.close) this.closed.add(w.taskId);
    }
    return new Map(writes.map((w) => [w.taskId, { lines: 0, bytes: 0, full: false }]));
  }
}

const line = (message: string, keep = false): LogLine => ({
  at: new Date(),
  source: 'stdout',
  message,
  keep,
});

describe('LogBuffer', () => {
  it('writes lines in order and accounts for those past the cap without keeping them', async () => {
    const sink = new FakeSink();
    const buffer = new LogBuffer(sink, { intervalMs: 10_000, maxLinesPerTask: 3 });
    for (let i = 1; i <= 10; i++) buffer.add('t', line(`l${i}`));
    await buffer.flush('t');
    expect(sink.stored.map((l) => l.message)).toEqual(['l1', 'l2', 'l3']);
    expect(sink.dropped).toEqual({ lines: 7, bytes: 2 * 6 + 3 });
    await buffer.close();
  });

  it('counts lines still being written against the cap (a slow database does not let more in)', async () => {
    const sink = new FakeSink();
    const buffer = new LogBuffer(sink, { intervalMs: 10_000, maxLinesPerTask: 5 });
    sink.hold();
    for (let i = 1; i <= 4; i++) buffer.add('t', line(`a${i}`));
    const first = buffer.flush('t'); // taken, not yet stored
    for (let i = 1; i <= 4; i++) buffer.add('t', line(`b${i}`));
    sink.release();
    await first;
    await buffer.flush('t');
    expect(sink.stored.map((l) => l.message)).toEqual(['a1', 'a2', 'a3', 'a4', 'b1']);
    expect(sink.dropped.lines).toBe(3);
    await buffer.close();
  });

  it('keeps scheduler lines past the cap and does not count them', async () => {
    const sink = new FakeSink();
    const buffer = new LogBuffer(sink, { intervalMs: 10_000, maxLinesPerTask: 2 });
    buffer.add('t', line('started', true));
    for (const m of ['x', 'y', 'z']) buffer.add('t', line(m));
    buffer.add('t', line('ended', true));
    await buffer.flush();
    expect(sink.stored.map((l) => l.message)).toEqual(['started', 'x', 'y', 'ended']);
    expect(sink.dropped.lines).toBe(1);
    await buffer.close();
  });

  it('holds at most maxPendingBytes in memory while the database is stuck, counting the rest', async () => {
    const sink = new FakeSink();
    const buffer = new LogBuffer(sink, { intervalMs: 10_000, maxPendingBytes: 1000 });
    sink.hold();
    for (let i = 0; i < 100; i++) buffer.add('t', line('x'.repeat(99)));
    const flushed = buffer.flush();
    sink.release();
    await flushed;
    expect(sink.stored).toHaveLength(10);
    expect(sink.dropped).toEqual({ lines: 90, bytes: 90 * 99 });
    await buffer.close();
  });

  it('writes the scheduler events of many tasks in one write', async () => {
    const sink = new FakeSink();
    const buffer = new LogBuffer(sink, { intervalMs: 10_000 });
    for (const t of ['a', 'b', 'c']) buffer.add(t, line(`${t} started`, true));
    await buffer.flush();
    expect(sink.calls).toEqual(['kept a,b,c']);
    expect(sink.stored.map((l) => l.message)).toEqual(['a started', 'b started', 'c started']);
    await buffer.close();
  });

  it('completes logs ended in the same tick with one write that stores their last lines and closes them', async () => {
    const sink = new FakeSink();
    const buffer = new LogBuffer(sink, { intervalMs: 10_000 });
    for (const t of ['a', 'b']) buffer.add(t, line(`${t} succeeded`, true));
    await Promise.all([buffer.complete('a'), buffer.complete('b'), buffer.complete('c')]);
    expect(sink.calls).toEqual(['kept a,b,c close']);
    expect(sink.stored.map((l) => l.message)).toEqual(['a succeeded', 'b succeeded']);
    expect([...sink.closed].sort()).toEqual(['a', 'b', 'c']);
    await buffer.close();
  });

  it('completes a log with output still buffered by storing the output (under the cap) first, then closing', async () => {
    const sink = new FakeSink();
    const buffer = new LogBuffer(sink, { intervalMs: 10_000 });
    buffer.add('t', line('out'));
    buffer.add('t', line('task succeeded', true));
    await buffer.complete('t');
    expect(sink.calls).toEqual(['append t', 'kept t close']);
    expect(sink.stored.map((l) => l.message)).toEqual(['out', 'task succeeded']);
    await buffer.close();
  });

  it('a task completing while another completion is being written goes in the next write', async () => {
    const sink = new FakeSink();
    const buffer = new LogBuffer(sink, { intervalMs: 10_000 });
    sink.hold();
    const first = buffer.complete('a');
    while (sink.entered === 0) await new Promise((r) => setTimeout(r, 1));
    const second = [buffer.complete('b'), buffer.complete('c')];
    sink.release();
    await Promise.all([first, ...second]);
    expect(sink.calls).toEqual(['kept a close', 'kept b,c close']);
    await buffer.close();
  });

  it("keeps a process's order across its tasks: a retry's start lands after the failed attempt's output and end", async () => {
    const sink = new FakeSink();
    const buffer = new LogBuffer(sink, { intervalMs: 10_000 });
    buffer.bind('attempt-1', 'p');
    buffer.add('attempt-1', line('task started', true));
    buffer.add('attempt-1', line('trying'));
    buffer.add('attempt-1', line('task failed', true));
    buffer.bind('attempt-2', 'p');
    buffer.add('attempt-2', line('task started again', true));
    buffer.bind('other', 'q'); // another process's events still share a write
    buffer.add('other', line('other started', true));
    sink.hold();
    const flushed = buffer.flush();
    sink.release();
    await flushed;
    const ofP = sink.stored.map((l) => l.message).filter((m) => m !== 'other started');
    expect(ofP).toEqual(['task started', 'trying', 'task failed', 'task started again']);
    expect(sink.calls.indexOf('append attempt-1')).toBeLessThan(sink.calls.indexOf('kept attempt-2'));
    expect(sink.calls).toContain('kept other');
    await buffer.close();
  });
});
