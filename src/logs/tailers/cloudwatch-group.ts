import type {
  FilteredLogEvent,
  FilterLogEventsCommandInput,
  FilterLogEventsCommandOutput,
} from '@aws-sdk/client-cloudwatch-logs';
import type { Logger } from 'pino';
import type { Database } from '../../storage/database.js';
import { CursorConflict, openCursor } from '../../storage/stores/log-cursors-store.js';
import type { LogStreamRef } from '../log-stream-ref.js';
import type { TaskLogWriter } from '../task-log-writer.js';
import { isNotFoundYet, isThrottling, type ReadOptions } from './aws-log-clients.js';
import { cloudWatchCursor } from './cloudwatch-events.js';
import { floorCursor, StreamMember } from './cloudwatch-member.js';
import { givesUpFinalRead, nextPollMs, type TailerTiming } from './poll-interval.js';
import { describe, ReadTrouble } from './read-trouble.js';
import type { Follow } from './remote-log.js';

export type CloudWatchRef = Extract<LogStreamRef, { kind: 'cloudwatch' }>;

export interface GroupTailerDeps {
  /** FilterLogEvents in the group's region. */
  filterLogEvents(
    input: FilterLogEventsCommandInput,
    options: ReadOptions,
  ): Promise<FilterLogEventsCommandOutput>;
  group: string;
  db: Database;
  writer: TaskLogWriter;
  logger: Logger;
  /** Whether someone follows this task's or process's log live. */
  watched: (taskId: string, processId: string) => boolean;
  timing: TailerTiming;
  /**
   * After the task's end, how long after it a read that finds nothing new proves the stream
   * drained (CloudWatch makes an event searchable about a second after it was put).
   */
  settleMs: number;
}

/** Most stream names one FilterLogEvents takes. */
const MAX_STREAMS = 100;
const PAGE_EVENTS = 10_000;
/** Pages per read: a backlog larger than this is read on in the next poll, right away. */
const MAX_PAGES = 10;
/** Targets due this close together are read in one call. */
const HORIZON_MS = 100;
/** A new stream of a watched task is first read after this (a burst of new streams shares the call). */
const FIRST_READ_MS = 250;

/**
 * Follows every stream of one CloudWatch log group (in one region) that tasks write to: one
 * FilterLogEvents per poll for up to 100 streams (`logStreamNames`, pages followed with
 * `nextToken`), events routed to their task by stream name, each stream's lines stored with its
 * cursor (last timestamp and the event ids stored at it) in one transaction. Streams of watched
 * tasks are read every `minPollMs`..`maxPollMs`, the others every `unwatchedPollMs`; a call due
 * for one stream takes the group's other streams along, so they stay in step. When its task
 * ends a stream is read at once, then every `settleMs` until a read started `settleMs` or more
 * after the end finds nothing new (no line, no further page): then it is drained and marked
 * done. Batch and ECS report a job's end seconds after its container stopped and its log
 * driver sent the last lines, so this takes one or two calls, not the grace period; the grace
 * period only bounds a stream that keeps bringing lines after the end (its last read then ends it).
 *
 * @example
 * const group = new CloudWatchGroupTailer({ filterLogEvents, group: '/aws/batch/job', db, writer, logger, watched, timing });
 * const follow = group.add(taskId, refKey, ref);
 * follow.taskEnded();
 * await follow.done;
 */
export class CloudWatchGroupTailer {
  private readonly members = new Set<StreamMember>();
  private readonly abort = new AbortController();
  private timer: NodeJS.Timeout | undefined;
  private timerAt = Number.POSITIVE_INFINITY;
  private ticking: Promise<void> | undefined;
  private closed = false;

  constructor(private readonly deps: GroupTailerDeps) {}

  get size(): number {
    return this.members.size;
  }

  add(taskId: string, refKey: string, ref: CloudWatchRef): Follow {
    const m = new StreamMember(taskId, refKey, ref, new ReadTrouble(this.deps.writer, taskId), {
      taskEnded: () => this.taskEnded(m),
      pollSoon: () => this.pollSoon(m),
    });
    this.members.add(m);
    this.open(m).catch((err) => {
      this.deps.logger.error({ err, taskId, ref }, 'log tailer stopped');
      this.drop(m);
    });
    return m;
  }

  /** Stops reading where it is; cursors stay open for the next scheduler. */
  async close(): Promise<void> {
    this.closed = true;
    this.abort.abort();
    clearTimeout(this.timer);
    await this.ticking;
    for (const m of this.members) m.markDone();
    this.members.clear();
  }

  private async open(m: StreamMember): Promise<void> {
    const row = await openCursor(this.deps.db, m.taskId, m.refKey, m.ref);
    if (this.closed || !this.members.has(m)) return;
    if (row.done) return this.drop(m);
    m.processId = row.process_id;
    m.version = row.version;
    m.cursor = cloudWatchCursor(row.cursor) ?? floorCursor(row.started_at);
    m.isOpen = true;
    // Watched after its task ended (a late call, or a restart in the grace period): drain and stop.
    if (row.task_ended) m.ending(this.deps.timing.graceMs);
    const now = Date.now();
    if (this.watched(m)) m.intervalMs = this.deps.timing.minPollMs;
    // A stream nobody watches joins the group's next read; a watched one is read soon.
    m.due(this.watched(m) ? now + FIRST_READ_MS : (this.nextDue() ?? now + FIRST_READ_MS));
    this.schedule();
  }

  private taskEnded(m: StreamMember): void {
    if (!m.ending(this.deps.timing.graceMs) || !m.isOpen) return;
    m.due(Date.now()); // a first drain read at once: the rest of the log is likely there already
    this.schedule();
  }

  private pollSoon(m: StreamMember): void {
    if (!m.isOpen) return;
    m.intervalMs = this.deps.timing.minPollMs;
    m.dueAt = Math.min(m.dueAt, Date.now());
    this.schedule();
  }

  private schedule(): void {
    if (this.closed || this.ticking) return;
    let next = Number.POSITIVE_INFINITY;
    for (const m of this.members) if (m.isOpen) next = Math.min(next, m.dueAt);
    if (next === Number.POSITIVE_INFINITY || next >= this.timerAt) return;
    clearTimeout(this.timer);
    this.timerAt = next;
    this.timer = setTimeout(() => this.tick(), Math.max(0, next - Date.now()));
    this.timer.unref();
  }

  private tick(): void {
    this.timerAt = Number.POSITIVE_INFINITY;
    this.ticking = this.poll()
      .catch((err) => this.deps.logger.error({ err, group: this.deps.group }, 'reading CloudWatch failed'))
      .finally(() => {
        this.ticking = undefined;
        this.schedule();
      });
  }

  /** One call per chunk holding a due stream, topped up with the group's next-due streams. */
  private async poll(): Promise<void> {
    const horizon = Date.now() + HORIZON_MS;
    const open = [...this.members].filter((m) => m.isOpen);
    // A stream that may not exist yet is read alone: on AWS one missing stream fails the whole call.
    const chunks = open.filter((m) => m.missing && m.dueAt <= horizon).map((m) => [m]);
    const batched = open.filter((m) => !m.missing).sort((a, b) => a.dueAt - b.dueAt);
    for (let i = 0; i < batched.length && batched[i]!.dueAt <= horizon; i += MAX_STREAMS)
      chunks.push(batched.slice(i, i + MAX_STREAMS));
    await Promise.all(chunks.map((chunk) => this.read(chunk)));
  }

  private async read(members: StreamMember[]): Promise<void> {
    const started = Date.now();
    const final = new Set(members.filter((m) => m.stopAt !== undefined && started >= m.stopAt));
    // Reads that can prove the stream drained: started a settle period or more after the task's end.
    const settling = new Set(
      members.filter((m) => m.endedAt !== undefined && started >= m.endedAt + this.deps.settleMs),
    );
    const byStream = new Map<string, StreamMember[]>();
    for (const m of members) byStream.set(m.ref.stream, [...(byStream.get(m.ref.stream) ?? []), m]);
    const startTime = Math.min(...members.map((m) => m.searchFrom()));
    let capped = false;
    try {
      let nextToken: string | undefined;
      let pages = 0;
      do {
        const out = await this.deps.filterLogEvents(
          {
            logGroupName: this.deps.group,
            logStreamNames: [...byStream.keys()],
            startTime,
            limit: PAGE_EVENTS,
            ...(nextToken && { nextToken }),
          },
          { abortSignal: this.abort.signal },
        );
        const byName = new Map<string, FilteredLogEvent[]>();
        for (const e of out.events ?? []) {
          const list = byName.get(e.logStreamName ?? '');
          if (list) list.push(e);
          else byName.set(e.logStreamName ?? '', [e]);
        }
        for (const [stream, events] of byName)
          for (const m of byStream.get(stream) ?? []) await this.store(m, events);
        nextToken = out.nextToken;
        pages += 1;
      } while (nextToken && pages < MAX_PAGES && !this.closed);
      capped = nextToken !== undefined;
    } catch (err) {
      if (!this.closed) await this.failed(members, new Set([...final, ...settling]), err);
      return;
    }
    if (this.closed) return;
    for (const m of members) {
      if (!this.members.has(m)) continue;
      m.missing = false;
      m.searchedAt = started;
      m.trouble.clear();
      if (!capped && (final.has(m) || (settling.has(m) && m.stored === 0))) {
        await this.finish(m);
        continue;
      }
      const outcome = { kind: 'read', lines: m.stored, backlog: capped } as const;
      m.intervalMs = nextPollMs(this.deps.timing, m.intervalMs, outcome, this.watched(m));
      m.stored = 0;
      m.due(m.endedAt === undefined ? Date.now() + m.intervalMs : this.nextDrainRead(m, started, capped));
    }
  }

  /** After the task's end: read on at once with a backlog, else once a settle period after this read. */
  private nextDrainRead(m: StreamMember, started: number, capped: boolean): number {
    // A read that started before the end was known does not count: read again at once.
    if (capped || started < m.endedAt!) return Date.now();
    return started + this.deps.settleMs;
  }

  /** Stores the lines of `events` (of the member's stream) past its cursor, with the new cursor. */
  private async store(m: StreamMember, events: FilteredLogEvent[]): Promise<void> {
    if (!this.members.has(m)) return;
    const { lines, cursor } = m.take(events);
    if (lines.length === 0) return;
    try {
      await this.deps.writer.append(m.taskId, lines, {
        cursor: { refKey: m.refKey, version: m.version, value: cursor },
      });
    } catch (err) {
      if (!(err instanceof CursorConflict)) throw err;
      // Another tailer stored this stream meanwhile: carry on from where it got.
      const row = await openCursor(this.deps.db, m.taskId, m.refKey, m.ref);
      if (row.done) return this.drop(m);
      m.version = row.version;
      m.cursor = cloudWatchCursor(row.cursor) ?? m.cursor;
      return;
    }
    m.version += 1;
    m.cursor = cursor;
    m.stored += lines.length;
  }

  private async failed(members: StreamMember[], final: Set<StreamMember>, err: unknown): Promise<void> {
    const notFound = isNotFoundYet(err);
    const groupMissing = notFound && /log group/i.test((err as Error).message ?? '');
    const now = Date.now();
    if (notFound && !groupMissing && members.length > 1) {
      // Some stream does not exist (yet): read each alone to find out which.
      for (const m of members) [m.missing, m.dueAt] = [true, now];
      return;
    }
    const kind = notFound ? 'not-found' : isThrottling(err) ? 'throttled' : 'failed';
    for (const m of members) {
      if (!this.members.has(m)) continue;
      if (final.has(m) && givesUpFinalRead(m.stopAt!, now, notFound)) {
        if (!notFound) await m.trouble.note(`could not read the rest of ${describe(m.ref)}`, err);
        await this.finish(m);
        continue;
      }
      m.intervalMs = nextPollMs(this.deps.timing, m.intervalMs, { kind }, this.watched(m));
      if (kind === 'throttled')
        await m.trouble.note(`AWS throttles reading ${describe(m.ref)}; backing off`, err);
      else if (kind === 'failed') {
        this.deps.logger.warn({ err, taskId: m.taskId, ref: m.ref }, 'reading a remote log failed; retrying');
        await m.trouble.note(`reading ${describe(m.ref)} failed; retrying`, err);
      }
      // A stream still missing after its task ended is read again once a settle period is over:
      // if it is missing then too, it never will be.
      const drainRead = kind === 'not-found' && m.endedAt !== undefined;
      m.due(drainRead ? Math.max(now, m.endedAt! + this.deps.settleMs) : now + m.intervalMs);
    }
  }

  /** Marks the stream done (its last lines are stored) and stops following it. */
  private async finish(m: StreamMember): Promise<void> {
    await this.deps.writer
      .append(m.taskId, [], {
        cursor: { refKey: m.refKey, version: m.version, value: m.cursor, done: true },
      })
      .catch((err) => {
        if (!(err instanceof CursorConflict)) throw err; // another tailer finished it
      });
    this.drop(m);
  }

  private drop(m: StreamMember): void {
    this.members.delete(m);
    m.markDone();
  }

  private watched(m: StreamMember): boolean {
    return m.processId !== undefined && this.deps.watched(m.taskId, m.processId);
  }

  /** When the group reads next, if soon enough for a stream nobody watches to wait for it. */
  private nextDue(): number | undefined {
    let next = Number.POSITIVE_INFINITY;
    for (const m of this.members) if (m.isOpen && !m.missing) next = Math.min(next, m.dueAt);
    return next <= Date.now() + this.deps.timing.unwatchedPollMs ? next : undefined;
  }
}
