import { useVirtualizer } from '@tanstack/react-virtual';
import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { api, type LogKind } from '../api/client.js';
import type { LogLine } from '../api/types.js';
import { AnsiText } from './AnsiText.js';

interface Props {
  kind: LogKind;
  id: string;
  /** The process log interleaves tasks: say which task each line is from. */
  showTask?: boolean;
}

const ROW_HEIGHT = 20;
const TAIL = 500;
const OLDER_PAGE = 1000;
/** Lines kept in the page; older ones are dropped while following and paged back in on request. */
const MAX_LINES = 20_000;

const clock = new Intl.DateTimeFormat(undefined, {
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  fractionalSecondDigits: 3,
  hour12: false,
});

type StreamState = 'loading' | 'live' | 'ended' | 'error';

/** By each line's own time, then as stored: sources stored at different paces fall into place. */
const byWhen = (a: LogLine, b: LogLine) =>
  Date.parse(a.when) - Date.parse(b.when) || Number(a.cursor) - Number(b.cursor);

/**
 * A log of any length: its end first, older pages on request, new lines
 * from the server's event stream as they arrive, rendered as a virtual list
 * (only the rows in view exist in the page).
 */
export function LogView({ kind, id, showTask }: Props) {
  const [lines, setLines] = useState<LogLine[]>([]);
  const [moreBefore, setMoreBefore] = useState(false);
  const [state, setState] = useState<StreamState>('loading');
  const [follow, setFollow] = useState(true);
  /** Show the loaded lines in time order instead of as stored (the stream's order). */
  const [inTimeOrder, setInTimeOrder] = useState(false);
  const shown = useMemo(() => (inTimeOrder ? [...lines].sort(byWhen) : lines), [lines, inTimeOrder]);
  const scroller = useRef<HTMLDivElement>(null);
  const prepended = useRef(0);

  useEffect(() => {
    let closed = false;
    let source: EventSource | undefined;
    let pending: LogLine[] = [];
    let flush: number | undefined;
    setLines([]);
    setState('loading');
    setFollow(true);
    const append = () => {
      flush = undefined;
      const batch = pending;
      pending = [];
      setLines((old) => {
        const all = old.concat(batch);
        if (all.length <= MAX_LINES) return all;
        setMoreBefore(true);
        return all.slice(all.length - MAX_LINES);
      });
    };
    api.logBefore(kind, id, TAIL).then(
      (page) => {
        if (closed) return;
        setLines(page.entries);
        setMoreBefore(page.has_more_before ?? false);
        if (page.complete) return setState('ended');
        source = new EventSource(api.logStreamUrl(kind, id, page.next_cursor));
        source.onopen = () => setState('live');
        source.onmessage = (ev) => {
          pending.push(JSON.parse(ev.data) as LogLine);
          // Lines arrive in bursts: one render per frame, not per line.
          flush ??= requestAnimationFrame(append);
        };
        source.addEventListener('end', () => {
          source?.close();
          setState('ended');
        });
        source.onerror = () => {
          // EventSource reconnects by itself (resuming after Last-Event-ID) unless the server said it is over.
          setState(source?.readyState === EventSource.CLOSED ? 'ended' : 'error');
        };
      },
      () => !closed && setState('error'),
    );
    return () => {
      closed = true;
      source?.close();
      if (flush !== undefined) cancelAnimationFrame(flush);
    };
  }, [kind, id]);

  const virtual = useVirtualizer({
    count: lines.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 30,
  });

  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el) return;
    if (prepended.current > 0) {
      // Keep the lines the reader was looking at where they were.
      el.scrollTop += prepended.current * ROW_HEIGHT;
      prepended.current = 0;
    } else if (follow) {
      el.scrollTop = el.scrollHeight;
    }
  });

  const onScroll = useCallback(() => {
    const el = scroller.current;
    if (!el) return;
    const atEnd = el.scrollHeight - el.scrollTop - el.clientHeight < ROW_HEIGHT * 2;
    setFollow(atEnd);
  }, []);

  const loadOlder = async () => {
    const first = lines[0];
    if (!first) return;
    const page = await api.logBefore(kind, id, OLDER_PAGE, Number(first.cursor));
    prepended.current = page.entries.length;
    setMoreBefore(page.has_more_before ?? false);
    setLines((old) => page.entries.concat(old));
  };

  return (
    <div className="log-view" data-state={state}>
      <div className="log-toolbar">
        <span className={`log-state log-state-${state}`} role="status">
          {state === 'live'
            ? 'live'
            : state === 'ended'
              ? 'complete'
              : state === 'error'
                ? 'reconnecting…'
                : 'loading…'}
        </span>
        <span className="log-count">{lines.length.toLocaleString()} lines shown</span>
        {moreBefore && (
          <button type="button" onClick={loadOlder}>
            Load older lines
          </button>
        )}
        <button
          type="button"
          onClick={() => setInTimeOrder(!inTimeOrder)}
          aria-pressed={inTimeOrder}
          title="Sort the lines shown by their own time (a remote log's lines are stored after a delay)"
        >
          Time order
        </button>
        <button type="button" onClick={() => setFollow(!follow)} aria-pressed={follow}>
          {follow ? 'Pause follow' : 'Follow'}
        </button>
        <button
          type="button"
          onClick={() => {
            setFollow(true);
            if (scroller.current) scroller.current.scrollTop = scroller.current.scrollHeight;
          }}
        >
          Jump to end
        </button>
      </div>
      <div
        className="log-lines"
        ref={scroller}
        onScroll={onScroll}
        // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling region must take focus to scroll by keyboard
        tabIndex={0}
        role="log"
        aria-label="Log lines"
      >
        {lines.length === 0 && state !== 'loading' && <p className="muted log-empty">No log lines yet.</p>}
        <div style={{ height: virtual.getTotalSize(), position: 'relative' }}>
          {virtual.getVirtualItems().map((row) => {
            const line = shown[row.index]!;
            return (
              <div
                key={line.cursor}
                className={`log-line source-${line.source}`}
                style={{ transform: `translateY(${row.start}px)`, height: ROW_HEIGHT }}
              >
                <time dateTime={line.when}>{clock.format(new Date(line.when))}</time>
                <span className="log-source">{line.source}</span>
                {showTask && <span className="log-task">{line.task_definition_name}</span>}
                <span className="log-message">
                  <AnsiText text={line.message} />
                </span>
              </div>
            );
          })}
        </div>
      </div>
    </div>
  );
}
