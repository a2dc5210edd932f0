import type { WireEntry, WireTask } from '../api/types.js';
import { formatCost } from '../lib/money.js';
import { durationOf, formatTime } from '../lib/time.js';
import { AnsiText } from './AnsiText.js';
import { LogView } from './LogView.js';
import { StatusBadge } from './Status.js';

interface Props {
  attempts: readonly WireTask[];
  /** The attempt shown (its task id); the latest when none. */
  selected: string | undefined;
  onSelect: (taskId: string) => void;
}

function Entries({ title, entries }: { title: string; entries: readonly WireEntry[] }) {
  if (entries.length === 0) return null;
  return (
    <>
      <h4>{title}</h4>
      <table className="entries">
        <tbody>
          {entries.map((e) => (
            <tr key={`${e.key}\u0000${e.when}\u0000${e.value}`}>
              <th scope="row">{e.key}</th>
              <td>
                <code>{e.value}</code>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

/** A task's attempts, the picked one's outcome, metadata, AWS ids and live log. */
export function TaskAttempts({ attempts, selected, onSelect }: Props) {
  const ordered = [...attempts].sort((a, b) => a.previous_attempt_count - b.previous_attempt_count);
  const shown = ordered.find((a) => a.task_id === selected) ?? ordered.at(-1)!;
  return (
    <>
      <fieldset className="attempts">
        <legend className="visually-hidden">Attempts</legend>
        {ordered.map((a) => (
          <button
            type="button"
            key={a.task_id}
            aria-pressed={a === shown}
            className={`attempt status-${a.status}`}
            onClick={() => onSelect(a.task_id)}
          >
            Attempt {a.previous_attempt_count + 1}: {a.status}
          </button>
        ))}
      </fieldset>
      <dl className="facts">
        <dt>Status</dt>
        <dd>
          <StatusBadge status={shown.status} />
        </dd>
        <dt>Started</dt>
        <dd>{formatTime(shown.start_time)}</dd>
        <dt>Duration</dt>
        <dd>{durationOf(shown.start_time, shown.end_time)}</dd>
        {shown.cost && (
          <>
            <dt>Cost</dt>
            <dd className="cost">{formatCost(shown.cost)}</dd>
          </>
        )}
        {shown.failure_reason && (
          <>
            <dt>Failure</dt>
            <dd className="failure">
              <AnsiText text={shown.failure_reason} />
            </dd>
          </>
        )}
        <dt>Task id</dt>
        <dd>
          <code>{shown.task_id}</code>
        </dd>
      </dl>
      <Entries title="Metadata" entries={shown.metadata_entries} />
      <Entries title="Execution (job ids: AWS cluster, step, job or task)" entries={shown.execution_state} />
      <h3>Log</h3>
      <LogView kind="tasks" id={shown.task_id} key={shown.task_id} />
    </>
  );
}
