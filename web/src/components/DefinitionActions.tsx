import { useQueryClient } from '@tanstack/react-query';
import { type ReactNode, useState } from 'react';
import { api } from '../api/client.js';
import { useCan } from '../api/session.js';
import type { ProcessDefinition } from '../api/types.js';
import { formatTime, fromNow } from '../lib/time.js';
import { Dialog } from './Dialog.js';
import { TriggeredRun } from './TriggeredRun.js';

/** Trigger (all tasks, or the ones picked), pause and resume. */
export function DefinitionActions({ definition }: { definition: ProcessDefinition }) {
  const name = definition.process_definition_name;
  const paused = definition.paused ?? false;
  const canOperate = useCan('operator');
  const queries = useQueryClient();
  const [picking, setPicking] = useState(false);
  const [picked, setPicked] = useState<string[]>([]);
  const [message, setMessage] = useState<ReactNode>();
  const [error, setError] = useState<string>();
  const act = async <T,>(what: () => Promise<T>, done: (result: T) => ReactNode) => {
    setError(undefined);
    try {
      setMessage(done(await what()));
      await queries.invalidateQueries();
      return true;
    } catch (e) {
      setError((e as Error).message);
      return false;
    }
  };
  const trigger = async () => {
    if (
      await act(
        () => api.trigger(name, picked),
        (answer) => <TriggeredRun name={name} answer={answer} />,
      )
    ) {
      setPicking(false);
      setPicked([]);
    }
  };
  const toggle = (task: string) =>
    setPicked((old) => (old.includes(task) ? old.filter((t) => t !== task) : [...old, task]));
  // Trigger, pause and resume need an operator; a viewer sees none of them.
  if (!canOperate) return null;
  return (
    <div className="actions">
      <button type="button" className="primary" onClick={() => setPicking(true)}>
        Trigger…
      </button>
      <button
        type="button"
        onClick={() =>
          act(
            () => api.setPaused(name, !paused),
            () => `${paused ? 'Resumed' : 'Paused'} ${name}.`,
          )
        }
      >
        {paused ? 'Resume' : 'Pause'}
      </button>
      {message && (
        <span className="muted" role="status">
          {message}
        </span>
      )}
      {error && (
        <span className="error" role="alert">
          {error}
        </span>
      )}
      <Dialog open={picking} title={`Trigger ${name}`} onClose={() => setPicking(false)}>
        <fieldset className="task-picker">
          <legend>Tasks to run (none picked: all of them)</legend>
          {definition.task_definitions.map((t) => (
            <label key={t.task_definition_name}>
              <input
                type="checkbox"
                checked={picked.includes(t.task_definition_name)}
                onChange={() => toggle(t.task_definition_name)}
              />
              {t.task_definition_name}
            </label>
          ))}
        </fieldset>
        <div className="dialog-actions">
          <button type="button" onClick={() => setPicking(false)}>
            Cancel
          </button>
          <button type="button" className="primary" onClick={trigger}>
            {picked.length === 0
              ? 'Trigger all tasks'
              : `Trigger ${picked.length} task${picked.length > 1 ? 's' : ''}`}
          </button>
        </div>
      </Dialog>
    </div>
  );
}

/** When the schedule fires next, in words ("in 3 hours") with the time itself on hover. */
export function NextRun({ definition }: { definition: ProcessDefinition }) {
  if (definition.paused) return <>paused</>;
  const next = definition.next_run_time;
  if (!next) return <>–</>;
  return (
    <time dateTime={next} title={formatTime(next)}>
      {fromNow(next)}
    </time>
  );
}
