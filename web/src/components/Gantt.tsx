import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useMemo, useRef } from 'react';
import type { WireTask } from '../api/types.js';
import { formatDuration } from '../lib/time.js';

interface Props {
  /** Task names in display order (every task of the run, started or not). */
  names: readonly string[];
  attempts: readonly WireTask[];
  start: string;
  end: string | undefined;
  now: number;
  selected?: string | undefined;
  onSelect: (name: string, taskId?: string) => void;
}

/** Where the axis is labelled, as fractions of the run's span. */
const TICKS = [0, 0.2, 0.4, 0.6, 0.8, 1];
/** A row's height in pixels (as in the style sheet). */
const ROW_HEIGHT = 24;

/** Each task's attempts, first to last. */
function attemptsByName(attempts: readonly WireTask[]): Map<string, WireTask[]> {
  const byName = new Map<string, WireTask[]>();
  for (const a of attempts) {
    const list = byName.get(a.task_definition_name);
    if (list) list.push(a);
    else byName.set(a.task_definition_name, [a]);
  }
  for (const list of byName.values())
    list.sort((a, b) => a.previous_attempt_count - b.previous_attempt_count);
  return byName;
}

/**
 * Every attempt of every task on one time axis: retries sit side by side on
 * their task's row, and the gap between two bars is the backoff. A virtual
 * list: a run of 10,000 tasks puts only the rows in view in the page.
 */
export function Gantt({ names, attempts, start, end, now, selected, onSelect }: Props) {
  const scroller = useRef<HTMLElement>(null);
  const virtual = useVirtualizer({
    count: names.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 20,
  });
  const byName = useMemo(() => attemptsByName(attempts), [attempts]);
  // A task picked in the graph (or named in the address) gets its row scrolled into view.
  const pickedRow = selected === undefined ? -1 : names.indexOf(selected);
  useEffect(() => {
    if (pickedRow >= 0) virtual.scrollToIndex(pickedRow, { align: 'auto' });
  }, [pickedRow, virtual]);
  const t0 = Date.parse(start);
  let t1 = Math.max(end ? Date.parse(end) : now, t0 + 1000);
  for (const a of attempts) t1 = Math.max(t1, a.end_time ? Date.parse(a.end_time) : now);
  const span = t1 - t0;
  const pct = (t: number) => `${((t - t0) / span) * 100}%`;
  return (
    <section className="gantt" aria-label="Timeline of every attempt" ref={scroller}>
      <div className="gantt-axis" aria-hidden="true">
        {TICKS.map((f) => (
          <span key={f} style={{ left: `${f * 100}%` }}>
            {formatDuration(span * f)}
          </span>
        ))}
      </div>
      <div className="gantt-rows" style={{ height: virtual.getTotalSize() }}>
        {virtual.getVirtualItems().map((item) => {
          const name = names[item.index]!;
          const rows = byName.get(name) ?? [];
          return (
            <div
              key={name}
              className={`gantt-row${selected === name ? ' selected' : ''}`}
              style={{ transform: `translateY(${item.start}px)` }}
              data-task={name}
            >
              <button type="button" className="gantt-label" onClick={() => onSelect(name)} title={name}>
                {name}
              </button>
              <div className="gantt-track">
                {rows.map((a, i) => {
                  const from = Date.parse(a.start_time);
                  const to = a.end_time ? Date.parse(a.end_time) : now;
                  const prev = rows[i - 1];
                  return (
                    <span key={a.task_id}>
                      {prev?.end_time && (
                        <span
                          className="gantt-backoff"
                          style={{
                            left: pct(Date.parse(prev.end_time)),
                            width: pct(t0 + from - Date.parse(prev.end_time)),
                          }}
                          title={`waited ${formatDuration(from - Date.parse(prev.end_time))} before attempt ${i + 1}`}
                        />
                      )}
                      <button
                        type="button"
                        className={`gantt-bar status-${a.status}`}
                        style={{ left: pct(from), width: `max(3px, ${pct(t0 + to - from)})` }}
                        onClick={() => onSelect(name, a.task_id)}
                        title={`${name} attempt ${a.previous_attempt_count + 1}: ${a.status}, ${formatDuration(to - from)}`}
                        aria-label={`${name} attempt ${a.previous_attempt_count + 1}: ${a.status}`}
                        data-status={a.status}
                      />
                    </span>
                  );
                })}
              </div>
            </div>
          );
        })}
      </div>
    </section>
  );
}
