import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { Link, useParams, useSearchParams } from 'react-router';
import { ApiError, api } from '../api/client.js';
import { useCan } from '../api/session.js';
import type { WireTask } from '../api/types.js';
import { DagGraph } from '../components/DagGraph.js';
import { Deliveries } from '../components/Deliveries.js';
import { ConfirmButton } from '../components/Dialog.js';
import { Gantt } from '../components/Gantt.js';
import { LogView } from '../components/LogView.js';
import { QueryError, StatusBadge } from '../components/Status.js';
import { TaskAttempts } from '../components/TaskAttempts.js';
import { formatUsd } from '../lib/money.js';
import { durationOf, formatTime } from '../lib/time.js';
import { useRun } from '../lib/use-run.js';
import { NotFoundPage } from './NotFoundPage.js';

/** One run: its DAG coloured by status, the timeline of attempts, the picked task, actions, logs. */
export function RunPage() {
  const id = useParams().id!;
  const [search, setSearch] = useSearchParams();
  const [processLog, setProcessLog] = useState(false);
  const queries = useQueryClient();
  const canOperate = useCan('operator');
  const { run: p, complete, error: runError } = useRun(id);
  // The tasks the run was started with never change; a run in progress may not have attempts of all yet.
  const taskDefinitions = useQuery({
    queryKey: ['task-definitions', id],
    queryFn: () => api.taskDefinitions(id),
    staleTime: Number.POSITIVE_INFINITY,
  });
  const latest = useMemo(() => {
    const map = new Map<string, WireTask>();
    for (const t of p?.task ?? []) {
      const seen = map.get(t.task_definition_name);
      if (!seen || seen.previous_attempt_count < t.previous_attempt_count) map.set(t.task_definition_name, t);
    }
    return map;
  }, [p]);
  const defs = taskDefinitions.data;
  // Until the run's task definitions arrive, the timeline has a row for each task read so far.
  const names = useMemo(
    () => (defs ? defs.map((t) => t.task_definition_name) : [...latest.keys()]),
    [defs, latest],
  );

  const error = runError ?? taskDefinitions.error;
  if (error instanceof ApiError && error.notFound) return <NotFoundPage what={`run with id “${id}”`} />;
  if (error) return <QueryError error={error} />;
  if (!p) return <p className="muted">Loading…</p>;

  const picked = search.get('task') ?? undefined;
  const select = (name: string, taskId?: string) =>
    setSearch(taskId ? { task: name, attempt: taskId } : { task: name }, { replace: true });
  const refresh = () => queries.invalidateQueries({ queryKey: ['process', id] });
  const attemptsOfPicked = p.task.filter((t) => t.task_definition_name === picked);
  return (
    <>
      <nav className="crumbs" aria-label="Breadcrumb">
        <Link to="/">Definitions</Link> /{' '}
        <Link to={`/definitions/${encodeURIComponent(p.process_definition_name)}`}>
          {p.process_definition_name}
        </Link>{' '}
        / <span>run</span>
      </nav>
      <div className="page-head">
        <h1>
          {p.process_definition_name} <StatusBadge status={p.status} />
        </h1>
        <div className="actions">
          {canOperate && p.status === 'running' && (
            <ConfirmButton
              label="Kill run"
              danger
              question={`Kill this run of ${p.process_definition_name}? Its running tasks are stopped and it fails.`}
              onConfirm={() => api.kill(id).then(refresh)}
            />
          )}
          {canOperate && p.status === 'failed' && (
            <ConfirmButton
              label="Retry failed tasks"
              question="Give every failed task of this run one more attempt, now?"
              onConfirm={() => api.retry(id).then(refresh)}
            />
          )}
        </div>
      </div>
      <dl className="facts">
        <dt>Started</dt>
        <dd>{formatTime(p.start_time)}</dd>
        <dt>Duration</dt>
        <dd>
          {durationOf(p.start_time, p.end_time)}
          {p.status === 'running' && ' so far'}
        </dd>
        {p.cost_usd !== undefined && (
          <>
            <dt>Cost</dt>
            <dd className="cost" title="Its AWS jobs and clusters, priced by the server's price table">
              {formatUsd(p.cost_usd)}
            </dd>
          </>
        )}
        {p.kill_reason && (
          <>
            <dt>Killed</dt>
            <dd>{p.kill_reason}</dd>
          </>
        )}
        <dt>Run id</dt>
        <dd>
          <code>{p.process_id}</code>
        </dd>
      </dl>
      <h2>Graph</h2>
      {defs ? (
        <DagGraph
          tasks={defs}
          statusOf={(name) => latest.get(name)?.status ?? (complete ? 'waiting' : undefined)}
          selected={picked}
          onSelect={(name) => select(name)}
          label="Task graph, coloured by status"
        />
      ) : (
        <p className="muted">Reading the run’s tasks…</p>
      )}
      <h2>Timeline</h2>
      {!complete && (
        <p className="muted reading-attempts" aria-live="polite">
          {p.task.length} attempts read; reading the others…
        </p>
      )}
      <Gantt
        names={names}
        attempts={p.task}
        start={p.start_time}
        end={p.end_time}
        now={Date.now()}
        selected={picked}
        onSelect={select}
      />
      {picked && (
        <section className="panel task-panel" aria-label={`Task ${picked}`}>
          <h2>Task {picked}</h2>
          {attemptsOfPicked.length === 0 ? (
            <p className="muted">{complete ? 'Not started yet.' : 'Reading its attempts…'}</p>
          ) : (
            <TaskAttempts
              attempts={attemptsOfPicked}
              selected={search.get('attempt') ?? undefined}
              onSelect={(taskId) => select(picked, taskId)}
            />
          )}
        </section>
      )}
      {p.notification_deliveries && (
        <>
          <h2>Notifications</h2>
          <Deliveries deliveries={p.notification_deliveries} />
        </>
      )}
      <h2>Process log</h2>
      {processLog ? (
        <LogView kind="processes" id={id} showTask />
      ) : (
        <button type="button" onClick={() => setProcessLog(true)}>
          Show the log of every task
        </button>
      )}
    </>
  );
}
